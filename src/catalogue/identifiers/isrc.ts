import { invalid, SchemeResult } from './scheme-result';

/** Country (2 letters), registrant (3 alphanumerics), year (2 digits), designation (5 digits). */
const ISRC = /^[A-Za-z]{2}-?[A-Za-z0-9]{3}-?\d{2}-?\d{5}$/;
const HYPHENS = /-/g;
const MALFORMED =
  'isrc must be 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)';

/**
 * ISRC `CC-XXX-YY-NNNNN`, hyphens optional, any case; normalized upper case without hyphens.
 * ISRCs have no check digit. `value` is trimmed and non-empty.
 */
export function normalizeIsrc(value: string): SchemeResult {
  if (!ISRC.test(value)) return invalid(MALFORMED);
  return (value.length === 12 ? value : value.replace(HYPHENS, '')).toUpperCase();
}
