import { PinoLogger } from 'nestjs-pino';
import { createWork } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp, TestResponse } from './support/test-app';

/**
 * GET /v1/licence-check is served by its own Fastify route beside Nest's pipeline
 * (src/licensing/licence-check.route.ts): everything the guard, the ValidationPipe and the
 * problem filter did for it must still hold, over HTTP.
 */
const PROBLEM = 'https://rights-ledger.dev/problems/';
const ISBN = 'isbn:9780306406157';
const ASK = `identifier=${ISBN}&usage=ai-train&at=2027-06-01`;

function expectProblem(response: TestResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toBe('application/problem+json; charset=utf-8');
  expect(response.body).toMatchObject({ type: `${PROBLEM}${code}`, status });
  expect(response.body.requestId).toBe(response.headers['x-request-id']);
}

describe('GET /v1/licence-check, its own route', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: ISBN.slice(5) }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ term: { start: '2027-01-01', end: '2027-12-31' } }),
    );
    await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
  });
  afterAll(() => t.close());

  const ask = (query: string, key?: string, headers?: Record<string, string>) =>
    t.http.get(`/v1/licence-check?${query}`, key, headers);

  it('answers JSON with the request id, the correlation id and the rate-limit headers', async () => {
    const response = await ask(ASK, licensee.key, { 'x-correlation-id': 'crawl-42' });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-correlation-id']).toBe('crawl-42');
    expect(response.headers['ratelimit-limit']).toBe('100000');
    expect(Object.keys(response.body)).toEqual([
      'identifier',
      'usage',
      'licensed',
      'workId',
      'agreementId',
      'agreementVersion',
      'rate',
      'attributionRequired',
      'receipt',
    ]);
    expect(Object.keys(response.body.receipt)).toEqual(['id', 'token', 'validFrom', 'validUntil']);
  });

  it('refuses a missing, malformed or unknown key with 401', async () => {
    const missing = await ask(ASK);
    expectProblem(missing, 401, 'unauthenticated');
    expect(missing.headers['www-authenticate']).toBe('Bearer');
    expect(missing.body.detail).toBe('Send an API key as "Authorization: Bearer <key>"');
    expectProblem(
      await ask(ASK, undefined, { authorization: 'Basic abc' }),
      401,
      'unauthenticated',
    );
    const unknown = await ask(ASK, 'rlk_not-a-key-of-anyone-00000000000000000000');
    expectProblem(unknown, 401, 'unauthenticated');
    expect(unknown.body.detail).toBe('The API key is unknown or revoked');
  });

  it('lets only the licensee role in: a publisher or an admin gets 403', async () => {
    for (const [key, role] of [
      [publisher.key, 'publisher'],
      [ADMIN_KEY, 'admin'],
    ]) {
      const response = await ask(ASK, key);
      expectProblem(response, 403, 'forbidden');
      expect(response.body.detail).toBe(
        `This route is for the licensee role; this key has the ${role} role`,
      );
      // Counted before the role is judged, as the guard does.
      expect(response.headers['ratelimit-remaining']).toBeDefined();
    }
  });

  it("answers for the key's own organization: another licensee holds no agreement", async () => {
    const other = await createOrganization(t.http, { kind: 'licensee' });
    const response = await ask(ASK, other.key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      identifier: ISBN,
      usage: 'ai-train',
      licensed: false,
      reason: 'no-agreement',
      workId: expect.any(String),
    });
  });

  it('refuses unknown fields, wrong types and bad values with the DTO’s 400s', async () => {
    const cases: [string, { field: string; messages: string[] }[]][] = [
      [`${ASK}&colour=red`, [{ field: 'colour', messages: ['property colour should not exist'] }]],
      [
        `identifier=${ISBN}&usage=ai-train&usage=ai-input`,
        [
          {
            field: 'usage',
            messages: [
              'usage must be longer than or equal to 1 and shorter than or equal to 100 characters',
              'usage must be a string',
            ],
          },
        ],
      ],
      [
        `identifier=${ISBN}`,
        [
          {
            field: 'usage',
            messages: [
              'usage must be longer than or equal to 1 characters',
              'usage must be a string',
            ],
          },
        ],
      ],
      [
        `identifier=${ISBN}&usage=ai-train&territory=de&at=2027-6-1`,
        [
          {
            field: 'territory',
            messages: ['territory must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DE'],
          },
          { field: 'at', messages: ['at must be a date, YYYY-MM-DD'] },
        ],
      ],
      [
        `sha256=abc&usage=ai-train`,
        [{ field: 'sha256', messages: ['sha256 must be longer than or equal to 64 characters'] }],
      ],
      // Past the DTO, the service's own rules, named under `query.0` as before.
      [
        `identifier=${ISBN}&url=https://a.example/&usage=ai-train`,
        [{ field: 'query.0', messages: ['give exactly one of identifier, url and sha256'] }],
      ],
      [
        `identifier=isbn:123&usage=train-ai&at=2027-02-30`,
        [
          { field: 'query.0.identifier', messages: [expect.any(String)] },
          {
            field: 'query.0.usage',
            messages: [
              'usage must be an RSL usage type or an extension token like x-acme:finetune',
            ],
          },
          { field: 'query.0.at', messages: ['at is not a calendar date'] },
        ],
      ],
    ];
    for (const [query, errors] of cases) {
      const response = await ask(query, licensee.key);
      expectProblem(response, 400, 'validation-failed');
      expect(response.body.errors).toEqual(errors);
      expect(response.body.detail).toBe(`Invalid fields: ${errors.map((e) => e.field).join(', ')}`);
    }
  });

  it('refuses a NUL in the query before anything else (the input guard)', async () => {
    const response = await ask(`identifier=isbn%3A97%00&usage=ai-train`, licensee.key);
    expectProblem(response, 400, 'invalid-characters');
  });

  it('takes the console session cookie, as every route does', async () => {
    const signIn = await t.http.request('POST', '/v1/sessions', { body: { apiKey: licensee.key } });
    const token = /^rl_session=([^;]+);/.exec(String(signIn.headers['set-cookie']))![1];
    const response = await ask(ASK, undefined, { cookie: `rl_session=${token}` });
    expect(response.status).toBe(200);
    expect(response.body.licensed).toBe(true);
    const ended = await ask(ASK, undefined, { cookie: 'rl_session=not-a-session' });
    expectProblem(ended, 401, 'session-expired');
  });
});

