import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply } from 'fastify';
import { DomainError } from '../errors/domain-error';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { AuthenticatedRequest, PUBLIC_ROUTE, ROUTE_ROLES } from './decorators';
import { Role } from './principal';
import { PrincipalResolver } from './principal-resolver';

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * The one gate every route passes: API key → principal (401), per-key rate limit (429),
 * role (403). Tenant scoping of data happens behind it, in the scoped queries.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly principals: PrincipalResolver,
    private readonly rateLimiter: RateLimiter,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;

    const http = context.switchToHttp();
    const request = http.getRequest<AuthenticatedRequest>();
    const reply = http.getResponse<FastifyReply>();

    const match = BEARER.exec(request.headers.authorization ?? '');
    if (!match) throw unauthenticated('Send an API key as "Authorization: Bearer <key>"');
    const principal = await this.principals.resolve(match[1], request.id);
    if (!principal) throw unauthenticated('The API key is unknown or revoked');

    const decision = await this.rateLimiter.consume(principal.apiKeyId);
    void reply.header('RateLimit-Limit', String(decision.limit));
    void reply.header('RateLimit-Remaining', String(decision.remaining));
    void reply.header('RateLimit-Reset', String(decision.resetSeconds));
    if (!decision.allowed) {
      throw new DomainError(
        'rate-limited',
        429,
        `This API key may make ${decision.limit} requests a minute; retry in ${decision.resetSeconds} s`,
        {},
        { 'Retry-After': String(decision.resetSeconds) },
      );
    }

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

function unauthenticated(detail: string): DomainError {
  return new DomainError('unauthenticated', 401, detail, {}, { 'WWW-Authenticate': 'Bearer' });
}
