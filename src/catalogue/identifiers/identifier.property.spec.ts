import fc from 'fast-check';
import {
  formatIdentifier,
  IDENTIFIER_SCHEMES,
  IdentifierScheme,
  normalizeIdentifier,
  parseIdentifier,
} from './identifier';

// Check digits computed here independently of the code under test.

const sum = (digits: number[], weight: (i: number) => number) =>
  digits.reduce((total, d, i) => total + d * weight(i), 0);
const checkChar = (c: number) => (c === 10 ? 'X' : String(c));
const isbn10Check = (d: number[]) => checkChar((11 - (sum(d, (i) => 10 - i) % 11)) % 11);
const isbn13Check = (d: number[]) => String((10 - (sum(d, (i) => (i % 2 ? 3 : 1)) % 10)) % 10);
const issnCheck = (d: number[]) => checkChar((11 - (sum(d, (i) => 8 - i) % 11)) % 11);
const iswcCheck = (d: number[]) => String((10 - ((1 + sum(d, (i) => i + 1)) % 10)) % 10);
const isniCheck = (d: number[]) =>
  checkChar((12 - d.reduce((p, digit) => ((p + digit) * 2) % 11, 0)) % 11);

const digits = (n: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: n, maxLength: n });

/** `text` with a separator, or none, drawn from `separators` before each character. */
const sprinkled = (text: string, separators: string[]) =>
  fc
    .array(fc.constantFrom('', ...separators), { minLength: text.length, maxLength: text.length })
    .map((seps) => [...text].map((char, i) => seps[i] + char).join(''));

/** An X check character in either case. */
const anyCaseX = (text: string) =>
  fc.boolean().map((lower) => (lower ? text.replace('X', 'x') : text));

const isbn10 = digits(9).map((d) => d.join('') + isbn10Check(d));
const isbn13 = fc
  .tuple(fc.constantFrom([9, 7, 8], [9, 7, 9]), digits(9))
  .map(([prefix, d]) => [...prefix, ...d])
  .map((d) => d.join('') + isbn13Check(d));
const issn = digits(7).map((d) => d.join('') + issnCheck(d));
const isni = digits(15).map((d) => d.join('') + isniCheck(d));
const iswc = digits(9).map((d) => d.join('') + iswcCheck(d));

/**
 * Allocated ISRC prefixes: every agency prefix beyond ISO 3166-1 and a spread of ISO codes (the
 * full list is checked in isrc.spec.ts).
 */
const ISRC_PREFIXES = (
  'BC BK BP BX CB CP DG FX GX KS QM QN QT QZ UK XK YU ZB ZZ AN CS ' +
  'AD AQ AX BQ BR CW DE FR GB JP KR MX NL SE SS SX TW US VA ZA ZW'
).split(' ');

type Raw = [IdentifierScheme, string];
const raw = (scheme: IdentifierScheme, values: fc.Arbitrary<string>): fc.Arbitrary<Raw> =>
  values.map((value): Raw => [scheme, value]);

const TRACKING = ['utm_source=a', 'utm_medium=b', 'gclid=c', 'fbclid', 'igshid=d', 'ref_src=e'];
const urlWithTracking = fc
  .tuple(
    fc.webUrl({ withQueryParameters: true, withFragments: true }),
    fc.subarray(TRACKING),
    fc.boolean(),
  )
  .map(([url, tracking, slash]) => {
    const hash = url.indexOf('#');
    const [base, fragment] = hash === -1 ? [url, ''] : [url.slice(0, hash), url.slice(hash)];
    const query =
      tracking.length === 0 ? '' : (base.includes('?') ? '&' : '?') + tracking.join('&');
    return (slash && !base.includes('?') ? `${base}/` : base) + query + fragment;
  });

