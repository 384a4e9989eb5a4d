import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type ReferenceObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';

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

type Schema = SchemaObject | ReferenceObject;
const REF_PREFIX = '#/components/schemas/';

/** The component schemas a schema names, directly or through its members. */
function referencedNames(schema: Schema | undefined, into: Set<string>): void {
  if (!schema) return;
  if ('$ref' in schema) {
    into.add(schema.$ref.slice(REF_PREFIX.length));
    return;
  }
  for (const nested of [
    ...(schema.allOf ?? []),
    ...(schema.oneOf ?? []),
    ...(schema.anyOf ?? []),
    ...Object.values(schema.properties ?? {}),
    ...(schema.items ? [schema.items] : []),
  ]) {
    referencedNames(nested, into);
  }
}

/**
 * Request bodies are closed: the ValidationPipe (whitelist, forbidNonWhitelisted) answers 400 to
 * a member a DTO does not declare, at every depth, so every schema a request body reaches says
 * `additionalProperties: false`. @nestjs/swagger has no class-level option for it.
 */
function closeRequestBodies(document: OpenAPIObject): void {
  const schemas = document.components?.schemas ?? {};
  const pending = new Set<string>();
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      const body = operation?.requestBody;
      if (!body || '$ref' in body) continue;
      for (const media of Object.values(body.content)) referencedNames(media.schema, pending);
    }
  }
  const closed = new Set<string>();
  for (const name of pending) {
    if (closed.has(name)) continue;
    closed.add(name);
    const schema = schemas[name];
    if (!schema || '$ref' in schema || schema.type !== 'object') continue;
    schema.additionalProperties = false;
    const more = new Set<string>();
    referencedNames(schema, more);
    for (const next of more) pending.add(next);
  }
}

/** Every resource id in a path is a UUID (v7, time-ordered). */
function typePathIds(document: OpenAPIObject): void {
  for (const item of Object.values(document.paths)) {
    for (const operation of [item.get, item.put, item.post, item.delete, item.patch]) {
      for (const parameter of operation?.parameters ?? []) {
        if ('$ref' in parameter || parameter.in !== 'path') continue;
        if (parameter.name === 'id' || parameter.name.endsWith('Id')) {
          parameter.schema = { type: 'string', format: 'uuid' };
        }
      }
    }
  }
}

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
  closeRequestBodies(document);
  typePathIds(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
