import {
  formatIdentifier,
  IDENTIFIER_SCHEMES,
  normalizeIdentifier,
  parseIdentifier,
} from './identifier';

describe('normalizeIdentifier: unknown schemes', () => {
  it('are rejected by name', () => {
    expect(normalizeIdentifier('foo', 'x')).toEqual({
      ok: false,
      reason: 'unknown identifier scheme "foo"',
    });
    expect(normalizeIdentifier('  ', 'x')).toEqual({
      ok: false,
      reason: 'identifier scheme is empty',
    });
  });

  it('are quoted and cut short in the reason', () => {
    expect(normalizeIdentifier(`a"${'b'.repeat(100)}`, 'x')).toEqual({
      ok: false,
      reason: `unknown identifier scheme "a\\"${'b'.repeat(38)}…"`,
    });
  });

  it('are quoted whole up to 40 characters', () => {
    expect(normalizeIdentifier('c'.repeat(40), 'x')).toEqual({
      ok: false,
      reason: `unknown identifier scheme "${'c'.repeat(40)}"`,
    });
  });
});

describe('normalizeIdentifier: scheme names', () => {
  it('are case-insensitive and trimmed', () => {
    expect(normalizeIdentifier(' ISBN ', '9780306406157')).toEqual({
      ok: true,
      identifier: { scheme: 'isbn', value: '9780306406157' },
    });
  });
});

describe('normalizeIdentifier: empty values', () => {
  it('are rejected for every scheme, blanks included', () => {
    for (const scheme of IDENTIFIER_SCHEMES) {
      for (const value of ['', '   ', '\t\n']) {
        expect(normalizeIdentifier(scheme, value)).toEqual({
          ok: false,
          reason: `${scheme} value is empty`,
        });
      }
    }
  });
});

describe('normalizeIdentifier: the length limit', () => {
  it('rejects values over 2048 characters after trimming', () => {
    const path = 'a'.repeat(2048 - 'https://example.com/'.length);
    expect(normalizeIdentifier('url', ` https://example.com/${path} `)).toEqual({
      ok: true,
      identifier: { scheme: 'url', value: `https://example.com/${path}` },
    });
    expect(normalizeIdentifier('url', `https://example.com/${path}a`)).toEqual({
      ok: false,
      reason: 'url value is longer than 2048 characters',
    });
  });

  it('rejects values that grow over 2048 characters when normalized', () => {
    const path = ' '.repeat(2000);
    expect(normalizeIdentifier('url', `https://example.com/a${path}b`)).toEqual({
      ok: false,
      reason: 'url value is longer than 2048 characters once normalized',
    });
  });
});

describe('normalizeIdentifier: values that are not strings', () => {
  it('are rejected, as untyped import data may carry them', () => {
    expect(normalizeIdentifier('isbn', 9780306406157 as unknown as string)).toEqual({
      ok: false,
      reason: 'isbn value must be a string',
    });
    expect(normalizeIdentifier(null as unknown as string, 'x')).toEqual({
      ok: false,
      reason: 'identifier scheme must be a string',
    });
    expect(parseIdentifier(42 as unknown as string)).toEqual({
      ok: false,
      reason: 'identifier must be a string',
    });
  });
});

describe('parseIdentifier: scheme:value', () => {
  it('splits at the first colon, scheme case-insensitive and trimmed', () => {
    expect(parseIdentifier(' DOI :https://doi.org/10.1000/ABC')).toEqual({
      ok: true,
      identifier: { scheme: 'doi', value: '10.1000/abc' },
    });
    expect(parseIdentifier('url:https://example.com/a:b?c=d:e')).toEqual({
      ok: true,
      identifier: { scheme: 'url', value: 'https://example.com/a:b?c=d:e' },
    });
    expect(parseIdentifier('ext:acme:42')).toEqual({
      ok: true,
      identifier: { scheme: 'ext', value: 'acme:42' },
    });
  });
});

describe('parseIdentifier: invalid text', () => {
  it('names the problem', () => {
    expect(parseIdentifier('9780306406157')).toEqual({
      ok: false,
      reason: 'identifier must look like "scheme:value"',
    });
    expect(parseIdentifier(':9780306406157')).toEqual({
      ok: false,
      reason: 'identifier scheme is empty',
    });
    expect(parseIdentifier('isbn:')).toEqual({ ok: false, reason: 'isbn value is empty' });
    expect(parseIdentifier('isbn:9780306406158')).toEqual({
      ok: false,
      reason: 'isbn 9780306406158 has a wrong check digit (expected 7)',
    });
    expect(parseIdentifier('foo:bar')).toEqual({
      ok: false,
      reason: 'unknown identifier scheme "foo"',
    });
  });
});

describe('formatIdentifier', () => {
  it('writes scheme:value', () => {
    expect(formatIdentifier({ scheme: 'isbn', value: '9780306406157' })).toBe('isbn:9780306406157');
    expect(formatIdentifier({ scheme: 'url', value: 'https://example.com/' })).toBe(
      'url:https://example.com/',
    );
  });
});
