import { invalid, SchemeResult } from './scheme-result';

const SEPARATORS = /[- ]/g;
const MALFORMED =
  'isbn must be digits with optional hyphens or spaces (X only as the last ISBN-10 character)';

/**
 * ISBN-10 or ISBN-13, hyphens and spaces ignored, normalized to the 13 digits of the ISBN-13
 * (an ISBN-10 becomes its 978-prefixed ISBN-13 with a recomputed check digit).
 * `value` is trimmed and non-empty.
 */
export function normalizeIsbn(value: string): SchemeResult {
  const compact =
    value.indexOf('-') === -1 && value.indexOf(' ') === -1 ? value : value.replace(SEPARATORS, '');
  const n = compact.length;
  for (let i = 0; i < n; i++) {
    const d = compact.charCodeAt(i) - 48;
    if (d >= 0 && d <= 9) continue;
    const isCheckX = i === 9 && n === 10 && (d === 40 || d === 72); // 'X' or 'x'
    if (!isCheckX) return invalid(MALFORMED);
  }
  if (n === 13) return isbn13(compact);
  if (n === 10) return isbn10(compact);
  return invalid(`isbn must have 10 or 13 digits (got ${n})`);
}

/** `c` is 13 ASCII digits. */
function isbn13(c: string): SchemeResult {
  if (!c.startsWith('978') && !c.startsWith('979')) {
    return invalid(`isbn ${c} must start with 978 or 979`);
  }
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (c.charCodeAt(i) - 48) * (i % 2 === 0 ? 1 : 3);
  const expected = (10 - (sum % 10)) % 10;
  if (c.charCodeAt(12) - 48 !== expected) {
    return invalid(`isbn ${c} has a wrong check digit (expected ${expected})`);
  }
  return c;
}

/** `c` is 9 ASCII digits then a digit, 'X' or 'x'. */
function isbn10(c: string): SchemeResult {
  let sum10 = 0;
  // 978 weighs 9·1 + 7·3 + 8·1 = 38; the nine digits that follow take weights 3, 1, 3, …
  let sum13 = 38;
  for (let i = 0; i < 9; i++) {
    const d = c.charCodeAt(i) - 48;
    sum10 += d * (10 - i);
    sum13 += d * (i % 2 === 0 ? 3 : 1);
  }
  const expected = (11 - (sum10 % 11)) % 11;
  const last = c.charCodeAt(9);
  const check = last === 88 || last === 120 ? 10 : last - 48;
  if (check !== expected) {
    const shown = expected === 10 ? 'X' : String(expected);
    return invalid(`isbn ${c.toUpperCase()} has a wrong check digit (expected ${shown})`);
  }
  return '978' + c.slice(0, 9) + String((10 - (sum13 % 10)) % 10);
}
