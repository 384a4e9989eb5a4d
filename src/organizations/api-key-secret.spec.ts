import {
  apiKeyPrefix,
  generateApiKeySecret,
  hashApiKey,
  sameHash,
  secretFromKey,
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

describe('secretFromKey', () => {
  it('derives the prefix and SHA-256 of a chosen key', () => {
    const secret = secretFromKey('bootstrap-admin-key-0123456789abcdef');
    expect(secret.prefix).toBe('bootstrap-ad');
    expect(secret.hash.toString('hex')).toBe(
      '47db47b1313af08c7f51f3befeb52f645b2f7ec6fb2150329e7a17acfbbd76d2',
    );
    expect(apiKeyPrefix('short')).toBe('short');
  });

  it('tells different hashes apart, including different lengths', () => {
    expect(sameHash(hashApiKey('a'), hashApiKey('b'))).toBe(false);
    expect(sameHash(Buffer.from('ab'), Buffer.from('abc'))).toBe(false);
  });
});
