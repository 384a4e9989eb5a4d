import fc from 'fast-check';
import { FuzzWorld, kindOfPath, Party } from './fuzz-world';
import {
  fillPath,
  OpenApiDocument,
  Operation,
  Parameter,
  resolveSchema,
  Schema,
} from './openapi-operations';

export type Caller = Party | 'finance' | 'none';

export interface FuzzRequest {
  operation: Operation;
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string | Buffer;
  caller: Caller;
  /** What was done to the request: `valid`, or the mutation's name; printed with a defect. */
  mutation: string;
}

const ROLE_OF: Record<Exclude<Caller, 'none'>, string> = {
  operator: 'admin',
  finance: 'finance',
  publisherA: 'publisher',
  publisherB: 'publisher',
  licenseeA: 'licensee',
  licenseeB: 'licensee',
};
const CALLERS = Object.keys(ROLE_OF) as Exclude<Caller, 'none'>[];

export function keyOf(world: FuzzWorld, caller: Caller): string | undefined {
  if (caller === 'none') return undefined;
  return caller === 'finance' ? world.keys.finance[0] : world.keys[caller];
}

// ---- hostile values, each a way a real client (or attacker) gets input wrong ----

const DEEP = 2_000;
const deepArray = (): unknown => JSON.parse('['.repeat(DEEP) + ']'.repeat(DEEP)) as unknown;
const HOSTILE_STRINGS = [
  '',
  ' ',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\u202e\u0301',
  'x'.repeat(100_000),
  'x'.repeat(1_100_000),
  '../../etc/passwd',
  "'; DROP TABLE works; --",
  '%00',
  '2031-02-30',
  '1e400',
  'NaN',
];
const HOSTILE_NUMBERS = [
  -1,
  0,
  1.5,
  2_147_483_648,
  -2_147_483_649,
  Number.MAX_SAFE_INTEGER + 2,
  1e20,
  -1e20,
  1e308,
];
const WRONG_TYPES: unknown[] = [null, true, 42, 'text', [], {}, [{ name: 'x' }], { nested: {} }];

const QUERY_HOSTILE = [
  '%00',
  'a%00b',
  '%ED%A0%80',
  '%FF%FE',
  '%E0%A4%A',
  '%',
  'x'.repeat(5_000),
  '-1',
  '0',
  '1.5',
  '2147483648',
  '1e20',
  '99999999999999999999',
  '2031-02-30',
  '2027-13-01',
  '0000-01-01',
  '99999-01-01',
  'true',
  '[]',
  '{}',
];
const PATH_HOSTILE = [
  'not-a-uuid',
  '00000000-0000-0000-0000-000000000000',
  '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
  '%00',
  '%E0%A4%A',
  '%ED%A0%80',
  'x'.repeat(5_000),
  '2147483648',
  '1e20',
  '-1',
  '..%2F..%2Fetc',
];
const CONTENT_TYPES = [
  'text/csv',
  'application/x-ndjson',
  'text/plain',
  'application/xml',
  'application/rsl+xml',
  'multipart/form-data; boundary=x',
  'application/x-www-form-urlencoded',
  'application/json; charset=latin1',
  'text/csv; charset=latin1',
  'application/octet-stream',
  'garbage',
];

// ---- valid values from the document's schemas, with the world's real ids ----

function worldIds(world: FuzzWorld): string[] {
  return [
    ...world.resources.map((r) => r.id),
    ...Object.values(world.organizationIds),
    ...world.spareKeyIds,
  ];
}

function dateArbitrary(): fc.Arbitrary<string> {
  return fc.constantFrom('2027-01-01', '2027-06-01', '2027-06-30', '2027-12-31', '2026-11-30');
}

