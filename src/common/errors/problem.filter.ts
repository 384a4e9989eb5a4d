import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import { FastifyReply, FastifyRequest } from 'fastify';
import { PROBLEM_CONTENT_TYPE } from './problem';
import { toProblem } from './to-problem';

/**
 * Every error answers as application/problem+json, including Fastify's own (size limit, media
 * type), which Nest hands here as HttpExceptions, and unknown routes.
 */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    answerProblem(exception, http.getRequest<FastifyRequest>(), http.getResponse<FastifyReply>());
  }
}

const logger = new Logger('Errors');

/**
 * Answers an error as problem+json with the request id (an unexpected one logged in full): the
 * filter's answer, and that of routes served outside Nest's pipeline (the licence check's).
 */
export function answerProblem(
  exception: unknown,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const result = toProblem(exception, request.id);
  if (result.unexpected) {
    logger.error(
      { err: exception, requestId: request.id, method: request.method, url: request.url },
      'unexpected error',
    );
  }
  // A refused upload whose body is still arriving (a line too long, a bad header row): the
  // rest is read and thrown away while the answer goes out, and the connection is closed
  // after it, so the next request on it is not read from the middle of this body.
  // (`complete` is Node's: false while the body is still arriving; injected requests lack it.)
  const unread = request.raw.complete === false;
  if (unread) {
    request.raw.unpipe();
    request.raw.resume();
  }
  void reply
    .status(result.status)
    .headers(unread ? { ...result.headers, Connection: 'close' } : result.headers)
    .type(PROBLEM_CONTENT_TYPE)
    .send(result.body);
}
