import { normalizeIdentifier } from './identifier';

const ext = (value: string) => normalizeIdentifier('ext', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'ext', value } });

describe('ext: a publisher identifier', () => {
  it('is kept as given, trimmed', () => {
    expect(ext('  ACME/Book 42:b  ')).toEqual(normalized('ACME/Book 42:b'));
    expect(ext('Œuvre №7')).toEqual(normalized('Œuvre №7'));
  });
});

describe('ext: the length limit', () => {
  it('accepts 200 characters and rejects 201', () => {
    expect(ext('a'.repeat(200))).toEqual(normalized('a'.repeat(200)));
    expect(ext('a'.repeat(201))).toEqual({
      ok: false,
      reason: 'ext must be at most 200 characters',
    });
  });
});

describe('ext: control characters', () => {
  it('are rejected inside the value', () => {
    for (const value of ['a\tb', 'a\nb', 'a\u0000b', 'a\u007fb', 'a\u0085b']) {
      expect(ext(value)).toEqual({ ok: false, reason: 'ext must not contain control characters' });
    }
  });
});
