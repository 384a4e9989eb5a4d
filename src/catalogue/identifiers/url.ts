/**
 * URL canonicalization rule (WHATWG URL parser, Node built-in):
 *
 * 1. Only absolute `http:` and `https:` URLs; URLs with credentials (`user:pass@`) are rejected.
 * 2. Scheme and host are lower-cased, IDN hosts punycoded, the default port dropped, dot
 *    segments resolved and unsafe characters percent-encoded, all by the parser. The host is
 *    otherwise kept as is (`www.` stays).
 * 3. The fragment (`#…`) is dropped.
 * 4. Tracking query parameters are dropped: any name starting `utm_`, and `gclid`, `fbclid`,
 *    `mc_cid`, `mc_eid`, `ref_src`, `igshid` (names compared exactly, case-sensitively, as
 *    the trackers themselves do). Empty pairs (`&&`, a leading or trailing `&`) go too. The
 *    remaining parameters keep their order and their original encoding; when none remain, the
 *    `?` is dropped (so `https://example.com/?` becomes `https://example.com/`).
 * 5. Trailing slash: the root path stays `/` (`https://example.com` → `https://example.com/`);
 *    any other path loses its trailing slash (`/a/b/` → `/a/b`). A run of trailing slashes
 *    (`/a/b//`) is removed whole, so that normalizing a normalized URL changes nothing.
 *
 * The result is `scheme://host[:port]/path[?query]`.
 */
import { invalid, SchemeResult } from './scheme-result';

const TRACKING_NAMES: ReadonlySet<string> = new Set([
  'gclid',
  'fbclid',
  'mc_cid',
  'mc_eid',
  'ref_src',
  'igshid',
]);
/** Whether `search` (`?…`) has a tracking parameter or an empty pair; most queries have neither. */
const NEEDS_QUERY_REWRITE =
  /[?&](?:utm_[^&=]*|gclid|fbclid|mc_cid|mc_eid|ref_src|igshid)(?:[=&]|$)|^\?&|&&|&$/;

/** `value` is trimmed and non-empty. */
export function normalizeUrl(value: string): SchemeResult {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return invalid('url is not a valid absolute URL');
  }
  const protocol = url.protocol;
  if (protocol !== 'https:' && protocol !== 'http:') return invalid('url must be http or https');
  if (url.username !== '' || url.password !== '') {
    return invalid('url must not contain credentials');
  }
  return protocol + '//' + url.host + withoutTrailingSlash(url.pathname) + query(url.search);
}

/** A special-scheme path always starts with `/`; that one stays when it is all there is. */
function withoutTrailingSlash(path: string): string {
  let end = path.length;
  while (end > 1 && path.charCodeAt(end - 1) === 47) end--;
  return end === path.length ? path : path.slice(0, end);
}

/** `search` is `''` or `?` and a non-empty query, as `URL#search` gives it. */
function query(search: string): string {
  if (!NEEDS_QUERY_REWRITE.test(search)) return search;
  let kept = '';
  for (const pair of search.slice(1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const name = eq === -1 ? pair : pair.slice(0, eq);
    if (name.startsWith('utm_') || TRACKING_NAMES.has(name)) continue;
    kept += (kept === '' ? '?' : '&') + pair;
  }
  return kept;
}
