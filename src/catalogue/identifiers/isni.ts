import { invalid, SchemeResult } from './scheme-result';

const SEPARATORS = /[ -]/g;
const MALFORMED =
  'isni must be 16 characters, 15 digits and a check digit or X, with optional spaces or hyphens';

/**
 * ISNI `0000 0001 2146 438X`: 15 digits and an ISO 7064 MOD 11-2 check character (a digit or
 * X). Spaces and hyphens are separators, ignored wherever they stand, as python-stdnum, idutils
 * and xbib do (`0000-0002-1825-0097`, the form ORCID iDs, a block of ISNIs, are written in);
 * normalized to 16 characters without separators and with a capital X.
 * `value` is trimmed and non-empty.
 */
export function normalizeIsni(value: string): SchemeResult {
  let count = 0;
  let p = 0;
  let check = -1;
  let lowerX = false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 32 || c === 45) continue; // ' ' or '-'
    count++;
    const d = c - 48;
    if (d >= 0 && d <= 9) {
      if (count <= 15) p = ((p + d) * 2) % 11;
      else check = d;
    } else if ((c === 88 || c === 120) && count === 16) {
      check = 10;
      lowerX = c === 120;
    } else {
      return invalid(MALFORMED);
    }
  }
  if (count !== 16) return invalid(MALFORMED);
  const expected = (12 - p) % 11;
  const plain = value.length === 16 && !lowerX;
  if (check !== expected || !plain) {
    const body = (value.length === 16 ? value : value.replace(SEPARATORS, '')).slice(0, 15);
    const checkChar = expected === 10 ? 'X' : String(expected);
    if (check !== expected) {
      const given = check === 10 ? 'X' : String(check);
      return invalid(`isni ${body}${given} has a wrong check digit (expected ${checkChar})`);
    }
    return body + checkChar;
  }
  return value;
}
