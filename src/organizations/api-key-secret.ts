import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Generated keys look like `rlk_<43 base64url chars>`: 256 random bits behind a recognisable tag. */
export const API_KEY_TAG = 'rlk_';
export const API_KEY_PREFIX_LENGTH = 12;

/**
 * The prefix stored and shown for a key the operator chose (BOOTSTRAP_ADMIN_KEY): a fixed label,
 * not a piece of the secret, whose strength and shape we cannot know. No generated key starts
 * with it (`:` is not a base64url character).
 */
export const CHOSEN_KEY_PREFIX = 'rlk:operator';

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: Buffer;
}

/** A generated key's prefix is its first characters: 48 of its 256 random bits remain public. */
export function generateApiKeySecret(): NewApiKeySecret {
  const key = API_KEY_TAG + randomBytes(32).toString('base64url');
  return { key, prefix: apiKeyPrefix(key), hash: hashApiKey(key) };
}

/** A key the operator chose (BOOTSTRAP_ADMIN_KEY): stored under the fixed label. */
export function secretFromChosenKey(key: string): NewApiKeySecret {
  return { key, prefix: CHOSEN_KEY_PREFIX, hash: hashApiKey(key) };
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX_LENGTH);
}

/**
 * The prefixes under which a presented key may be stored, in the order to look: its own first
 * characters (every generated key, and chosen keys stored before the label existed), then the
 * chosen keys' label (one small bucket, cached like the others).
 */
export function lookupPrefixes(key: string): string[] {
  const own = apiKeyPrefix(key);
  if (own === CHOSEN_KEY_PREFIX) return [own];
  // Keys we generate start with rlk_; any other is an operator-chosen bootstrap key, looked up
  // under its label first (its own prefix finds nothing, and an empty answer is never cached).
  return key.startsWith('rlk_') ? [own, CHOSEN_KEY_PREFIX] : [CHOSEN_KEY_PREFIX, own];
}

/** A plain SHA-256 is enough: the keys carry 256 bits of entropy, so there is nothing to guess. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
