import type { OpenAPIObject, OperationObject, ParameterObject } from '@nestjs/swagger';
import { problemResponse } from '../common/errors/api-problems';
import { ROLES_EXTENSION } from '../common/auth/decorators';
import { LICENCE_CHECK_ROUTE } from './licence-check.route';

const query = (
  name: string,
  schema: ParameterObject['schema'],
  description?: string,
  required = false,
): ParameterObject => ({
  name,
  in: 'query',
  required,
  ...(description ? { description } : {}),
  schema,
});

const REQUEST_ID = '7f1c2a9e-0b7d-4a51-9f3e-2c1d0e9b8a76';

/**
 * GET /v1/licence-check as the OpenAPI document shows it. The route is Fastify's own
 * (licence-check.route.ts), so @nestjs/swagger never sees it: this is what its decorators wrote
 * when it was a Nest route (the query of LicenceQuestionDto, LicenceAnswerResponse, the problems
 * it may answer, the licensee role), by hand, with examples. The e2e tests check it against the
 * route's behaviour as they do every other operation's.
 */
const OPERATION: OperationObject & { [ROLES_EXTENSION]: string[] } = {
  operationId: 'LicenceCheckController_one',
  summary: 'Do I hold a licence for this use of this work?',
  description:
    'The agreement and rate when licensed, with a signed receipt; otherwise why not. Give exactly one of identifier, url and sha256; unknown query fields are refused (400).',
  tags: ['licensing'],
  parameters: [
    query(
      'identifier',
      { type: 'string', minLength: 3, maxLength: 2100, example: 'isbn:9780306406157' },
      'scheme:value; or give url or sha256',
    ),
    query('url', {
      type: 'string',
      format: 'uri',
      minLength: 1,
      maxLength: 2048,
      example: 'https://example.com/articles/42',
    }),
    query(
      'sha256',
      {
        type: 'string',
        minLength: 64,
        maxLength: 64,
        example: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
      },
      'The content hash, 64 hexadecimal digits',
    ),
    query(
      'usage',
      { type: 'string', minLength: 1, maxLength: 100, example: 'ai-train' },
      'An RSL usage type, or an extension token like x-acme:finetune',
      true,
    ),
    query(
      'territory',
      { type: 'string', pattern: '^[A-Z]{2}$', example: 'DE' },
      'ISO 3166-1 alpha-2 where the use happens; not checked when absent',
    ),
    query(
      'at',
      { type: 'string', format: 'date', example: '2027-06-01' },
      'The day of use (default today, UTC)',
    ),
  ],
  responses: {
    '200': {
      description: 'The answer: licensed with its agreement, rate and receipt, or why not',
      content: {
        'application/json': {
          schema: { $ref: '#/components/schemas/LicenceAnswerResponse' },
          examples: {
            licensed: {
              value: {
                identifier: 'isbn:9780306406157',
                usage: 'ai-train',
                licensed: true,
                workId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
                agreementId: '019abc40-1c2d-7e3f-8a9b-0c1d2e3f4a5b',
                agreementVersion: 1,
                rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
                attributionRequired: true,
                receipt: {
                  id: 'rcpt_AVH4q2tTbW1x0p3kVQ8aZk2cYhD3dXlT8w',
                  token:
                    'eyJhbGciOiJFZERTQSIsInR5cCI6ImxpY2VuY2UtcmVjZWlwdCtqd3QiLCJraWQiOiJrUHJLIn0.eyJqdGkiOiJyY3B0X0FWSDQifQ.c2lnbmF0dXJl',
                  validFrom: '2027-06-01T00:00:00.000Z',
                  validUntil: '2027-06-02T00:00:00.000Z',
                },
              },
            },
            'not licensed': {
              value: {
                identifier: 'isbn:9780306406157',
                usage: 'ai-index',
                licensed: false,
                reason: 'prohibited',
                workId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
              },
            },
          },
        },
      },
    },
    '400': withExample(problemResponse(400), {
      type: 'https://rights-ledger.dev/problems/validation-failed',
      title: 'Request validation failed',
      status: 400,
      detail: 'Invalid fields: colour, usage',
      requestId: REQUEST_ID,
      errors: [
        { field: 'colour', messages: ['property colour should not exist'] },
        {
          field: 'usage',
          messages: [
            'usage must be longer than or equal to 1 characters',
            'usage must be a string',
          ],
        },
      ],
    }),
    '401': problemResponse(401),
    '403': problemResponse(403),
    '429': problemResponse(429),
  },
  [ROLES_EXTENSION]: ['licensee'],
};

function withExample<T extends { content: Record<string, { example: unknown }> }>(
  response: T,
  example: unknown,
): T {
  for (const media of Object.values(response.content)) media.example = example;
  return response;
}

/** Adds the hand-served GET beside the POST that @nestjs/swagger found on the same path. */
export function documentLicenceCheck(document: OpenAPIObject): void {
  document.paths[LICENCE_CHECK_ROUTE] = {
    get: structuredClone(OPERATION),
    ...document.paths[LICENCE_CHECK_ROUTE],
  };
}
