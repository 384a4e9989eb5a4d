import { invalid, SchemeResult } from './scheme-result';

const SEPARATORS = /[-.]/g;
const MALFORMED =
  'iswc must be T followed by 10 digits, with optional - and . separators (T-345.246.800-3)';

/**
 * ISWC `T-345.246.800-3`: T, nine digits and a check digit, `-` and `.` separators optional.
 * Check digit: sum = 1 + Σ i·dᵢ (i = 1..9), check = (10 − sum mod 10) mod 10.
 * Normalized to `T3452468003`. `value` is trimmed and non-empty.
 */
export function normalizeIswc(value: string): SchemeResult {
  const first = value.charCodeAt(0);
  if (first !== 84 && first !== 116) return invalid(MALFORMED); // 'T' or 't'
  let plain = first === 84;
  let digits = 0;
  let sum = 1;
  let check = 0;
  for (let i = 1; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 45 || c === 46) {
      plain = false;
      continue;
    }
    const d = c - 48;
    if (d < 0 || d > 9) return invalid(MALFORMED);
    digits++;
    if (digits <= 9) sum += digits * d;
    else check = d;
  }
  if (digits !== 10) return invalid(`iswc must have 10 digits after the T (got ${digits})`);
  const normalized = plain ? value : 'T' + value.slice(1).replace(SEPARATORS, '');
  const expected = (10 - (sum % 10)) % 10;
  if (check !== expected) {
    return invalid(`iswc ${normalized} has a wrong check digit (expected ${expected})`);
  }
  return normalized;
}
