import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PROBLEM_CONTENT_TYPE, PROBLEM_TYPE_BASE, codeForStatus, titleFor } from './problem';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Invalid request: malformed JSON, a wrong type, an unknown field',
  401: 'No API key, or an unknown or revoked one',
  403: 'This role may not do this',
  404: 'Not found, or not yours',
  409: 'Conflicts with the current state',
  412: 'The resource changed since you read it',
  413: 'Body too large',
  415: 'Unsupported media type',
  422: 'Well-formed, but not what this route reads',
  429: 'Rate limit reached; see Retry-After',
  503: 'A dependency is down',
};

/** The OpenAPI response of a problem+json answer with `status`, with an example. */
export function problemResponse(status: number) {
  const code = status === 400 ? 'validation-failed' : codeForStatus(status);
  return {
    description: DESCRIPTIONS[status] ?? titleFor(code, status),
    content: {
      [PROBLEM_CONTENT_TYPE]: {
        schema: { $ref: '#/components/schemas/Problem' },
        example: {
          type: PROBLEM_TYPE_BASE + code,
          title: titleFor(code, status),
          status,
          detail: DESCRIPTIONS[status] ?? titleFor(code, status),
          requestId: '7f1c2a9e-0b7d-4a51-9f3e-2c1d0e9b8a76',
          ...(status === 400
            ? { errors: [{ field: 'name', messages: ['name must be a string'] }] }
            : {}),
        },
      },
    },
  };
}

/** Documents the problem+json answers a route may give, with an example of each. */
export function ApiProblems(...statuses: number[]) {
  return applyDecorators(
    ...statuses.map((status) => ApiResponse({ status, ...problemResponse(status) })),
  );
}
