import { FastifyInstance } from 'fastify';
import { DomainError } from './domain-error';

/**
 * Replaces the JSON body parser so a bad body reaches the problem filter as malformed-json:
 * Nest's own error mapping would turn Fastify's parse error into a bare 400 without its cause.
 */
export function registerJsonBodyParser(
  fastify: FastifyInstance,
  rawRoutes: readonly string[] = [],
): void {
  const parse = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    // Signed bodies (Stripe's webhooks) reach their route exactly as sent: the signature is
    // over these bytes, and nothing is parsed before it is verified.
    if (rawRoutes.includes(request.url.split('?')[0])) {
      done(null, body);
      return;
    }
    void parse(request, body as string, (error, value) => {
      if (!error) return done(null, value);
      const empty = (error as { code?: string }).code === 'FST_ERR_CTP_EMPTY_JSON_BODY';
      done(
        new DomainError(
          'malformed-json',
          400,
          empty
            ? 'The body is empty but Content-Type is application/json'
            : 'The body is not valid JSON',
        ),
        undefined,
      );
    });
  });
}
