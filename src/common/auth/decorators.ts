import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { Principal as PrincipalType, Role } from './principal';

export const PUBLIC_ROUTE = 'auth:public';
export const ROUTE_ROLES = 'auth:roles';

/** The route needs no API key (health, OpenAPI, public RSL documents). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** Only these roles may call the route; any other authenticated role gets 403. */
export const Roles = (...roles: Role[]) => SetMetadata(ROUTE_ROLES, roles);

export type AuthenticatedRequest = FastifyRequest & { principal?: PrincipalType };

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
