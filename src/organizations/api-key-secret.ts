import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** Generated keys look like `rlk_<43 base64url chars>`: 256 random bits behind a recognisable tag. */
export const API_KEY_TAG = 'rlk_';
export const API_KEY_PREFIX_LENGTH = 12;

export interface NewApiKeySecret {
  key: string;
  prefix: string;
  hash: Buffer;
}

export function generateApiKeySecret(): NewApiKeySecret {
  return secretFromKey(API_KEY_TAG + randomBytes(32).toString('base64url'));
}

/** Also used for BOOTSTRAP_ADMIN_KEY, which the operator chooses. */
export function secretFromKey(key: string): NewApiKeySecret {
  return { key, prefix: apiKeyPrefix(key), hash: hashApiKey(key) };
}

export function apiKeyPrefix(key: string): string {
  return key.slice(0, API_KEY_PREFIX_LENGTH);
}

/** A plain SHA-256 is enough: the keys carry 256 bits of entropy, so there is nothing to guess. */
export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function sameHash(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}
