import { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from './domain-error';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './to-problem';

/** Fastify's router errors, in this API's words (they happen before any route is chosen). */
function frameworkProblem(error: FastifyError): DomainError {
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return new DomainError(
        'malformed-url',
        400,
        'The path is not valid percent-encoded UTF-8 (a malformed %-escape?)',
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new DomainError(
        'path-parameter-too-long',
        414,
        'A path parameter is longer than any id of this API',
      );
    default:
      return new DomainError('bad-request', 400, error.message);
  }
}

/**
 * Fastify's `frameworkErrors` hook: errors its router raises before Nest sees the request answer
 * as problem+json like every other error, with the request id.
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const result = toProblem(frameworkProblem(error), request.id);
  void reply
    .status(result.status)
    .header('X-Request-Id', request.id)
    .type(PROBLEM_CONTENT_TYPE)
    .send(result.body);
}