describe('GET /v1/licence-check: the rate limit counted in the process', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3', RATE_LIMIT_SYNC_MS: '50' });
  });
  afterAll(() => t.close());

  it('refuses past the limit with 429 and Retry-After, and shares the count with every route', async () => {
    // The admin key creates the organization, then is done: the licensee counts alone.
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const remaining: string[] = [];
    for (let i = 0; i < 3; i++) {
      const response = await t.http.get(`/v1/licence-check?${ASK}`, licensee.key);
      expect(response.status).toBe(200);
      remaining.push(String(response.headers['ratelimit-remaining']));
    }
    expect(remaining).toEqual(['2', '1', '0']);
    const refused = await t.http.get(`/v1/licence-check?${ASK}`, licensee.key);
    expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(refused.body.detail).toMatch(
      /^This principal may make 3 requests a minute, all its API keys together; retry in \d+ s$/,
    );
    // Within an interval the counts reach Redis, where the guard of every other route reads them.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectProblem(await t.http.get('/v1/me', licensee.key), 429, 'rate-limited');
  });

  it('counts what the other routes counted: a principal past its limit elsewhere is refused', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    for (let i = 0; i < 3; i++) expect((await t.http.get('/v1/me', licensee.key)).status).toBe(200);
    // The first check is decided before this process has heard the shared count: allowed.
    expect((await t.http.get(`/v1/licence-check?${ASK}`, licensee.key)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expectProblem(await t.http.get(`/v1/licence-check?${ASK}`, licensee.key), 429, 'rate-limited');
  });
});

describe('GET /v1/licence-check: its request line', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ LOG_LEVEL: 'info' });
  });
  afterAll(() => t.close());

  it('logs "request completed" once, at the level of its status, with the request id', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const publisher = await createOrganization(t.http);
    const info = jest.spyOn(PinoLogger.root, 'info').mockImplementation(() => undefined);
    const warn = jest.spyOn(PinoLogger.root, 'warn').mockImplementation(() => undefined);
    try {
      const answered = await t.http.get(`/v1/licence-check?${ASK}`, licensee.key, {
        'x-correlation-id': 'crawl-7',
      });
      const refused = await t.http.get(`/v1/licence-check?${ASK}`, publisher.key);
      const lines = (spy: jest.SpyInstance) =>
        spy.mock.calls.filter(([, message]) => message === 'request completed');
      expect(lines(info)).toEqual([
        [
          {
            req: expect.objectContaining({
              id: answered.headers['x-request-id'],
              method: 'GET',
              url: `/v1/licence-check?${ASK}`,
            }),
            correlationId: 'crawl-7',
            res: { statusCode: 200 },
            responseTime: expect.any(Number),
          },
          'request completed',
        ],
      ]);
      expect(lines(warn)).toEqual([
        [
          expect.objectContaining({
            req: expect.objectContaining({ id: refused.headers['x-request-id'] }),
            res: { statusCode: 403 },
          }),
          'request completed',
        ],
      ]);
    } finally {
      info.mockRestore();
      warn.mockRestore();
    }
  });
});
