import { invalid, SchemeResult } from './scheme-result';

/** `doi:` or a doi.org resolver URL (http or https, with or without `dx.`), any case. */
const PREFIX = /^(?:doi:\s*|https?:\/\/(?:dx\.)?doi\.org\/)/i;
/** `10.` registrant (4–9 digits, optional `.subdivisions`) `/` suffix without spaces or controls. */
const DOI = /^10\.\d{4,9}(?:\.\d+)*\/[^\s\p{Cc}]+$/u;
const NON_ASCII = /[^\p{ASCII}]/u;
const ASCII_UPPER = /[A-Z]+/g;

const MALFORMED = 'doi must look like 10.<registrant>/<suffix>';

const toLower = (s: string) => s.toLowerCase();

/**
 * DOI, with a `doi:` or `https://doi.org/` style prefix stripped (a resolver URL's suffix is
 * percent-decoded, as the URL form encodes it), normalized to lower case. DOIs are
 * case-insensitive for ASCII only, so other characters keep their case.
 * `value` is trimmed and non-empty.
 */
export function normalizeDoi(value: string): SchemeResult {
  let doi = value;
  // A bare DOI starts with "1"; anything else may carry a prefix to strip.
  if (value.charCodeAt(0) !== 49) {
    const prefix = PREFIX.exec(value);
    if (prefix !== null) {
      doi = value.slice(prefix[0].length);
      const resolverUrl = (prefix[0].charCodeAt(0) | 32) === 104; // "h", not "d"
      if (resolverUrl && doi.includes('%')) {
        try {
          doi = decodeURIComponent(doi);
        } catch {
          return invalid('doi resolver URL has malformed percent-encoding');
        }
      }
    }
  }
  if (!DOI.test(doi)) return invalid(MALFORMED);
  return NON_ASCII.test(doi) ? doi.replace(ASCII_UPPER, toLower) : doi.toLowerCase();
}