function valueOf(
  doc: OpenApiDocument,
  world: FuzzWorld,
  input: Schema | undefined,
  name = '',
  depth = 0,
): fc.Arbitrary<unknown> {
  const schema = resolveSchema(doc, input);
  const ids = worldIds(world);
  const options: fc.Arbitrary<unknown>[] = [];
  if (schema.example !== undefined) options.push(fc.constant(schema.example));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length && depth < 4)
    return fc.oneof(...alternatives.map((s) => valueOf(doc, world, s, name, depth + 1)));
  switch (schema.type) {
    case 'string':
      // Every id field is typed uuid in the document: those take the world's ids (any
      // organization's). Free-text fields named like ids (externalId, reportId, lineId) are
      // the caller's own strings, and stay so.
      if (schema.format === 'uuid') options.push(fc.constantFrom(...ids));
      else if (schema.format === 'date-time')
        options.push(fc.constantFrom('2027-07-01T00:00:00Z', '2027-06-15T12:00:00.000Z'));
      else if (typeof schema.example === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(schema.example))
        options.push(dateArbitrary());
      else if (/identifier/i.test(name)) options.push(fc.constantFrom(...world.identifiers));
      else options.push(fc.string({ maxLength: 12 }));
      break;
    case 'integer':
    case 'number':
      options.push(
        fc.integer({ min: schema.minimum ?? 0, max: Math.min(schema.maximum ?? 1_000_000, 1e9) }),
      );
      break;
    case 'boolean':
      options.push(fc.boolean());
      break;
    case 'array':
      if (resolveSchema(doc, schema.items).format === 'uuid')
        options.push(fc.subarray(ids, { maxLength: 3 }));
      else if (depth < 4)
        options.push(
          fc.array(valueOf(doc, world, schema.items, name, depth + 1), { maxLength: 3 }),
        );
      break;
    case 'object':
    case undefined:
      if (schema.properties && depth < 4) options.push(objectOf(doc, world, schema, depth));
      else options.push(fc.constant({}));
      break;
    default:
      options.push(fc.constant(null));
  }
  return options.length ? fc.oneof(...options) : fc.constant(null);
}

/**
 * The smallest value the document describes: its example, or an object of its required
 * properties' examples (optional ones left out: some examples exclude one another, e.g. an
 * offer's term dates and its duration), so a request is as valid as the document says.
 */
export function exampleOf(doc: OpenApiDocument, input: Schema | undefined, depth = 0): unknown {
  const schema = resolveSchema(doc, input);
  if (schema.example !== undefined) return schema.example;
  if (schema.enum?.length) return schema.enum[0];
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives?.length) return exampleOf(doc, alternatives[0], depth + 1);
  switch (schema.type) {
    case 'array':
      return depth < 6 ? [exampleOf(doc, schema.items, depth + 1)] : [];
    case 'object':
    case undefined: {
      const body: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, property] of Object.entries(schema.properties ?? {})) {
        if (required.has(key)) body[key] = exampleOf(doc, property, depth + 1);
      }
      return body;
    }
    case 'integer':
    case 'number':
      return schema.minimum ?? 1;
    case 'boolean':
      return true;
    default:
      return 'example';
  }
}

function objectOf(
  doc: OpenApiDocument,
  world: FuzzWorld,
  schema: Schema,
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = schema.properties ?? {};
  const required = new Set(schema.required ?? []);
  const model: Record<string, fc.Arbitrary<unknown>> = {};
  for (const [key, property] of Object.entries(properties)) {
    model[key] = valueOf(doc, world, property, key, depth + 1);
  }
  return fc.record(model, { requiredKeys: [...required] });
}

// ---- mutations of a valid body ----

type Json = Record<string, unknown>;

function paths(value: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
  if (value && typeof value === 'object' && prefix.length < 6) {
    for (const [key, child] of Object.entries(value as Json)) {
      out.push([...prefix, key]);
      paths(child, [...prefix, key], out);
    }
  }
  return out;
}

function setAt(value: unknown, path: string[], replacement: unknown, remove = false): unknown {
  if (!path.length) return replacement;
  const copy: Json | unknown[] = Array.isArray(value)
    ? [...(value as unknown[])]
    : { ...(value as Json) };
  const [head, ...rest] = path;
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) copy.splice(Number(head), 1);
    else delete copy[head];
  } else {
    (copy as Json)[head] = setAt((copy as Json)[head], rest, replacement, remove);
  }
  return copy;
}

