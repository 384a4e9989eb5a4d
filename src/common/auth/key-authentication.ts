import { DomainError } from '../errors/domain-error';
import { clientAddress } from '../rate-limit/client-address';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { Principal } from './principal';
import { PrincipalResolver } from './principal-resolver';

export function unauthenticated(detail: string): DomainError {
  return new DomainError('unauthenticated', 401, detail, {}, { 'WWW-Authenticate': 'Bearer' });
}

export function tooManyFailures(retryAfter: number): DomainError {
  return new DomainError(
    'authentication-rate-limited',
    429,
    `Too many requests with unknown or revoked credentials from this address; retry in ${retryAfter} s`,
    {},
    { 'Retry-After': String(retryAfter) },
  );
}

/**
 * Counts a failed authentication (an unknown or revoked API key, an unknown or expired session
 * cookie) against the client address, and answers the error to throw: `refusal`, or 429 once the
 * address is past AUTH_FAILURES_PER_MINUTE.
 */
export async function failedAuthentication(
  rateLimiter: RateLimiter,
  address: string,
  refusal: DomainError,
): Promise<DomainError> {
  const failures = await rateLimiter.failedAuthentication(address);
  return failures.allowed ? refusal : tooManyFailures(failures.resetSeconds);
}

/**
 * The principal of a presented API key, or a thrown 401/429: the bearer check of the guard and
 * the console's sign-in (POST /v1/sessions) count failures per address alike. An address past
 * its failures still uses keys this process has cached (no lookup to spend), so an attacker
 * behind the same NAT or /64 cannot lock out its neighbours' valid keys.
 */
export async function principalForKey(
  principals: PrincipalResolver,
  rateLimiter: RateLimiter,
  apiKey: string,
  request: { ip: string; id: string },
): Promise<Principal> {
  const address = clientAddress(request.ip);
  const blockedFor = rateLimiter.authenticationBlocked(address);
  const principal = await principals.resolve(apiKey, request.id, { cachedOnly: blockedFor > 0 });
  if (principal) return principal;
  if (blockedFor > 0) throw tooManyFailures(blockedFor);
  throw await failedAuthentication(
    rateLimiter,
    address,
    unauthenticated('The API key is unknown or revoked'),
  );
}
