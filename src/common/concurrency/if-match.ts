import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { BadRequest, DomainError } from '../errors/domain-error';

/**
 * `@IfMatch() expected: number | undefined`: the version the caller last read, from
 * `If-Match: 3` (quotes and a weak `W/` prefix tolerated, as ETags are written).
 */
export const IfMatch = createParamDecorator(
  (_: unknown, context: ExecutionContext): number | undefined => {
    const header = context.switchToHttp().getRequest<FastifyRequest>().headers['if-match'];
    if (header === undefined) return undefined;
    const match = /^(?:W\/)?"?(\d{1,9})"?$/.exec(String(header).trim());
    if (!match) {
      throw new BadRequest(
        'invalid-if-match',
        'If-Match must be the version you read, e.g. If-Match: 3',
        {
          errors: [{ field: 'If-Match', messages: ['must be a version number'] }],
        },
      );
    }
    return Number(match[1]);
  },
);

export class VersionMismatch extends DomainError {
  constructor(resourceType: string, id: string, expected: number, current: number) {
    super(
      'precondition-failed',
      412,
      `${resourceType} ${id} is at version ${current}, not ${expected}: read it again and reapply your change`,
      { currentVersion: current },
    );
  }
}

export function assertVersion(
  resourceType: string,
  id: string,
  expected: number | undefined,
  current: number,
): void {
  if (expected !== undefined && expected !== current) {
    throw new VersionMismatch(resourceType, id, expected, current);
  }
}
