import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

const PROBLEM_SCHEMA = {
  type: 'object',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      format: 'uri',
      example: 'https://rights-ledger.dev/problems/not-found',
    },
    title: { type: 'string', example: 'Resource not found' },
    status: { type: 'integer', example: 404 },
    detail: { type: 'string', example: 'organization 019abc3e-… was not found' },
    requestId: { type: 'string' },
    errors: {
      type: 'array',
      description: 'For validation-failed: each offending field and why',
      items: {
        type: 'object',
        properties: {
          field: { type: 'string' },
          messages: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  },
  additionalProperties: true,
};

/** The OpenAPI document at /openapi.json, browsable at /docs. */
export function setupOpenApi(app: NestFastifyApplication): void {
  const config = new DocumentBuilder()
    .setTitle('Rights Ledger API')
    .setDescription(
      'System of record between publishers and AI companies. Errors are RFC 9457 application/problem+json; lists are cursor-paginated ({ data, nextCursor }).',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: rlk_…' })
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
  };
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
