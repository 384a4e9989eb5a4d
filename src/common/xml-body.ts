import { FastifyInstance } from 'fastify';
import { DomainError } from './errors/domain-error';

/**
 * XML bodies reach the routes in `routes` (the RSL import) as one string, up to `limit` bytes
 * (413 past it); every other route answers them 415 as before, without reading them.
 */
export function registerXmlBodies(
  fastify: FastifyInstance,
  types: string[],
  routes: string[],
  limit: number,
): void {
  fastify.addContentTypeParser(
    types,
    { parseAs: 'string', bodyLimit: limit },
    (request, body, done) => {
      if (routes.includes(request.routeOptions.url ?? '')) return done(null, body);
      done(
        new DomainError(
          'unsupported-media-type',
          415,
          `Unsupported Media Type: ${request.headers['content-type'] ?? ''}`,
        ),
        undefined,
      );
    },
  );
}
