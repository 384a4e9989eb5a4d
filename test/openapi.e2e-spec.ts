import { ROLES, type Role } from '../src/common/auth/principal';
import { createOrganization } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  nullable?: boolean;
  properties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  required?: string[];
}

interface Operation {
  'x-roles'?: Role[];
  security?: Record<string, string[]>[];
  description?: string;
  parameters?: { name: string; in: string; schema?: Schema }[];
  requestBody?: { content: Record<string, { schema?: Schema }> };
  responses: Record<
    string,
    {
      content?: Record<
        string,
        { schema?: Schema; example?: unknown; examples?: Record<string, unknown> }
      >;
    }
  >;
}

/** A path of the document with its parameters filled with valid-looking values. */
function concrete(path: string): string {
  return path
    .replace('{version}', '1')
    .replace(/\{[A-Za-z]+\}/g, '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d');
}

/** Ids that are not ours (Stripe's, the licensee's, the publisher's) or not always a UUID. */
const NON_UUID_IDS = new Set([
  // Not an id: how the overview's royalties are grouped (period | publisher).
  'groupBy',
  'externalId',
  'reportId',
  'lineId',
  'requestId',
  'correlationId',
  'resourceId',
  'stripeAccountId',
  'stripeCustomerId',
  'stripeInvoiceId',
  'stripeCreditNoteId',
  'paymentMethodId',
  'transferId',
  'eventId',
  // Licence receipts' ids: rcpt_ and 34 base64url characters (their schema gives the pattern).
  'receiptId',
  'receiptIds',
]);

/** What is loose about one schema and everything in it; `where` names it in the document. */
function loosenessOf(schema: Schema | undefined, where: string): string[] {
  if (!schema || schema.$ref) return [];
  const combined = [...(schema.allOf ?? []), ...(schema.oneOf ?? []), ...(schema.anyOf ?? [])];
  if (combined.length > 0) {
    return combined.flatMap((part, i) => loosenessOf(part, `${where}(${i})`));
  }
  const found: string[] = [];
  if (!schema.type) found.push(`${where}: no type`);
  if (schema.type === 'number') found.push(`${where}: number (every number here is an integer)`);
  if (schema.type === 'array') {
    if (!schema.items) found.push(`${where}: array without items`);
    found.push(...loosenessOf(schema.items, `${where}[]`));
  }
  if (schema.type === 'object' && !schema.properties && schema.additionalProperties === undefined) {
    found.push(`${where}: object without properties`);
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const leaf = property.type === 'array' && property.items ? property.items : property;
    if (leaf.type === 'string') {
      if (/At$/.test(name) && name !== 'publishedAt' && leaf.format !== 'date-time') {
        found.push(`${where}.${name}: a time without format date-time`);
      }
      if (/(On|^publishedAt)$/.test(name) && leaf.format !== 'date') {
        found.push(`${where}.${name}: a date without format date`);
      }
      if (/(Ids?|By)$/.test(name) && !NON_UUID_IDS.has(name) && leaf.format !== 'uuid') {
        found.push(`${where}.${name}: an id without format uuid`);
      }
    }
    found.push(...loosenessOf(property, `${where}.${name}`));
  }
  if (typeof schema.additionalProperties === 'object') {
    found.push(...loosenessOf(schema.additionalProperties, `${where}{}`));
  }
  return found;
}

