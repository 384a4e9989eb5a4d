import { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { DomainError } from '../errors/domain-error';
import { findInputHazard, InputHazard } from './input-hazards';

class InputRefused extends DomainError {
  constructor(hazard: InputHazard) {
    super(hazard.code, 400, hazard.message, {
      errors: [{ field: hazard.field, messages: [hazard.message] }],
    });
  }
}

/**
 * One guard for every route: the parsed path parameters, query and body (a streamed body is
 * checked line by line where it is read) are refused with 400 when they hold what no route can
 * take (input-hazards.ts). Runs after parsing and before the route's guard, pipes and handler.
 */
export function registerInputGuard(fastify: FastifyInstance): void {
  fastify.addHook('preValidation', (request, _reply, done) => {
    const hazard =
      findInputHazard(request.params, 'path') ??
      findInputHazard(request.query, 'query') ??
      (request.body instanceof Readable ? undefined : findInputHazard(request.body, ''));
    done(hazard ? new InputRefused(hazard) : undefined);
  });
}
