import {
  applyDecorators,
  createParamDecorator,
  ExecutionContext,
  SetMetadata,
} from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { FastifyRequest } from 'fastify';
import { Principal as PrincipalType, Role, ROLES } from './principal';

export const PUBLIC_ROUTE = 'auth:public';
export const ROUTE_ROLES = 'auth:roles';
/**
 * The OpenAPI extension on each operation naming the roles the guard lets call it; `[]`: public
 * (no API key). Written by the same decorators the guard reads, so the two cannot disagree.
 */
export const ROLES_EXTENSION = 'x-roles';

/**
 * The route needs no API key (health, public RSL documents, Stripe's signed webhooks). On a
 * class, every route of it.
 */
export const Public = () =>
  applyDecorators(SetMetadata(PUBLIC_ROUTE, true), ApiExtension(ROLES_EXTENSION, []));

/**
 * Only these roles may call the route; any other authenticated role gets 403. On a class, every
 * route of it that does not name its own (a route's own roles win, in the guard and the document).
 */
export const Roles = (...roles: [Role, ...Role[]]) =>
  applyDecorators(SetMetadata(ROUTE_ROLES, roles), ApiExtension(ROLES_EXTENSION, roles));

/** Any authenticated role may call the route (e.g. GET /v1/me); the service scopes what it sees. */
export const AnyRole = () => Roles(...ROLES);

/** The console session a request was authenticated with (none for a bearer key). */
export interface RequestSession {
  id: string;
  /** The cookie's token: the session's CSRF token is derived from it. */
  token: string;
}

export type AuthenticatedRequest = FastifyRequest & {
  principal?: PrincipalType;
  session?: RequestSession;
};

/** The authenticated caller, set by the API key guard. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, context: ExecutionContext): PrincipalType => {
    const principal = context.switchToHttp().getRequest<AuthenticatedRequest>().principal;
    if (!principal) {
      throw new Error('CurrentPrincipal used on a route without authentication');
    }
    return principal;
  },
);

/** The console session the guard authenticated the request with; null for a bearer key. */
export const CurrentSession = createParamDecorator(
  (_: unknown, context: ExecutionContext): RequestSession | null =>
    context.switchToHttp().getRequest<AuthenticatedRequest>().session ?? null,
);