/** Every schema of the document: components, parameters, request bodies and responses. */
function everySchema(document: {
  components: { schemas: Record<string, Schema> };
  paths: Record<string, Record<string, Operation>>;
}): [string, Schema | undefined][] {
  const all: [string, Schema | undefined][] = Object.entries(document.components.schemas);
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const at = `${method.toUpperCase()} ${path}`;
      for (const parameter of operation.parameters ?? []) {
        all.push([`${at} ${parameter.in} ${parameter.name}`, parameter.schema]);
      }
      for (const [type, media] of Object.entries(operation.requestBody?.content ?? {})) {
        all.push([`${at} body ${type}`, media.schema]);
      }
      for (const [status, response] of Object.entries(operation.responses)) {
        for (const [type, media] of Object.entries(response.content ?? {})) {
          if (media.schema) all.push([`${at} ${status} ${type}`, media.schema]);
        }
      }
    }
  }
  return all;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('lists every route with its access declared', async () => {
    const response = await t.http.get('/openapi.json');
    expect(response.status).toBe(200);
    const document = response.body;
    expect(document.components.securitySchemes.bearer).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    const routes = Object.entries(document.paths as Record<string, Record<string, unknown>>)
      .flatMap(([path, methods]) =>
        Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
      )
      .sort();
    expect(routes).toEqual([
      'DELETE /v1/api-keys/{id}',
      'DELETE /v1/billing-profile/payment-method',
      'DELETE /v1/session',
      'GET /.well-known/jwks.json',
      'GET /health/live',
      'GET /health/ready',
      'GET /rsl/{publisherId}.xml',
      'GET /v1/agreements',
      'GET /v1/agreements/{id}',
      'GET /v1/agreements/{id}/versions',
      'GET /v1/audit-events',
      'GET /v1/balances',
      'GET /v1/billing-profile',
      'GET /v1/billing-profiles/{licenseeId}',
      'GET /v1/catalogue-imports',
      'GET /v1/catalogue-imports/limits',
      'GET /v1/catalogue-imports/{id}',
      'GET /v1/catalogue-imports/{id}/errors',
      'GET /v1/collection/invoices',
      'GET /v1/collection/overdue',
      'GET /v1/collection/overdue/by-licensee',
      'GET /v1/compliance',
      'GET /v1/earnings',
      'GET /v1/earnings/breakdown',
      'GET /v1/invoices',
      'GET /v1/invoices/{id}/collection',
      'GET /v1/ledger/accounts/{id}/entries',
      'GET /v1/ledger/overview',
      'GET /v1/ledger/overview/payouts',
      'GET /v1/ledger/overview/royalties',
      'GET /v1/ledger/trial-balance',
      'GET /v1/ledger/verify',
      'GET /v1/licence-check',
      'GET /v1/licence-offers',
      'GET /v1/licence-offers/{id}',
      'GET /v1/licence-offers/{id}/versions',
      'GET /v1/licence-receipt-keys',
      'GET /v1/licence-receipts/{id}',
      'GET /v1/me',
      'GET /v1/organizations',
      'GET /v1/organizations/{id}',
      'GET /v1/organizations/{id}/api-keys',
      'GET /v1/payees',
      'GET /v1/payees/{id}',
      'GET /v1/payees/{id}/stripe-account',
      'GET /v1/payout-runs',
      'GET /v1/payout-runs/{id}',
      'GET /v1/payout-runs/{id}/exclusions',
      'GET /v1/payout-runs/{id}/items',
      'GET /v1/reconciliations',
      'GET /v1/reconciliations/{id}',
      'GET /v1/royalty-runs',
      'GET /v1/royalty-runs/{id}',
      'GET /v1/session',
      'GET /v1/statements',
      'GET /v1/statements/{id}',
      'GET /v1/statements/{id}/lines',
      'GET /v1/usage',
      'GET /v1/usage-reports',
      'GET /v1/usage-reports/{id}',
      'GET /v1/usage-reports/{id}/issues',
      'GET /v1/works',
      'GET /v1/works/{id}',
      'GET /v1/works/{id}/split-versions',
      'GET /v1/works/{id}/versions',
      'PATCH /v1/payees/{id}',
      'PATCH /v1/works/{id}',
      'POST /v1/agreements',
      'POST /v1/agreements/{id}/accept',
      'POST /v1/agreements/{id}/amendments',
      'POST /v1/agreements/{id}/amendments/{version}/accept',
      'POST /v1/agreements/{id}/terminate',
      'POST /v1/billing-profile/payment-method',
      'POST /v1/catalogue-imports',
      'POST /v1/invoices/{id}/issue',
      'POST /v1/invoices/{id}/payments',
      'POST /v1/licence-check',
      'POST /v1/licence-offers',
      'POST /v1/licence-offers/import-rsl',
      'POST /v1/licence-offers/{id}/retire',
      'POST /v1/licence-receipt-keys',
      'POST /v1/organizations',
      'POST /v1/organizations/{id}/api-keys',
      'POST /v1/payees',
      'POST /v1/payees/{id}/advances',
      'POST /v1/payees/{id}/hold',
      'POST /v1/payees/{id}/release',
      'POST /v1/payees/{id}/stripe-account',
      'POST /v1/payout-runs',
      'POST /v1/payout-runs/{id}/approve',
      'POST /v1/payout-runs/{id}/cancel',
      'POST /v1/payout-runs/{id}/resume',
      'POST /v1/reconciliations',
      'POST /v1/royalty-runs',
      'POST /v1/royalty-runs/{id}/post',
      'POST /v1/royalty-runs/{id}/recalculate',
      'POST /v1/sessions',
      'POST /v1/stripe/webhooks',
      'POST /v1/usage-reports',
      'POST /v1/works',
      'POST /v1/works/{id}/withdraw',
      'PUT /v1/billing-profile',
      'PUT /v1/billing-profiles/{licenseeId}',
      'PUT /v1/licence-offers/{id}',
    ]);
    expect(document.components.securitySchemes.session).toMatchObject({
      type: 'apiKey',
      in: 'cookie',
      name: 'rl_session',
    });
    // Either credential: an API key, or the console's session cookie.
    expect(document.paths['/v1/me'].get.security).toEqual([{ bearer: [] }, { session: [] }]);
    expect(document.paths['/v1/me'].get['x-roles']).toEqual([
      'admin',
      'finance',
      'publisher',
      'licensee',
    ]);
    expect(document.paths['/v1/payout-runs'].post['x-roles']).toEqual(['finance']);
    expect(document.paths['/v1/payout-runs'].post.description).toBe('Roles: finance.');
    // A route's own @Roles wins over its class's, in the document as in the guard.
    expect(document.paths['/v1/agreements/{id}/accept'].post['x-roles']).toEqual(['licensee']);
    const rsl = document.paths['/rsl/{publisherId}.xml'].get;
    expect(rsl.security).toEqual([]);
    expect(rsl['x-roles']).toEqual([]);
    expect(rsl.responses['200'].content['application/rsl+xml'].example).toContain(
      '<rsl xmlns="https://rslstandard.org/rsl"',
    );
    const rslImport = document.paths['/v1/licence-offers/import-rsl'].post;
    expect(Object.keys(rslImport.requestBody.content)).toEqual([
      'application/rsl+xml',
      'application/xml',
      'text/xml',
    ]);
    expect(rslImport.responses['422'].content['application/problem+json'].example.status).toBe(422);
  });

  it('gives examples for request bodies and problem answers', async () => {
    const document = (await t.http.get('/openapi.json')).body;
    const create = document.components.schemas.CreateOrganizationDto;
    expect(create.properties.name.example).toBe('Northwind Press');
    const problem =
      document.paths['/v1/organizations'].post.responses['400'].content['application/problem+json'];
    expect(problem.example.type).toBe('https://rights-ledger.dev/problems/validation-failed');
    expect(document.components.schemas.Problem.required).toEqual([
      'type',
      'title',
      'status',
      'detail',
    ]);
  });

  it('types every property exactly', async () => {
    const document = (await t.http.get('/openapi.json')).body;
    const loose = everySchema(document).flatMap(([where, schema]) => loosenessOf(schema, where));
    expect(loose).toEqual([]);

    const schemas = document.components.schemas as Record<string, Schema>;
    expect(schemas.CreatePayeeDto.properties!.email).toMatchObject({
      type: 'string',
      format: 'email',
      nullable: true,
    });
    expect(schemas.UpdatePayeeDto.properties!.country).toMatchObject({
      type: 'string',
      nullable: true,
    });
    expect(schemas.UpdateWorkDto.properties!.language).toMatchObject({
      type: 'string',
      nullable: true,
    });
    expect(schemas.UsageReportTotalsDto.properties!.lineCount.oneOf).toEqual([
      expect.objectContaining({ type: 'integer' }),
      expect.objectContaining({ type: 'string' }),
    ]);
    expect(schemas.PayoutRunResponse.required).toEqual(
      expect.arrayContaining(['id', 'status', 'totals', 'items', 'excluded']),
    );
    // Request bodies are closed, as the ValidationPipe is (forbidNonWhitelisted), at every depth;
    // responses stay open.
    expect(schemas.CreateWorkDto.additionalProperties).toBe(false);
    expect(schemas.SplitDto.additionalProperties).toBe(false);
    expect(schemas.LicenceOfferTermsDto.additionalProperties).toBe(false);
    expect(schemas.WorkResponse.additionalProperties).toBeUndefined();
  });

  it("states each route's roles, exactly as the guard enforces them", async () => {
    const document = (await t.http.get('/openapi.json')).body;
    const operator = (await t.http.get('/v1/me', ADMIN_KEY)).body.organization.id as string;
    const finance = await t.http.post(`/v1/organizations/${operator}/api-keys`, ADMIN_KEY, {
      principalName: 'openapi-roles-finance',
      role: 'finance',
    });
    const keys: Record<Role, string> = {
      admin: ADMIN_KEY,
      finance: finance.body.key,
      publisher: (await createOrganization(t.http)).key,
      licensee: (await createOrganization(t.http, { kind: 'licensee' })).key,
    };

    const wrong: string[] = [];
    for (const [path, methods] of Object.entries(
      document.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        const at = `${method.toUpperCase()} ${path}`;
        const roles = operation['x-roles'];
        if (!roles) {
          wrong.push(`${at}: no x-roles (use @Roles, @AnyRole or @Public)`);
          continue;
        }
        // The guard runs before any pipe: a body or a path parameter is never looked at first.
        const call = (key?: string) =>
          t.http.request(method.toUpperCase(), concrete(path), {
            key,
            body: ['post', 'put', 'patch'].includes(method) ? {} : undefined,
          });
        if (roles.length === 0) {
          if (JSON.stringify(operation.security) !== '[]')
            wrong.push(`${at}: public, not security []`);
          if (!operation.description?.endsWith('Public: no API key.')) {
            wrong.push(`${at}: public, not said in its description`);
          }
          const anonymous = await call();
          if ([401, 403].includes(anonymous.status)) {
            wrong.push(`${at}: public, answers ${anonymous.status} without a key`);
          }
          continue;
        }
        if (JSON.stringify(operation.security) !== '[{"bearer":[]},{"session":[]}]') {
          wrong.push(`${at}: not bearer or session security`);
        }
        if (!/Roles: (any \()?[a-z, ]+\)?\.$/.test(operation.description ?? '')) {
          wrong.push(`${at}: roles not said in its description`);
        }
        for (const role of ROLES) {
          const response = await call(keys[role]);
          const refusedByGuard =
            response.status === 403 &&
            response.body.type === 'https://rights-ledger.dev/problems/forbidden' &&
            String(response.body.detail).startsWith('This route is for');
          if (roles.includes(role) === refusedByGuard) {
            wrong.push(`${at}: x-roles ${roles.join(',')}; ${role} answered ${response.status}`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('answers every operation with a documented body, and every error with a Problem', async () => {
    const document = (await t.http.get('/openapi.json')).body;
    const wrong: string[] = [];
    for (const [path, methods] of Object.entries(
      document.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, operation] of Object.entries(methods)) {
        const at = `${method.toUpperCase()} ${path}`;
        const success = Object.entries(operation.responses).filter(([status]) =>
          status.startsWith('2'),
        );
        const documented = success.some(([, response]) =>
          Object.values(response.content ?? {}).some(
            (media) => media.schema || media.example !== undefined || media.examples,
          ),
        );
        // 204 No Content (sign-out) has no body to document.
        const bodiless = success.length > 0 && success.every(([status]) => status === '204');
        if (!documented && !bodiless) wrong.push(`${at}: no success body documented`);
        for (const [status, response] of Object.entries(operation.responses)) {
          if (!/^[45]|^default$/.test(status)) continue;
          const problem = response.content?.['application/problem+json']?.schema;
          if (problem?.$ref !== '#/components/schemas/Problem') {
            wrong.push(`${at} ${status}: not a Problem`);
          }
        }
        if (!operation.responses.default) wrong.push(`${at}: no default (Problem) answer`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('serves the browsable docs', async () => {
    const response = await t.http.get('/docs');
    expect(response.status).toBe(200);
    expect(response.text).toContain('swagger-ui');
  });
});
