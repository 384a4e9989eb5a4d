import { FastifyInstance } from 'fastify';
import { DomainError } from './errors/domain-error';

/** Bodies of these types reach the route as the raw request stream, read as they arrive. */
export const STREAMED_CONTENT_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'text/csv',
];

/**
 * The one content-type rule for streamed bodies: they reach only the routes in `routes` (uploads
 * that read them line by line); every other route answers 415 without reading them, where a raw
 * stream would otherwise reach its validation as if it were a parsed body.
 */
export function registerStreamedBodies(fastify: FastifyInstance, routes: readonly string[]): void {
  fastify.addContentTypeParser(STREAMED_CONTENT_TYPES, (request, payload, done) => {
    if (routes.includes(request.routeOptions.url ?? '')) return done(null, payload);
    done(
      new DomainError(
        'unsupported-media-type',
        415,
        `${request.method} ${request.routeOptions.url ?? request.url} takes no ${request.headers['content-type'] ?? ''} body; send application/json`,
      ),
      undefined,
    );
  });
}
