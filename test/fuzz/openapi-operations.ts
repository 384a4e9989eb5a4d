/**
 * The operations of the service's own OpenAPI document, flattened for the fuzzer and the tenant
 * matrix: so a new route is exercised by both without anyone remembering to add it.
 */

/** A JSON Schema as @nestjs/swagger writes it (OpenAPI 3.0 dialect), $refs resolved on demand. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  example?: unknown;
  nullable?: boolean;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}

export interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  schema: Schema;
}

export interface Operation {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** The OpenAPI path template, e.g. `/v1/payees/{id}`. */
  path: string;
  operationId: string;
  pathParams: Parameter[];
  queryParams: Parameter[];
  headerParams: Parameter[];
  /** Media types the request body may have; empty when the operation takes none. */
  bodyTypes: string[];
  bodySchema?: Schema;
  /** True when the document asks for no credentials (health, RSL documents, Stripe's webhooks). */
  isPublic: boolean;
  /** The roles the document says may call it (`x-roles`), when it says. */
  roles?: string[];
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, Schema> };
}

interface OperationObject {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
  security?: unknown[];
  'x-roles'?: string[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

export function operationsOf(doc: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const bodyTypes = Object.keys(content);
      operations.push({
        method: method.toUpperCase() as Operation['method'],
        path,
        operationId: operation.operationId,
        pathParams: parameters.filter((p) => p.in === 'path'),
        queryParams: parameters.filter((p) => p.in === 'query'),
        headerParams: parameters.filter((p) => p.in === 'header'),
        bodyTypes,
        bodySchema: content['application/json']?.schema,
        isPublic: !operation.security || operation.security.length === 0,
        roles: operation['x-roles'],
      });
    }
  }
  return operations;
}

/** Follows `$ref`s (and a single `allOf`) to the schema they name. */
export function resolveSchema(doc: OpenApiDocument, schema: Schema | undefined): Schema {
  let current = schema ?? {};
  for (let hops = 0; hops < 16; hops++) {
    if (current.$ref) {
      const name = current.$ref.replace('#/components/schemas/', '');
      const target = doc.components?.schemas?.[name];
      if (!target) throw new Error(`unresolved $ref ${current.$ref}`);
      current = { ...target, ...withoutRef(current) };
    } else if (current.allOf?.length === 1) {
      current = { ...resolveSchema(doc, current.allOf[0]), ...withoutAllOf(current) };
    } else {
      return current;
    }
  }
  throw new Error('$ref chain too long');
}

function withoutRef(schema: Schema): Schema {
  const { $ref: _ref, ...rest } = schema;
  return rest;
}

function withoutAllOf(schema: Schema): Schema {
  const { allOf: _allOf, ...rest } = schema;
  return rest;
}

/** Fills a path template with values: `/v1/payees/{id}` → `/v1/payees/<value>`. */
export function fillPath(template: string, values: Record<string, string>): string {
  return template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    if (!(name in values)) throw new Error(`no value for {${name}} in ${template}`);
    return values[name];
  });
}
