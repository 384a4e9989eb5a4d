import { Injectable } from '@nestjs/common';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../errors/domain-error';
import { clientAddress } from '../rate-limit/client-address';
import { RateLimitDecision, RateLimiter } from '../rate-limit/rate-limiter';
import { AuthenticatedRequest } from './decorators';
import {
  failedAuthentication,
  principalForKey,
  tooManyFailures,
  unauthenticated,
} from './key-authentication';
import { Principal, Role } from './principal';
import { PrincipalResolver } from './principal-resolver';
import {
  clearedSessionCookieOptions,
  cookieSettingsOf,
  CSRF_HEADER,
  isCsrfTokenOf,
  isSessionTokenShaped,
  SAFE_METHODS,
  SESSION_COOKIE,
} from './session-cookie';
import { SessionResolver } from './session-resolver';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Who sends a request: its API key, or without an Authorization header the console's session
 * cookie. The guard asks it for every route; the licence check's own Fastify route
 * (licensing/licence-check.route.ts) asks it too, so both authenticate alike.
 */
@Injectable()
export class RequestAuthentication {
  constructor(
    private readonly principals: PrincipalResolver,
    private readonly sessions: SessionResolver,
    private readonly rateLimiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  /**
   * A bearer key when the request sends an Authorization header (whatever cookie it also sends:
   * machines and scripts are unchanged); otherwise the console's session cookie.
   */
  async authenticate(
    request: AuthenticatedRequest,
    reply: FastifyReply,
  ): Promise<{ principal: Principal; session?: { id: string; token: string } }> {
    const authorization = request.headers.authorization;
    const token = request.cookies?.[SESSION_COOKIE];
    if (authorization === undefined && token) {
      return this.authenticateSession(request, reply, token);
    }
    const match = BEARER.exec(authorization ?? '');
    if (!match) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');
    return {
      principal: await principalForKey(this.principals, this.rateLimiter, match[1], request),
    };
  }

  /**
   * The session cookie: a change (any method but GET, HEAD, OPTIONS) must carry the session's
   * X-CSRF-Token, checked first — it is derived from the cookie, so a forged request costs no
   * lookup. Then the session: unknown, ended, idle-expired, past its cap or of a revoked key →
   * 401 session-expired, the cookie cleared, and the failure counted against the address as an
   * unknown key is. An address past its failures is refused (429) before the lookup: a session
   * has no in-process cache to answer a neighbour from, and the lookup is the cost the limit bounds.
   */
  private async authenticateSession(
    request: AuthenticatedRequest,
    reply: FastifyReply,
    token: string,
  ): Promise<{ principal: Principal; session: { id: string; token: string } }> {
    if (!SAFE_METHODS.has(request.method) && !isCsrfTokenOf(request.headers[CSRF_HEADER], token)) {
      throw new DomainError(
        'csrf-token-invalid',
        403,
        "A change made with the session cookie must carry the session's csrfToken (from POST /v1/sessions or GET /v1/session) as the X-CSRF-Token header",
      );
    }
    const address = clientAddress(request.ip);
    const blockedFor = this.rateLimiter.authenticationBlocked(address);
    if (blockedFor > 0) throw tooManyFailures(blockedFor);
    const session = isSessionTokenShaped(token)
      ? await this.sessions.resolve(token, request.id)
      : null;
    if (!session) {
      void reply.clearCookie(
        SESSION_COOKIE,
        clearedSessionCookieOptions(cookieSettingsOf(this.config)),
      );
      throw await failedAuthentication(
        this.rateLimiter,
        address,
        new DomainError(
          'session-expired',
          401,
          'The session has ended, expired or is unknown: sign in again (POST /v1/sessions)',
        ),
      );
    }
    return { principal: session.principal, session: { id: session.id, token } };
  }
}

/** The per-principal limit's refusal: every key of the principal together. */
export function principalLimitDetail(limit: number): string {
  return `This principal may make ${limit} requests a minute, all its API keys together`;
}

/** RateLimit-* headers on the answer, and 429 with Retry-After past the limit. */
export function enforceRateLimit(
  reply: FastifyReply,
  decision: RateLimitDecision,
  detail: string,
): void {
  void reply.header('RateLimit-Limit', String(decision.limit));
  void reply.header('RateLimit-Remaining', String(decision.remaining));
  void reply.header('RateLimit-Reset', String(decision.resetSeconds));
  if (!decision.allowed) {
    throw new DomainError(
      'rate-limited',
      429,
      `${detail}; retry in ${decision.resetSeconds} s`,
      {},
      { 'Retry-After': String(decision.resetSeconds) },
    );
  }
}

/** A role the route does not let in (403): the guard's and the licence check's words. */
export function forbiddenRole(roles: readonly Role[], role: Role): DomainError {
  return new DomainError(
    'forbidden',
    403,
    `This route is for the ${roles.join(', ')} role${roles.length > 1 ? 's' : ''}; this key has the ${role} role`,
  );
}
