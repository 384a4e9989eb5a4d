import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../errors/domain-error';
import { clientAddress } from '../rate-limit/client-address';
import { RATE_LIMIT_POLICY, RateLimitPolicy } from '../rate-limit/rate-limit-policy';
import { RateLimitDecision, RateLimiter } from '../rate-limit/rate-limiter';
import { AuthenticatedRequest, PUBLIC_ROUTE, ROUTE_ROLES } from './decorators';
import { Role } from './principal';
import { PrincipalResolver } from './principal-resolver';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The one gate every route passes. Public routes: a per-address limit (429). Others: an address
 * that failed authentication too often this minute (429, before its key is looked up), API key →
 * principal (401, counted against the address), per-principal rate limit — every key of the
 * principal together (429; 503 on fail-closed routes when Redis cannot count), role (403).
 * Tenant scoping of data happens behind it, in the scoped queries.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
    private readonly rateLimiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const policy =
      this.reflector.getAllAndOverride<RateLimitPolicy | undefined>(RATE_LIMIT_POLICY, targets) ??
      {};
    const whenUnavailable = policy.whenUnavailable ?? 'open';
    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();

    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      const variable = policy.perAddress ?? 'PUBLIC_RATE_LIMIT_PER_MINUTE';
      if (variable === 'none') return true;
      const decision = await this.rateLimiter.consume(
        variable === 'WEBHOOK_RATE_LIMIT_PER_MINUTE' ? 'webhook' : 'public',
        clientAddress(request.ip),
        this.config.get(variable),
        whenUnavailable,
      );
      enforce(reply, decision, `This address may make ${decision.limit} requests a minute here`);
      return true;
    }

    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');
    const address = clientAddress(request.ip);
    // A blocked address still uses the keys already known (cached: no lookup to spend), so an
    // attacker behind the same NAT or /64 cannot lock out its neighbours' valid keys.
    const blockedFor = this.rateLimiter.authenticationBlocked(address);
    const principal = await this.principals.resolve(match[1], request.id, {
      cachedOnly: blockedFor > 0,
    });
    if (!principal && blockedFor > 0) throw tooManyFailures(blockedFor);
    if (!principal) {
      const failures = await this.rateLimiter.failedAuthentication(address);
      if (!failures.allowed) throw tooManyFailures(failures.resetSeconds);
      throw unauthenticated('The API key is unknown or revoked');
    }

    const decision = await this.rateLimiter.consume(
      'principal',
      principal.id,
      this.config.get('RATE_LIMIT_PER_MINUTE'),
      whenUnavailable,
    );
    enforce(
      reply,
      decision,
      `This principal may make ${decision.limit} requests a minute, all its API keys together`,
    );

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROUTE_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw new DomainError(
        'forbidden',
        403,
        `This route is for the ${roles.join(', ')} role${roles.length > 1 ? 's' : ''}; this key has the ${principal.role} role`,
      );
    }
    request.principal = { ...principal, correlationId: request.correlationId ?? null };
    return true;
  }
}

function enforce(reply: FastifyReply, decision: RateLimitDecision, detail: string): void {
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

function tooManyFailures(retryAfter: number): DomainError {
  return new DomainError(
    'authentication-rate-limited',
    429,
    `Too many requests with unknown or revoked API keys from this address; retry in ${retryAfter} s`,
    {},
    { 'Retry-After': String(retryAfter) },
  );
}

function unauthenticated(detail: string): DomainError {
  return new DomainError('unauthenticated', 401, detail, {}, { 'WWW-Authenticate': 'Bearer' });
}
