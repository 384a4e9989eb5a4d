import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { createWork, workBody } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { licenseeUnderAgreement } from './factories/usage.factory';
import { ADMIN_KEY, startTestApp, TestApp, TestResponse } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/**
 * Regression tests for each defect the fuzzing of issue 15 found: every one answered 500 (or
 * not at all, or not as problem+json); each now answers a clear 4xx and changes nothing.
 */
describe('bad input never breaks it', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let offerId: string;
  let agreementId: string;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await licenseeUnderAgreement(t, publisher.key);
    const agreements = await t.http.get('/v1/agreements', licensee.key);
    agreementId = agreements.body.data[0].id;
    offerId = agreements.body.data[0].offerId;
  });
  afterAll(() => t.close());

  const count = async (table: string) =>
    Number((await t.sql<{ n: string }>(`SELECT count(*) AS n FROM ${table}`))[0].n);

  function expectProblem(response: TestResponse, status: number, code: string): void {
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.status).toBe(status);
    expect(response.body).toMatchObject({ type: `${PROBLEM}${code}`, status });
  }

  describe('bodies nested deeper than any request needs', () => {
    it('answers 400 input-too-deep for scope.workIds nested 2,000 deep, and the offer stays', async () => {
      const before = await t.http.get(`/v1/licence-offers/${offerId}`, publisher.key);
      const nested = '['.repeat(2000) + ']'.repeat(2000);
      const response = await t.http.request('PUT', `/v1/licence-offers/${offerId}`, {
        key: publisher.key,
        rawBody: `{"title":"x","scope":{"type":"works","workIds":${nested}}}`,
        headers: { 'if-match': String(before.body.version) },
      });
      expectProblem(response, 400, 'input-too-deep');
      expect(response.body.errors[0].field).toMatch(/^scope\.workIds(\.0){30}$/);
      const after = await t.http.get(`/v1/licence-offers/${offerId}`, publisher.key);
      expect(after.body.version).toBe(before.body.version);
    });

    it('answers 400 for a whole body nested 2,000 deep', async () => {
      const response = await t.http.request('POST', '/v1/payees', {
        key: publisher.key,
        rawBody: '['.repeat(2000) + ']'.repeat(2000),
      });
      expectProblem(response, 400, 'input-too-deep');
      // The 32nd array down (its path 32 indexes long) holds yet another: refused there.
      expect(response.body.detail).toBe(
        `${Array(32).fill('0').join('.')} nests deeper than 32 levels`,
      );
    });
  });

  describe('a JSON route sent a streamed content type', () => {
    it.each(['text/csv', 'application/x-ndjson'])(
      'answers 415 to %s and creates nothing',
      async (type) => {
        const before = await count('payees');
        const response = await t.http.request('POST', '/v1/payees', {
          key: publisher.key,
          rawBody: 'a,b\n1,2',
          headers: { 'content-type': type },
        });
        expectProblem(response, 415, 'unsupported-media-type');
        expect(response.body.detail).toBe(
          `POST /v1/payees takes no ${type} body; send application/json`,
        );
        expect(await count('payees')).toBe(before);
      },
    );
  });

  describe('NUL in a query parameter', () => {
    it.each([
      ['GET', '/v1/works?q=%00', 'publisher', 'query.q'],
      ['GET', '/v1/audit-events?resourceType=a%00', 'admin', 'query.resourceType'],
      ['GET', '/v1/usage?usage=%00', 'publisher', 'query.usage'],
      ['POST', '/v1/usage-reports?reportId=%00', 'licensee', 'query.reportId'],
    ])('%s %s answers 400 invalid-characters', async (method, url, role, field) => {
      const key = { publisher: publisher.key, admin: ADMIN_KEY, licensee: licensee.key }[role];
      const before = await count('usage_reports');
      const response = await t.http.request(method, url, {
        key,
        ...(method === 'POST'
          ? { rawBody: '{"lineId":"l1"}\n', headers: { 'content-type': 'application/x-ndjson' } }
          : {}),
      });
      expectProblem(response, 400, 'invalid-characters');
      expect(response.body.errors).toEqual([
        { field, messages: [`${field} contains a NUL character (U+0000), which text cannot hold`] },
      ]);
      expect(await count('usage_reports')).toBe(before);
    });
  });

  describe('a lone UTF-16 surrogate in a string', () => {
    const LONE = '\\ud800';
    const cases: [string, string, () => string, string, string][] = [
      ['payee name', '/v1/payees', () => `{"name":"a${LONE}","currency":"EUR"}`, 'name', 'payees'],
      [
        'payee email',
        '/v1/payees',
        () => `{"name":"a","email":"a${LONE}@example.com","currency":"EUR"}`,
        'email',
        'payees',
      ],
      [
        'work identifier value',
        '/v1/works',
        () =>
          JSON.stringify(workBody({ identifiers: [{ scheme: 'ext', value: 'V' }] })).replace(
            '"value":"V"',
            `"value":"V${LONE}"`,
          ),
        'identifiers.0.value',
        'works',
      ],
      [
        'work metadata',
        '/v1/works',
        () => JSON.stringify(workBody({ metadata: { note: 'M' } })).replace('"M"', `"M${LONE}"`),
        'metadata.note',
        'works',
      ],
      [
        'offer title',
        '/v1/licence-offers',
        () => JSON.stringify(offerTerms({ title: 'T' })).replace('"T"', `"T${LONE}"`),
        'title',
        'licence_offers',
      ],
    ];
    it.each(cases)(
      'in a %s answers 400 invalid-characters',
      async (_what, url, body, field, table) => {
        const before = await count(table);
        const response = await t.http.request('POST', url, { key: publisher.key, rawBody: body() });
        expectProblem(response, 400, 'invalid-characters');
        expect(response.body.errors).toEqual([
          {
            field,
            messages: [`${field} contains a lone UTF-16 surrogate, which is not a character`],
          },
        ]);
        expect(await count(table)).toBe(before);
        expect(await count('audit_events')).toBeGreaterThan(0);
      },
    );

    it('accepts a well-formed surrogate pair (an emoji)', async () => {
      const response = await t.http.request('POST', '/v1/payees', {
        key: publisher.key,
        rawBody: '{"name":"Ada \\ud83d\\udcda","currency":"EUR"}',
      });
      expect(response.status).toBe(201);
      expect(response.body.name).toBe('Ada 📚');
    });
  });

  describe('numbers and dates out of range', () => {
    it.each(['2147483648', '1e20', '0', '-1', '1.5'])(
      'an amendment version %s answers 400 validation-failed',
      async (version) => {
        const response = await t.http.post(
          `/v1/agreements/${agreementId}/amendments/${version}/accept`,
          licensee.key,
        );
        expectProblem(response, 400, 'validation-failed');
        expect(response.body.errors).toEqual([
          { field: 'version', messages: ['version must be a whole number from 1 to 2147483647'] },
        ]);
      },
    );

    it.each(['2031-02-30', '2027-13-01T00:00:00Z'])(
      'an audit-events bound of %s answers 400 validation-failed',
      async (to) => {
        const response = await t.http.get(`/v1/audit-events?to=${to}`, ADMIN_KEY);
        expectProblem(response, 400, 'validation-failed');
        expect(response.body.errors).toEqual([
          { field: 'to', messages: ['to must be a valid ISO 8601 date string'] },
        ]);
      },
    );
  });

  describe('wrong shapes', () => {
    it('an array where one object is expected answers 400 and creates no organization', async () => {
      const before = await count('organizations');
      const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
        name: 'Shapeless',
        kind: 'publisher',
        principal: [{ name: 'x' }],
      });
      expectProblem(response, 400, 'validation-failed');
      expect(response.body.errors).toEqual([
        { field: 'principal', messages: ['principal must be an object'] },
      ]);
      expect(await count('organizations')).toBe(before);
    });

    it('an array of arrays where objects are expected answers 400', async () => {
      const response = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [[]] }),
      );
      expectProblem(response, 400, 'validation-failed');
      expect(response.body.errors).toContainEqual({
        field: 'identifiers',
        messages: ['each item of identifiers must be an object'],
      });
    });
  });

  it('an RSL document nested 50,000 deep answers 400 rsl-malformed', async () => {
    const xml = `<rsl xmlns="https://rslstandard.org/rsl">${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</rsl>`;
    const response = await t.http.request('POST', '/v1/licence-offers/import-rsl', {
      key: publisher.key,
      rawBody: xml,
      headers: { 'content-type': 'application/rsl+xml' },
    });
    expectProblem(response, 400, 'rsl-malformed');
    expect(response.body.detail).toBe(
      'The document nests elements deeper than 32 levels; RSL needs 5',
    );
  });

  it('an NDJSON line sent as text/csv; charset=latin1 answers 400 unreadable-import', async () => {
    const before = await count('catalogue_imports');
    const response = await t.http.request('POST', '/v1/catalogue-imports', {
      key: publisher.key,
      rawBody: '{"externalId":"F-1","title":"Fuzzed","kind":"book"}\n',
      headers: { 'content-type': 'text/csv; charset=latin1' },
    });
    expectProblem(response, 400, 'unreadable-import');
    expect(response.body.detail).toMatch(
      /^The body is not CSV as documented: its header row cannot be read \(Invalid Opening Quote/,
    );
    expect(await count('catalogue_imports')).toBe(before);
  });

  describe("Fastify's own errors", () => {
    it('a malformed percent-escape in the path answers 400 problem+json', async () => {
      const response = await t.http.get('/v1/works/%E0%A4%A', publisher.key);
      expectProblem(response, 400, 'malformed-url');
      expect(response.headers['x-request-id']).toBe(response.body.requestId);
    });

    it('a 5,000-character path parameter answers 414 problem+json', async () => {
      const response = await t.http.get(`/v1/works/${'a'.repeat(5000)}`, publisher.key);
      expectProblem(response, 414, 'path-parameter-too-long');
    });
  });

  it('a refused streamed upload leaves its keep-alive connection usable', async () => {
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const send = (method: string, path: string, body?: string, type?: string) =>
      new Promise<{ status: number; body: string; connection?: string }>((resolve, reject) => {
        const request = http.request(
          {
            host: '127.0.0.1',
            port,
            method,
            path,
            agent,
            headers: {
              authorization: `Bearer ${publisher.key}`,
              ...(type ? { 'content-type': type } : {}),
            },
          },
          (response) => {
            let text = '';
            response.on('data', (chunk: Buffer) => (text += chunk.toString()));
            response.on('end', () =>
              resolve({
                status: response.statusCode ?? 0,
                body: text,
                connection: response.headers.connection,
              }),
            );
          },
        );
        request.setTimeout(15_000, () =>
          request.destroy(new Error(`${method} ${path}: no answer`)),
        );
        request.on('error', reject);
        request.end(body);
      });
    const line = `${JSON.stringify({ title: 'x'.repeat(2 * 1024 * 1024) })}\n`;
    const refused = await send('POST', '/v1/catalogue-imports', line, 'application/x-ndjson');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body)).toMatchObject({ type: `${PROBLEM}line-too-long` });
    expect(refused.connection).toBe('close');
    const next = await send('GET', '/v1/me');
    expect(next.status).toBe(200);
    expect(JSON.parse(next.body).organization.id).toBe(publisher.id);
    // An error on a request whose body was read whole keeps its connection open.
    const missing = await send('GET', '/v1/works/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d');
    expect(missing.status).toBe(404);
    expect(missing.connection).toBe('keep-alive');
    agent.destroy();
  });

  it('creates works as before (the guard lets good input through)', async () => {
    const work = await createWork(t.http, publisher.key, { metadata: { note: 'Ünïcödé ✓' } });
    expect(work.metadata).toEqual({ note: 'Ünïcödé ✓' });
  });
});
