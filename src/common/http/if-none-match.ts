/**
 * Whether `If-None-Match` names this (strong) ETag; `*` and weak forms match too (RFC 9110
 * §13.1.2): the public, cacheable documents answer 304 then.
 */
export function ifNoneMatchHits(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch
    .split(',')
    .map((tag) => tag.trim().replace(/^W\//, ''))
    .some((tag) => tag === '*' || tag === etag);
}