const bodyMutation = (body: unknown): fc.Arbitrary<{ body: unknown; mutation: string }> => {
  const fields = paths(body);
  const at = fields.length ? fc.constantFrom(...fields) : fc.constant<string[]>([]);
  const named = (mutation: string) => (b: unknown) => ({ body: b, mutation });
  return fc.oneof(
    fc
      .tuple(at, fc.constantFrom(...WRONG_TYPES))
      .map(([p, v]) => ({ body: setAt(body, p, v), mutation: `wrong type at ${p.join('.')}` })),
    at.map((p) => ({
      body: setAt(
        body,
        p,
        Array.from({ length: 20_000 }, (_, i) => i),
      ),
      mutation: `20,000-item array at ${p.join('.')}`,
    })),
    at.map((p) => ({ body: setAt(body, p, undefined, true), mutation: `missing ${p.join('.')}` })),
    fc.tuple(at, fc.constantFrom(...HOSTILE_STRINGS)).map(([p, v]) => ({
      body: setAt(body, p, v),
      mutation: `hostile string ${JSON.stringify(v.slice(0, 12))} at ${p.join('.')}`,
    })),
    fc
      .tuple(at, fc.constantFrom(...HOSTILE_NUMBERS))
      .map(([p, v]) => ({ body: setAt(body, p, v), mutation: `number ${v} at ${p.join('.')}` })),
    at.map((p) => ({
      body: setAt(body, p, deepArray()),
      mutation: `nested ${DEEP} deep at ${p.join('.')}`,
    })),
    fc
      .constant(body)
      .map((b) => ({ body: { ...(b as Json), unexpected: 1 }, mutation: 'unknown field' })),
    fc
      .constantFrom(...WRONG_TYPES)
      .map((v) => ({ body: v, mutation: `body is ${JSON.stringify(v)}` })),
    fc.constant(deepArray()).map(named(`body nested ${DEEP} deep`)),
  );
};

// ---- streamed bodies: catalogue imports and usage reports ----

const STREAMED_BODIES: [string, string | Buffer][] = [
  ['a work line', '{"externalId":"F-1","title":"Fuzzed","kind":"book"}\n'],
  [
    'a usage line',
    '{"lineId":"f1","identifier":"isbn:9780306406157","usage":"ai-train","units":5,"unit":"token"}\n',
  ],
  ['a CSV', 'externalId,title,kind\nF-2,Fuzzed,book\n'],
  ['a usage CSV', 'lineId,identifier,usage,units,unit\nf2,isbn:9780306406157,ai-train,5,token\n'],
  ['CSV of two columns', 'a,b\n1,2'],
  ['broken JSON lines', '{"externalId":\n{{{\n'],
  ['latin1 bytes', Buffer.from('externalId,title,kind\nF-3,Caf\xe9,book\n', 'latin1')],
  ['NUL bytes', Buffer.from([0, 0, 0, 10])],
  ['a lone surrogate', '{"externalId":"\\ud800","title":"x","kind":"book"}\n'],
  ['deep JSON', `${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n`],
  ['empty', ''],
  ['a long line', `{"title":"${'x'.repeat(1_100_000)}"}`],
];

const XML_BODIES: [string, string][] = [
  [
    'an RSL document',
    '<rsl xmlns="https://rslstandard.org/rsl"><content url="https://example.com/*"><license><permits type="usage">ai-train</permits><payment type="use"><amount currency="EUR">0.01</amount></payment></license></content></rsl>',
  ],
  ['nested 50,000 deep', `${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}`],
  ['malformed', '<rsl><content'],
  [
    'entity expansion',
    '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><rsl>&c;&c;&c;</rsl>',
  ],
  ['not XML', '{"rsl": true}'],
];

// ---- a whole request ----

