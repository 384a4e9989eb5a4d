import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('HTTP errors are problem+json', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ BODY_LIMIT_BYTES: '2048' });
  });
  afterAll(() => t.close());

  const organizationCount = async () =>
    Number((await t.sql<{ n: string }>('SELECT count(*) AS n FROM organizations'))[0].n);

  it('answers malformed JSON with 400 malformed-json and changes nothing', async () => {
    const before = await organizationCount();
    const response = await t.http.request('POST', '/v1/organizations', {
      key: ADMIN_KEY,
      rawBody: '{"name": "Acme", "kind": ',
    });
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}malformed-json`,
      title: 'Malformed JSON body',
      status: 400,
      detail: 'The body is not valid JSON',
    });
    expect(await organizationCount()).toBe(before);
  });

  it('names every unknown field, at any depth', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: 'Acme',
      kind: 'publisher',
      principal: { name: 'ops', admin: true },
      colour: 'blue',
    });
    expect(response.status).toBe(400);
    expect(response.body.type).toBe(`${PROBLEM}validation-failed`);
    expect(response.body.errors).toEqual([
      { field: 'colour', messages: ['property colour should not exist'] },
      { field: 'principal.admin', messages: ['property admin should not exist'] },
    ]);
  });

  it('names fields of the wrong type or missing', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, { name: 42, kind: 'bank' });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toEqual([
      'name',
      'kind',
      'principal',
    ]);
    expect(response.body.detail).toBe('Invalid fields: name, kind, principal');
  });

  it('answers an empty JSON body with 400 malformed-json', async () => {
    const response = await t.http.request('POST', '/v1/organizations', {
      key: ADMIN_KEY,
      rawBody: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}malformed-json`,
      detail: 'The body is empty but Content-Type is application/json',
    });
  });

  it('refuses a body over the size limit with 413 before reading it', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: 'x'.repeat(4000),
      kind: 'publisher',
      principal: { name: 'ops' },
    });
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ type: `${PROBLEM}payload-too-large`, status: 413 });
  });

  it('refuses a body of another media type with 415', async () => {
    const response = await t.http.request('POST', '/v1/organizations', {
      key: ADMIN_KEY,
      rawBody: '<organization name="Acme"/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(response.status).toBe(415);
    expect(response.body.type).toBe(`${PROBLEM}unsupported-media-type`);
  });

  it('answers an unknown route with 404 route-not-found', async () => {
    const response = await t.http.get('/v1/nothing-here', ADMIN_KEY);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ type: `${PROBLEM}route-not-found`, status: 404 });
  });

  it("generates every request id; a caller's acceptable id comes back as X-Correlation-Id", async () => {
    const response = await t.http.get('/v1/nothing-here', ADMIN_KEY, {
      'x-correlation-id': 'trace-42.a',
    });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.body.requestId).toBe(response.headers['x-request-id']);
    expect(response.headers['x-correlation-id']).toBe('trace-42.a');
  });

  it("keeps a caller's X-Request-Id only as its correlation id", async () => {
    const response = await t.http.get('/health/live', undefined, { 'x-request-id': 'trace-43' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-correlation-id']).toBe('trace-43');
  });

  it('drops an unacceptable correlation id: never echoed', async () => {
    const response = await t.http.get('/health/live', undefined, { 'x-request-id': 'no spaces<>' });
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-correlation-id']).toBeUndefined();
  });

  it('answers a malformed cursor with 400 naming the cursor', async () => {
    const response = await t.http.get('/v1/organizations?cursor=bm90LWFuLWlk', ADMIN_KEY);
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}invalid-cursor`,
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  });

  it('validates query parameters like bodies', async () => {
    const response = await t.http.get('/v1/organizations?limit=0&sort=name', ADMIN_KEY);
    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field).sort()).toEqual([
      'limit',
      'sort',
    ]);
  });
});
