import { applyDecorators, type Type } from '@nestjs/common';
import { ApiAcceptedResponse, ApiCreatedResponse, ApiHeader, ApiOkResponse } from '@nestjs/swagger';
import { ApiProblems } from '../errors/api-problems';
import { PageOf } from '../pagination/page';
import { IDEMPOTENCY_KEY_HEADER_DOC, IF_MATCH_HEADER_DOC } from './headers';

/**
 * How a route answers, for the OpenAPI document: the problem+json statuses it may answer instead
 * of its body, the request headers it reads, and an example body. Documentation only: the route's
 * status code is its method's (`@HttpCode`), and the headers are read by `@Idempotency()` and
 * `@IfMatch()` in its parameters.
 */
export interface Answer {
  /** Each status the route may answer with a problem document (see ApiProblems). */
  problems: number[];
  /** It reads an Idempotency-Key (its handler takes `@Idempotency()`). */
  idempotencyKey?: true;
  /** It reads If-Match (its handler takes `@IfMatch()`). */
  ifMatch?: true;
  /** A filled-in body, shown as the answer's example. */
  example?: unknown;
}

type Respond = typeof ApiOkResponse;

function answers(respond: Respond, type: Type<unknown>, answer: Answer) {
  const { problems, idempotencyKey, ifMatch, example } = answer;
  return applyDecorators(
    ...(idempotencyKey ? [ApiHeader(IDEMPOTENCY_KEY_HEADER_DOC)] : []),
    ...(ifMatch ? [ApiHeader(IF_MATCH_HEADER_DOC)] : []),
    respond(example === undefined ? { type } : { type, example }),
    ApiProblems(...problems),
  );
}

/** The route answers 200 with a `type`, or one of `problems`. */
export const ApiOk = (type: Type<unknown>, answer: Answer) => answers(ApiOkResponse, type, answer);

/** The route answers 200 with a page of `type` (`{ data, nextCursor }`), or one of `problems`. */
export const ApiPage = (type: Type<unknown>, answer: Answer) =>
  answers(ApiOkResponse, PageOf(type), answer);

/** The route answers 201 with the `type` it made, or one of `problems`. */
export const ApiCreated = (type: Type<unknown>, answer: Answer) =>
  answers(ApiCreatedResponse, type, answer);

/** The route answers 202 with a `type` that a worker goes on with, or one of `problems`. */
export const ApiAccepted = (type: Type<unknown>, answer: Answer) =>
  answers(ApiAcceptedResponse, type, answer);
