import { isAssignedCountryCode } from '../../common/validation/iso-codes';
import { invalid, SchemeResult } from './scheme-result';

/** Country (2 letters), registrant (3 alphanumerics), year (2 digits), designation (5 digits). */
const ISRC = /^[A-Za-z]{2}-?[A-Za-z0-9]{3}-?\d{2}-?\d{5}$/;
const HYPHENS = /-/g;
const MALFORMED =
  'isrc must be 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)';

/**
 * Prefixes allocated for ISRCs besides today's ISO 3166-1 codes, as python-stdnum accepts them
 * (stdnum/isrc.py `_country_codes`, which cites the International ISRC Agency's list
 * https://isrc.ifpi.org/downloads/Valid_Characters.pdf): AN and CS, withdrawn country codes that
 * its ISO list keeps; BC BK BP BX (Pro-Música Brazil), CB (Connect, Canada), FX (SCPP, France),
 * GX and UK (PPL, United Kingdom), KS (KMCA, South Korea), QM QT QZ (United States), ZB (RISA,
 * South Africa), QN XK YU ZZ (the International ISRC Agency), CP DG (reserved for overflow).
 * No other user-assigned code is on that list (not QX, not QO), so they are refused as there.
 */
const AGENCY_PREFIXES = 'AN CS BC BK BP BX CB FX GX UK KS QM QT QZ ZB QN XK YU ZZ CP DG';

/** Allocated prefixes by (first letter − A) × 26 + (second letter − A): 1 if allocated. */
const ALLOCATED = new Uint8Array(26 * 26);
for (let a = 0; a < 26; a++) {
  for (let b = 0; b < 26; b++) {
    if (isAssignedCountryCode(String.fromCharCode(65 + a, 65 + b))) ALLOCATED[a * 26 + b] = 1;
  }
}
for (const prefix of AGENCY_PREFIXES.split(' ')) {
  ALLOCATED[(prefix.charCodeAt(0) - 65) * 26 + prefix.charCodeAt(1) - 65] = 1;
}

/**
 * ISRC `CC-XXX-YY-NNNNN`, hyphens optional, any case; normalized upper case without hyphens.
 * `CC` must be an allocated prefix (above). ISRCs have no check digit. `value` is trimmed and
 * non-empty.
 */
export function normalizeIsrc(value: string): SchemeResult {
  if (!ISRC.test(value)) return invalid(MALFORMED);
  const normalized = (value.length === 12 ? value : value.replace(HYPHENS, '')).toUpperCase();
  if (ALLOCATED[(normalized.charCodeAt(0) - 65) * 26 + normalized.charCodeAt(1) - 65] !== 1) {
    return invalid(
      `isrc ${normalized} has an unallocated country code ${normalized.slice(0, 2)}` +
        ' (neither ISO 3166-1 nor an ISRC agency prefix)',
    );
  }
  return normalized;
}
