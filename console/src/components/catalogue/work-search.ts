/**
 * Where the Catalogue's one search box sends its text: an identifier goes to `identifier=` (the
 * API normalizes it, so an ISBN-10 finds its ISBN-13), anything else to `q=` (the title's text or
 * exactly the external id). Only the shape is looked at here; the API decides validity.
 */
export type WorkSearch =
  | {
      by: 'identifier';
      identifier: string;
      /** The scheme was typed, not guessed. */ explicit: boolean;
    }
  | { by: 'text'; q: string }
  | { by: 'none' };

const SCHEMES = ['isbn', 'issn', 'doi', 'iswc', 'isrc', 'isni', 'url', 'sha256', 'ext'];
const EXPLICIT = new RegExp(`^(${SCHEMES.join('|')})\\s*:`, 'i');
const DOI_RESOLVER = /^https?:\/\/(dx\.)?doi\.org\//i;

export function workSearch(text: string): WorkSearch {
  const typed = text.trim();
  if (typed === '') return { by: 'none' };
  if (EXPLICIT.test(typed)) return { by: 'identifier', identifier: typed, explicit: true };
  const guessed = guessScheme(typed);
  if (guessed) return { by: 'identifier', identifier: `${guessed}:${typed}`, explicit: false };
  return { by: 'text', q: typed.slice(0, 200) };
}

function guessScheme(typed: string): string | null {
  if (DOI_RESOLVER.test(typed)) return 'doi';
  if (/^https?:\/\/\S+$/i.test(typed)) return 'url';
  if (/^10\.\d{4,9}\/\S+$/.test(typed)) return 'doi';
  const compact = typed.replace(/[\s-]/g, '');
  // ISBN-10 (check digit may be X) or ISBN-13 (978/979), hyphens and spaces anywhere.
  if (/^\d{9}[\dX]$/i.test(compact) || /^97[89]\d{10}$/.test(compact)) return 'isbn';
  if (/^\d{4}-\d{3}[\dX]$/i.test(typed)) return 'issn';
  if (/^[0-9a-f]{64}$/i.test(typed)) return 'sha256';
  return null;
}
