import { invalid, SchemeResult } from './scheme-result';

const MALFORMED = 'issn must be 8 characters, NNNN-NNNC, with an optional hyphen';

/**
 * ISSN `NNNN-NNNC` (hyphen optional, C a digit or X, mod 11), normalized with the hyphen and a
 * capital X. `value` is trimmed and non-empty.
 */
export function normalizeIssn(value: string): SchemeResult {
  const n = value.length;
  const hyphen = n === 9;
  if (n !== 8 && !(hyphen && value.charCodeAt(4) === 45)) return invalid(MALFORMED);
  let sum = 0;
  for (let k = 0; k < 7; k++) {
    const d = value.charCodeAt(hyphen && k >= 4 ? k + 1 : k) - 48;
    if (d < 0 || d > 9) return invalid(MALFORMED);
    sum += d * (8 - k);
  }
  const last = value.charCodeAt(n - 1);
  const lowerX = last === 120;
  const check = last === 88 || lowerX ? 10 : last - 48;
  if (check < 0 || check > 10) return invalid(MALFORMED);
  const expected = (11 - (sum % 11)) % 11;
  const checkChar = expected === 10 ? 'X' : String(expected);
  if (hyphen && !lowerX && check === expected) return value;
  const body = hyphen ? value.slice(0, 8) : value.slice(0, 4) + '-' + value.slice(4, 7);
  if (check !== expected) {
    const given = check === 10 ? 'X' : String(check);
    return invalid(`issn ${body}${given} has a wrong check digit (expected ${checkChar})`);
  }
  return body + checkChar;
}