/** Valid identifiers of every scheme, in the many forms each scheme accepts. */
const validRaw: fc.Arbitrary<Raw> = fc.oneof(
  raw('isbn', isbn10.chain((v) => sprinkled(v, ['-', ' '])).chain(anyCaseX)),
  raw(
    'isbn',
    isbn13.chain((v) => sprinkled(v, ['-', ' '])),
  ),
  raw(
    'issn',
    fc
      .tuple(issn, fc.boolean())
      .map(([v, hyphen]) => (hyphen ? `${v.slice(0, 4)}-${v.slice(4)}` : v))
      .chain(anyCaseX),
  ),
  raw('isni', isni.chain((v) => sprinkled(v, [' ', '-'])).chain(anyCaseX)),
  raw(
    'iswc',
    fc
      .tuple(
        fc.constantFrom('T', 't'),
        iswc.chain((v) => sprinkled(v, ['-', '.'])),
      )
      .map(([t, v]) => t + v),
  ),
  raw(
    'doi',
    fc
      .tuple(
        fc.constantFrom('', 'doi:', 'DOI: ', 'https://doi.org/', 'http://dx.doi.org/'),
        fc.stringMatching(/^10\.\d{4,9}(\.\d{1,3}){0,2}\/[!-~]{1,30}$/),
      )
      .filter(([prefix, doi]) => !prefix.startsWith('http') || !doi.includes('%'))
      .map(([prefix, doi]) => prefix + doi),
  ),
  raw(
    'isrc',
    fc
      .tuple(
        fc.constantFrom(...ISRC_PREFIXES),
        fc.boolean(),
        fc.boolean(),
        fc.stringMatching(/^-?[A-Za-z0-9]{3}-?\d{2}-?\d{5}$/),
      )
      .map(([[a, b], lowerA, lowerB, rest]) =>
        [lowerA ? a.toLowerCase() : a, lowerB ? b.toLowerCase() : b, rest].join(''),
      ),
  ),
  raw('sha256', fc.stringMatching(/^[0-9a-fA-F]{64}$/)),
  raw(
    'ext',
    fc.string({ minLength: 1, maxLength: 200 }).filter((v) => !/^\s*$|\p{Cc}/u.test(v)),
  ),
  raw('url', fc.webUrl({ withQueryParameters: true, withFragments: true })),
  raw('url', urlWithTracking),
);

function normalizedValue(scheme: IdentifierScheme, value: string): string {
  const result = normalizeIdentifier(scheme, value);
  if (!result.ok) throw new Error(`${scheme} ${JSON.stringify(value)}: ${result.reason}`);
  return result.identifier.value;
}

describe('property: generated valid identifiers', () => {
  it('normalize ok, and normalizing the normalized value changes nothing', () => {
    fc.assert(
      fc.property(validRaw, ([scheme, value]) => {
        const once = normalizedValue(scheme, value);
        expect(normalizeIdentifier(scheme, once)).toEqual({
          ok: true,
          identifier: { scheme, value: once },
        });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('property: arbitrary text', () => {
  it('either is rejected or normalizes to a fixed point, for every scheme', () => {
    const text = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.string({ unit: 'binary', maxLength: 80 }),
      fc.stringMatching(/^[ 0-9Xx.T:/%-]{0,25}$/),
    );
    fc.assert(
      fc.property(fc.constantFrom(...IDENTIFIER_SCHEMES), text, (scheme, value) => {
        const once = normalizeIdentifier(scheme, value);
        if (!once.ok) return;
        expect(normalizeIdentifier(scheme, once.identifier.value)).toEqual(once);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('property: ISBN-10 and ISBN-13', () => {
  it('an ISBN-10 and its 978 ISBN-13 normalize to the same identifier', () => {
    fc.assert(
      fc.property(digits(9), (d) => {
        const ten = d.join('') + isbn10Check(d);
        const thirteenDigits = [9, 7, 8, ...d];
        const thirteen = thirteenDigits.join('') + isbn13Check(thirteenDigits);
        const expected = { ok: true, identifier: { scheme: 'isbn', value: thirteen } };
        expect(normalizeIdentifier('isbn', ten)).toEqual(expected);
        expect(normalizeIdentifier('isbn', thirteen)).toEqual(expected);
      }),
    );
  });
});

describe('property: ISNI separators', () => {
  it('an ISNI grouped by hyphens or by spaces normalizes to its 16 characters', () => {
    fc.assert(
      fc.property(isni, (v) => {
        const groups = [v.slice(0, 4), v.slice(4, 8), v.slice(8, 12), v.slice(12)];
        const expected = { ok: true, identifier: { scheme: 'isni', value: v } };
        expect(normalizeIdentifier('isni', groups.join('-'))).toEqual(expected);
        expect(normalizeIdentifier('isni', groups.join(' '))).toEqual(expected);
      }),
    );
  });
});

describe('property: format and parse', () => {
  it('parseIdentifier(formatIdentifier(x)) gives back every normalized identifier x', () => {
    fc.assert(
      fc.property(validRaw, ([scheme, value]) => {
        const identifier = { scheme, value: normalizedValue(scheme, value) };
        expect(parseIdentifier(formatIdentifier(identifier))).toEqual({ ok: true, identifier });
      }),
      { numRuns: 2000 },
    );
  });
});
