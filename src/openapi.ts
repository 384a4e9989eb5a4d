import { NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  DocumentBuilder,
  type OpenAPIObject,
  type OperationObject,
  type ReferenceObject,
  type SchemaObject,
  SwaggerModule,
} from '@nestjs/swagger';
import { ROLES_EXTENSION } from './common/auth/decorators';
import { ROLES, type Role } from './common/auth/principal';
import { SESSION_COOKIE } from './common/auth/session-cookie';
import { PROBLEM_CONTENT_TYPE } from './common/errors/problem';
import { documentLicenceCheck } from './licensing/licence-check.openapi';

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

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

function operationsOf(document: OpenAPIObject): OperationObject[] {
  return Object.values(document.paths).flatMap((item) =>
    METHODS.flatMap((method) => (item[method] ? [item[method]] : [])),
  );
}

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
  for (const operation of operationsOf(document)) {
    const body = operation.requestBody;
    if (!body || '$ref' in body) continue;
    for (const media of Object.values(body.content)) referencedNames(media.schema, pending);
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
  for (const operation of operationsOf(document)) {
    for (const parameter of operation.parameters ?? []) {
      if ('$ref' in parameter || parameter.in !== 'path') continue;
      if (parameter.name === 'id' || parameter.name.endsWith('Id')) {
        parameter.schema = { type: 'string', format: 'uuid' };
      }
    }
  }
}

/**
 * Each operation's access, from the `x-roles` its @Roles/@AnyRole/@Public decorator wrote (the
 * metadata the guard reads): bearer or session-cookie security (either one; a request with an
 * Authorization header is judged by its key) and a sentence naming the roles, or, for a public
 * route, `security: []` (no key). An operation without `x-roles` is left as it is: the e2e test
 * refuses it.
 */
function documentAccess(document: OpenAPIObject): void {
  for (const operation of operationsOf(document)) {
    const roles = (operation as OperationObject & { [ROLES_EXTENSION]?: Role[] })[ROLES_EXTENSION];
    if (!roles) continue;
    const sentence =
      roles.length === 0
        ? 'Public: no API key.'
        : roles.length === ROLES.length
          ? `Roles: any (${roles.join(', ')}).`
          : `Roles: ${roles.join(', ')}.`;
    operation.security = roles.length === 0 ? [] : [{ bearer: [] }, { session: [] }];
    operation.description = operation.description
      ? `${operation.description}\n\n${sentence}`
      : sentence;
  }
}

/** Any answer an operation does not list is a problem document too (e.g. 500, or a 429). */
function defaultProblemResponse(document: OpenAPIObject): void {
  for (const operation of operationsOf(document)) {
    operation.responses.default ??= {
      description: 'An error: RFC 9457 problem details (docs/PROBLEMS.md)',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: `${REF_PREFIX}Problem` } } },
    };
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
    .addCookieAuth(
      SESSION_COOKIE,
      {
        type: 'apiKey',
        in: 'cookie',
        description:
          'The console’s session cookie, set by POST /v1/sessions. Used only when no Authorization header is sent; a change (any method but GET, HEAD, OPTIONS) must also send the session’s csrfToken as X-CSRF-Token.',
      },
      'session',
    )
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, Problem: PROBLEM_SCHEMA },
  };
  // Routes served beside Nest's pipeline, which @nestjs/swagger cannot see.
  documentLicenceCheck(document);
  closeRequestBodies(document);
  typePathIds(document);
  documentAccess(document);
  defaultProblemResponse(document);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'openapi.json',
    yamlDocumentUrl: 'openapi.yaml',
  });
}
