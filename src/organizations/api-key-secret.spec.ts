import {
  apiKeyPrefix,
  CHOSEN_KEY_PREFIX,
  generateApiKeySecret,
  hashApiKey,
  lookupPrefixes,
  sameHash,
  secretFromChosenKey,
} from './api-key-secret';

describe('generateApiKeySecret', () => {
  it('makes a tagged key of 256 random bits whose hash and prefix match it', () => {
    const secret = generateApiKeySecret();
    expect(secret.key).toMatch(/^rlk_[A-Za-z0-9_-]{43}$/);
    expect(Buffer.from(secret.key.slice(4), 'base64url')).toHaveLength(32);
    expect(secret.prefix).toBe(secret.key.slice(0, 12));
    expect(sameHash(secret.hash, hashApiKey(secret.key))).toBe(true);
  });

  it('never repeats a key', () => {
    const keys = new Set(Array.from({ length: 1000 }, () => generateApiKeySecret().key));
    expect(keys.size).toBe(1000);
  });
});

describe('secretFromChosenKey', () => {
  it('stores a chosen key under a fixed label, with its SHA-256, and reveals none of it', () => {
    const secret = secretFromChosenKey('bootstrap-admin-key-0123456789abcdef');
    expect(secret.prefix).toBe('rlk:operator');
    expect(secret.hash.toString('hex')).toBe(
      '47db47b1313af08c7f51f3befeb52f645b2f7ec6fb2150329e7a17acfbbd76d2',
    );
    // Even a chosen key shaped like a generated one.
    const generatedShape = generateApiKeySecret().key;
    expect(secretFromChosenKey(generatedShape).prefix).toBe(CHOSEN_KEY_PREFIX);
    expect(apiKeyPrefix('short')).toBe('short');
  });

  it('looks a presented key up under its own first characters, then the label', () => {
    expect(lookupPrefixes('rlk_Q3xk9Tb0mJ0d7wqA4u2Zc1hYpE6sN8vLrKfXgTiBo5')).toEqual([
      'rlk_Q3xk9Tb0',
      'rlk:operator',
    ]);
    expect(lookupPrefixes('rlk:operator-and-more')).toEqual(['rlk:operator']);
  });

  it('looks an operator-chosen key (not rlk_…) up under the label first', () => {
    expect(lookupPrefixes('my-own-chosen-bootstrap-key-0123456789')).toEqual([
      'rlk:operator',
      'my-own-chose',
    ]);
  });

  it('tells different hashes apart, including different lengths', () => {
    expect(sameHash(hashApiKey('a'), hashApiKey('b'))).toBe(false);
    expect(sameHash(Buffer.from('ab'), Buffer.from('abc'))).toBe(false);
  });
});
