/**
 * Identifier validation and normalization for works: `scheme:value` pairs such as
 * `isbn:9780306406157` or `doi:10.1000/182`. Pure and dependency-free (Node built-ins only).
 * It is on the bulk import hot path, so the normalizers use precompiled regexes and char-code
 * loops, and return the (trimmed) input itself when it is already in normal form.
 */
import { normalizeDoi } from './doi';
import { normalizeExt } from './ext';
import { normalizeIsbn } from './isbn';
import { normalizeIsni } from './isni';
import { normalizeIsrc } from './isrc';
import { normalizeIssn } from './issn';
import { normalizeIswc } from './iswc';
import { SchemeResult } from './scheme-result';
import { normalizeSha256 } from './sha256';
import { normalizeUrl } from './url';

export const IDENTIFIER_SCHEMES = [
  'isbn',
  'issn',
  'doi',
  'iswc',
  'isrc',
  'isni',
  'url',
  'sha256',
  'ext',
] as const;
export type IdentifierScheme = (typeof IDENTIFIER_SCHEMES)[number];

export interface Identifier {
  scheme: IdentifierScheme;
  value: string;
}

export type IdentifierResult = { ok: true; identifier: Identifier } | { ok: false; reason: string };

/** Longest accepted value, before (trimmed) and after normalization. */
export const IDENTIFIER_VALUE_MAX = 2048;

interface SchemeEntry {
  scheme: IdentifierScheme;
  normalize: (value: string) => SchemeResult;
}

const NORMALIZERS: Record<IdentifierScheme, SchemeEntry['normalize']> = {
  isbn: normalizeIsbn,
  issn: normalizeIssn,
  doi: normalizeDoi,
  iswc: normalizeIswc,
  isrc: normalizeIsrc,
  isni: normalizeIsni,
  url: normalizeUrl,
  sha256: normalizeSha256,
  ext: normalizeExt,
};

const ENTRIES: ReadonlyMap<string, SchemeEntry> = new Map(
  IDENTIFIER_SCHEMES.map((scheme) => [scheme, { scheme, normalize: NORMALIZERS[scheme] }]),
);

function fail(reason: string): IdentifierResult {
  return { ok: false, reason };
}

/** Names an unknown scheme in a reason without echoing an arbitrarily long input. */
function quoted(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

/**
 * Validates `value` as an identifier of `scheme` (case-insensitive, trimmed) and returns it in
 * normal form, or the reason it is not acceptable. `value` is trimmed first.
 */
export function normalizeIdentifier(scheme: string, value: string): IdentifierResult {
  if (typeof scheme !== 'string') return fail('identifier scheme must be a string');
  let entry = ENTRIES.get(scheme);
  if (entry === undefined) {
    const name = scheme.trim();
    entry = ENTRIES.get(name.toLowerCase());
    if (entry === undefined) {
      return fail(
        name === '' ? 'identifier scheme is empty' : `unknown identifier scheme ${quoted(name)}`,
      );
    }
  }
  if (typeof value !== 'string') return fail(`${entry.scheme} value must be a string`);
  const trimmed = value.trim();
  if (trimmed === '') return fail(`${entry.scheme} value is empty`);
  if (trimmed.length > IDENTIFIER_VALUE_MAX) {
    return fail(`${entry.scheme} value is longer than ${IDENTIFIER_VALUE_MAX} characters`);
  }
  const normalized = entry.normalize(trimmed);
  if (typeof normalized !== 'string') return normalized;
  if (normalized.length > IDENTIFIER_VALUE_MAX) {
    return fail(
      `${entry.scheme} value is longer than ${IDENTIFIER_VALUE_MAX} characters once normalized`,
    );
  }
  return { ok: true, identifier: { scheme: entry.scheme, value: normalized } };
}

/** `"scheme:value"`, split at the first colon; scheme case-insensitive and trimmed. */
export function parseIdentifier(text: string): IdentifierResult {
  if (typeof text !== 'string') return fail('identifier must be a string');
  const colon = text.indexOf(':');
  if (colon === -1) return fail('identifier must look like "scheme:value"');
  return normalizeIdentifier(text.slice(0, colon), text.slice(colon + 1));
}

/** `scheme:value`, the form `parseIdentifier` reads. */
export function formatIdentifier(identifier: Identifier): string {
  return `${identifier.scheme}:${identifier.value}`;
}
