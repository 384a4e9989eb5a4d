import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { FastifyReply } from 'fastify';
import { AppConfig } from '../../config/app-config';
import { clientAddress } from '../rate-limit/client-address';
import { RATE_LIMIT_POLICY, RateLimitPolicy } from '../rate-limit/rate-limit-policy';
import { RateLimiter } from '../rate-limit/rate-limiter';
import { AuthenticatedRequest, PUBLIC_ROUTE, ROUTE_ROLES } from './decorators';
import { Role } from './principal';
import {
  enforceRateLimit,
  forbiddenRole,
  principalLimitDetail,
  RequestAuthentication,
} from './request-authentication';

/**
 * The one gate every route passes. Public routes: a per-address limit (429). Others: an address
 * that failed authentication too often this minute (429, before its key is looked up), API key —
 * or, without an Authorization header, the console's session cookie (CSRF token on changes, 403)
 * — → principal (401, counted against the address), per-principal rate limit — every key of the
 * principal together (429; 503 on fail-closed routes when Redis cannot count), role (403).
 * Tenant scoping of data happens behind it, in the scoped queries.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authentication: RequestAuthentication,
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
      enforceRateLimit(
        reply,
        decision,
        `This address may make ${decision.limit} requests a minute here`,
      );
      return true;
    }

    const authenticated = await this.authentication.authenticate(request, reply);
    const principal = authenticated.principal;

    const decision = await this.rateLimiter.consume(
      'principal',
      principal.id,
      this.config.get('RATE_LIMIT_PER_MINUTE'),
      whenUnavailable,
    );
    enforceRateLimit(reply, decision, principalLimitDetail(decision.limit));

    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(ROUTE_ROLES, targets);
    if (roles && !roles.includes(principal.role)) {
      throw forbiddenRole(roles, principal.role);
    }
    request.principal = { ...principal, correlationId: request.correlationId ?? null };
    request.session = authenticated.session;
    return true;
  }
}
