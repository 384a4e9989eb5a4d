import { FastifyInstance } from 'fastify';

/** Bodies of these types reach the route as the raw request stream, read as they arrive. */
export const STREAMED_CONTENT_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'text/csv',
];

export function registerStreamedBodies(fastify: FastifyInstance): void {
  fastify.addContentTypeParser(STREAMED_CONTENT_TYPES, (_request, payload, done) =>
    done(null, payload),
  );
}