function paramValue(
  doc: OpenApiDocument,
  world: FuzzWorld,
  operation: Operation,
  parameter: Parameter,
): fc.Arbitrary<string> {
  if (parameter.in === 'path') {
    if (parameter.name === 'version') return fc.constantFrom('1', '2', '3');
    const kind = kindOfPath(operation.path);
    let ids = world.resources.filter((r) => r.kind === kind).map((r) => r.id);
    if (kind === 'organization') ids = Object.values(world.organizationIds);
    // The world's own keys stay usable: a fuzzed revocation only ever takes a spare.
    if (kind === 'api-key' && operation.method === 'DELETE') ids = world.spareKeyIds;
    return fc.constantFrom(...(ids.length ? ids : worldIds(world)));
  }
  return valueOf(doc, world, parameter.schema, parameter.name).map((v) =>
    typeof v === 'string' ? v : JSON.stringify(v),
  );
}

export function requestArbitrary(
  doc: OpenApiDocument,
  world: FuzzWorld,
  operations: Operation[],
): fc.Arbitrary<FuzzRequest> {
  return fc.constantFrom(...operations).chain((operation) => {
    const allowed = operation.roles?.length
      ? CALLERS.filter((c) => operation.roles!.includes(ROLE_OF[c]))
      : CALLERS;
    const caller: fc.Arbitrary<Caller> = fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(...(allowed.length ? allowed : CALLERS)) },
      { weight: 2, arbitrary: fc.constantFrom<Caller>(...CALLERS, 'none') },
    );
    const pathValues = fc.record(
      Object.fromEntries(
        operation.pathParams.map((p) => [p.name, paramValue(doc, world, operation, p)]),
      ),
    );
    const query = fc.record(
      Object.fromEntries(
        operation.queryParams.map((p) => [p.name, paramValue(doc, world, operation, p)]),
      ),
      { requiredKeys: operation.queryParams.filter((p) => p.required).map((p) => p.name) },
    );
    const body = operation.bodySchema
      ? valueOf(doc, world, operation.bodySchema)
      : fc.constant(undefined);
    const mutation = fc.constantFrom(
      'valid',
      'valid',
      'valid',
      'body',
      'body',
      'body',
      'malformed json',
      'content type',
      'path',
      'query',
      'query',
      'unknown query',
      'headers',
      'streamed',
      'xml',
    );
    return fc
      .tuple(caller, pathValues, query, body, mutation, fc.nat(), fc.nat())
      .chain(([who, pathParams, queryParams, validBody, kind, pick, pick2]) => {
        const base = {
          operation,
          who,
          pathParams: { ...pathParams } as Record<string, string>,
          query: { ...queryParams } as Record<string, string>,
          body: validBody,
        };
        return mutate(base, kind, pick, pick2);
      });
  });

  function mutate(
    base: {
      operation: Operation;
      who: Caller;
      pathParams: Record<string, string>;
      query: Record<string, string>;
      body: unknown;
    },
    kind: string,
    pick: number,
    pick2: number,
  ): fc.Arbitrary<FuzzRequest> {
    const { operation, who } = base;
    const headers: Record<string, string> = {};
    const key = keyOf(world, who);
    if (key) headers.authorization = `Bearer ${key}`;
    let mutationName = kind;
    let rawQuery: string | undefined;
    const pathParams = Object.fromEntries(
      Object.entries(base.pathParams).map(([k, v]) => [k, encodeURIComponent(v)]),
    );
    if (kind === 'path' && operation.pathParams.length) {
      const param = operation.pathParams[pick % operation.pathParams.length].name;
      // Any id of the world's, of any kind and organization — but never a key the world's
      // callers hold: revoking one would leave the rest of the run answering 401.
      const held = new Set(world.resources.filter((r) => r.kind === 'api-key').map((r) => r.id));
      const all = worldIds(world).filter((id) => operation.method !== 'DELETE' || !held.has(id));
      const value =
        pick2 % 3 === 0 ? all[pick2 % all.length] : PATH_HOSTILE[pick2 % PATH_HOSTILE.length];
      pathParams[param] = value;
      mutationName = `path ${param}=${value.slice(0, 40)}`;
    }
    const queryEntries = Object.entries(base.query).map(
      ([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`,
    );
    if (kind === 'query' && operation.queryParams.length) {
      const param = operation.queryParams[pick % operation.queryParams.length].name;
      const value = QUERY_HOSTILE[pick2 % QUERY_HOSTILE.length];
      rawQuery = [
        ...queryEntries.filter((e) => !e.startsWith(`${param}=`)),
        `${param}=${value}`,
      ].join('&');
      mutationName = `query ${param}=${value.slice(0, 40)}`;
    } else if (kind === 'unknown query') {
      rawQuery = [
        ...queryEntries,
        pick2 % 2 ? 'unexpected=1' : `${queryEntries[0]?.split('=')[0] ?? 'limit'}=1`,
      ].join('&');
      mutationName = 'unknown or repeated query parameter';
    }
    const query = rawQuery ?? queryEntries.join('&');
    const url = fillPath(operation.path, pathParams) + (query ? `?${query}` : '');

    if (kind === 'headers') {
      const variants: Record<string, string>[] = [
        { 'idempotency-key': 'x'.repeat(5_000) },
        { 'idempotency-key': '' },
        { 'if-match': 'abc' },
        { 'if-match': '99999999999999999999' },
        { 'if-match': '-1' },
        { authorization: 'Bearer rlk_forged_0000000000000000000000000000' },
        { authorization: 'Basic YWRtaW46YWRtaW4=' },
        { 'x-request-id': 'x'.repeat(1_000) },
        { accept: 'text/csv' },
        { accept: 'application/xml' },
      ];
      const variant = variants[pick2 % variants.length];
      Object.assign(headers, variant);
      mutationName = `header ${JSON.stringify(variant).slice(0, 60)}`;
    }

    const request = (
      payload: string | Buffer | undefined,
      contentType?: string,
      name = mutationName,
    ) => {
      const h = { ...headers };
      if (contentType !== undefined) h['content-type'] = contentType;
      return {
        operation,
        method: operation.method,
        url,
        headers: h,
        payload,
        caller: who,
        mutation: name,
      };
    };

    if (kind === 'malformed json') {
      const text = JSON.stringify(base.body ?? {});
      return fc.constant(
        request(
          text.slice(0, Math.max(1, pick2 % text.length)),
          'application/json',
          'malformed json',
        ),
      );
    }
    if (kind === 'content type') {
      const type = CONTENT_TYPES[pick2 % CONTENT_TYPES.length];
      const payload = pick % 2 ? 'a,b\n1,2' : JSON.stringify(base.body ?? {});
      return fc.constant(request(payload, type, `content type ${type}`));
    }
    if (kind === 'streamed') {
      const [name, payload] = STREAMED_BODIES[pick2 % STREAMED_BODIES.length];
      const type = ['application/x-ndjson', 'text/csv', 'text/csv; charset=latin1'][pick % 3];
      return fc.constant(request(payload, type, `streamed ${name} as ${type}`));
    }
    if (kind === 'xml') {
      const [name, payload] = XML_BODIES[pick2 % XML_BODIES.length];
      return fc.constant(request(payload, 'application/rsl+xml', `xml ${name}`));
    }
    if (!operation.bodySchema) {
      // Routes whose body is a stream or a document: the valid request sends a good one.
      if (operation.bodyTypes.includes('application/x-ndjson')) {
        const [name, payload] = STREAMED_BODIES[pick2 % 4];
        return fc.constant(
          request(payload, name.includes('CSV') ? 'text/csv' : 'application/x-ndjson'),
        );
      }
      if (operation.bodyTypes.some((type) => type.includes('xml'))) {
        return fc.constant(request(XML_BODIES[0][1], 'application/rsl+xml'));
      }
      return fc.constant(request(undefined));
    }
    if (kind === 'body') {
      return bodyMutation(base.body).map(({ body, mutation }) =>
        request(
          body === undefined ? undefined : JSON.stringify(body),
          'application/json',
          mutation,
        ),
      );
    }
    return fc.constant(request(JSON.stringify(base.body), 'application/json'));
  }
}
