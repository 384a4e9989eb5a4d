/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed */
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { createPayee, createWork } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp, TestResponse } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const COOKIE_ATTRIBUTES = 'Path=/; HttpOnly; Secure; SameSite=Strict';
const CLEARED = `rl_session=; Max-Age=0; ${COOKIE_ATTRIBUTES.replace('Path=/;', 'Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT;')}`;

interface SignedIn {
  response: TestResponse;
  token: string;
  cookie: string;
  csrf: string;
}

const csrfOf = (token: string) => createHmac('sha256', token).update('csrf').digest('base64url');

function expectProblem(response: TestResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body).toMatchObject({ type: `${PROBLEM}${code}`, status });
}

async function signIn(t: TestApp, key: string, remoteAddress?: string): Promise<SignedIn> {
  const response = await t.http.request('POST', '/v1/sessions', {
    body: { apiKey: key },
    headers: { 'user-agent': 'Mozilla/5.0 (console test)' },
    remoteAddress,
  });
  if (response.status !== 201) throw new Error(`signIn: ${response.status} ${response.text}`);
  const token = /^rl_session=([^;]+);/.exec(String(response.headers['set-cookie']))![1];
  return { response, token, cookie: `rl_session=${token}`, csrf: csrfOf(token) };
}

/** A request with the session cookie (and the CSRF token when given), no Authorization. */
function withCookie(
  t: TestApp,
  method: string,
  url: string,
  session: Pick<SignedIn, 'cookie'>,
  options: { csrf?: string; body?: unknown; remoteAddress?: string } = {},
) {
  return t.http.request(method, url, {
    body: options.body,
    remoteAddress: options.remoteAddress,
    headers: {
      cookie: session.cookie,
      ...(options.csrf !== undefined ? { 'x-csrf-token': options.csrf } : {}),
    },
  });
}

async function sessionRow(t: TestApp, id: string) {
  const [row] = await t.sql<any>('SELECT * FROM console_sessions WHERE id = $1', [id]);
  return row;
}

describe('console sessions', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http, {
      name: 'Northwind Press',
      principalName: 'dana',
    });
  });
  afterAll(() => t.close());

  it('signs in with an API key: 201, the session, and an HttpOnly SameSite=Strict cookie', async () => {
    const { response, token, csrf } = await signIn(t, publisher.key);
    expect(response.status).toBe(201);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    // The test environment is not development: Secure is set (unit-tested for each NODE_ENV).
    expect(t.env.NODE_ENV).not.toBe('development');
    expect(response.headers['set-cookie']).toBe(
      `rl_session=${token}; Max-Age=604800; ${COOKIE_ATTRIBUTES}`,
    );
    expect(response.body).toEqual({
      id: expect.any(String),
      principal: { id: publisher.principalId, name: 'dana', role: 'publisher' },
      organization: { id: publisher.id, name: 'Northwind Press', kind: 'publisher' },
      csrfToken: csrf,
      idleTimeoutSeconds: 43200,
      expiresAt: expect.any(String),
    });
    const expiresIn = Date.parse(response.body.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(604800_000 - 60_000);
    expect(expiresIn).toBeLessThanOrEqual(604800_000);
    // Neither the key nor the token is echoed.
    expect(response.text).not.toContain(publisher.key);
    expect(response.text).not.toContain(token);

    const row = await sessionRow(t, response.body.id);
    expect(row).toMatchObject({
      api_key_id: publisher.apiKeyId,
      principal_id: publisher.principalId,
      organization_id: publisher.id,
      ended_at: null,
      end_reason: null,
      created_address: '127.0.0.1',
      user_agent: 'Mozilla/5.0 (console test)',
    });
    expect(row.token_hash).toEqual(createHash('sha256').update(token).digest());
    expect(row.expires_at.toISOString()).toBe(response.body.expiresAt);
    // The token itself is stored nowhere.
    const [{ found }] = await t.sql<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM console_sessions s WHERE s::text LIKE '%' || $1 || '%')
           OR EXISTS (SELECT 1 FROM audit_events e WHERE e::text LIKE '%' || $1 || '%') AS found`,
      [token],
    );
    expect(found).toBe(false);
  });

  it('records session.create and session.end in the audit trail', async () => {
    const session = await signIn(t, publisher.key);
    const id = session.response.body.id as string;
    const signedOut = await withCookie(t, 'DELETE', '/v1/session', session, {
      csrf: session.csrf,
    });
    expect(signedOut.status).toBe(204);
    const events = await t.http.get(`/v1/audit-events?resourceId=${id}`, ADMIN_KEY);
    expect(events.body.data).toEqual([
      {
        id: expect.any(String),
        occurredAt: expect.any(String),
        principalId: publisher.principalId,
        apiKeyId: publisher.apiKeyId,
        organizationId: publisher.id,
        action: 'session.end',
        resourceType: 'session',
        resourceId: id,
        resourceOrganizationId: publisher.id,
        requestId: signedOut.headers['x-request-id'],
        correlationId: null,
        details: { reason: 'signed-out' },
      },
      {
        id: expect.any(String),
        occurredAt: expect.any(String),
        principalId: publisher.principalId,
        apiKeyId: publisher.apiKeyId,
        organizationId: publisher.id,
        action: 'session.create',
        resourceType: 'session',
        resourceId: id,
        resourceOrganizationId: publisher.id,
        requestId: session.response.headers['x-request-id'],
        correlationId: null,
        details: {
          apiKeyPrefix: publisher.key.slice(0, 12),
          expiresAt: session.response.body.expiresAt,
        },
      },
    ]);
  });

  it('acts as the key would: GET /v1/me answers the same principal', async () => {
    const session = await signIn(t, publisher.key);
    const viaCookie = await withCookie(t, 'GET', '/v1/me', session);
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.body).toEqual((await t.http.get('/v1/me', publisher.key)).body);
    expect(viaCookie.body.apiKey.id).toBe(publisher.apiKeyId);
    // The per-principal rate limit applies to the session as to the key.
    expect(viaCookie.headers['ratelimit-limit']).toBe('100000');
  });

  it('GET /v1/session answers the session with its csrfToken; a bearer key has none (404)', async () => {
    const session = await signIn(t, publisher.key);
    const current = await withCookie(t, 'GET', '/v1/session', session);
    expect(current.status).toBe(200);
    expect(current.body).toEqual(session.response.body);
    expect(current.headers['set-cookie']).toBeUndefined();
    expectProblem(await t.http.get('/v1/session', publisher.key), 404, 'no-session');
    expectProblem(await t.http.delete('/v1/session', publisher.key), 404, 'no-session');
  });

  it("applies the role's limits: a licensee's session on a finance route is 403", async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const session = await signIn(t, licensee.key);
    const response = await withCookie(t, 'GET', '/v1/ledger/trial-balance', session);
    expectProblem(response, 403, 'forbidden');
    expect(response.body.detail).toBe(
      'This route is for the finance role; this key has the licensee role',
    );
  });

  it('refuses a change without the right X-CSRF-Token (403, nothing written), accepts it with', async () => {
    const org = await createOrganization(t.http);
    const session = await signIn(t, org.key);
    const before = (await t.http.get('/v1/payees', org.key)).body.data;
    expect(before).toEqual([expect.objectContaining({ isDefault: true })]);
    const body = { name: 'Ada Lovelace', currency: 'EUR' };
    for (const csrf of [
      undefined,
      '',
      'x'.repeat(43),
      csrfOf(randomBytes(32).toString('base64url')),
    ]) {
      const refused = await withCookie(t, 'POST', '/v1/payees', session, { csrf, body });
      expectProblem(refused, 403, 'csrf-token-invalid');
    }
    // Another session's token is not this one's.
    const other = await signIn(t, org.key);
    expectProblem(
      await withCookie(t, 'POST', '/v1/payees', session, { csrf: other.csrf, body }),
      403,
      'csrf-token-invalid',
    );
    // Nothing changed: the organization still has only its default payee.
    expect((await t.http.get('/v1/payees', org.key)).body.data).toEqual(before);
    const [{ payees }] = await t.sql<{ payees: number }>(
      'SELECT count(*)::int AS payees FROM payees WHERE organization_id = $1',
      [org.id],
    );
    expect(payees).toBe(1);

    const created = await withCookie(t, 'POST', '/v1/payees', session, {
      csrf: session.csrf,
      body,
    });
    expect(created.status).toBe(201);
    expect((await t.http.get('/v1/payees', org.key)).body.data).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ id: created.body.id, name: 'Ada Lovelace' }),
      ]),
    );
    // Audited under the principal and the key the session was made with.
    const events = await t.http.get(
      `/v1/audit-events?resourceId=${created.body.id as string}`,
      ADMIN_KEY,
    );
    expect(events.body.data).toEqual([
      expect.objectContaining({
        action: 'payee.create',
        principalId: org.principalId,
        apiKeyId: org.apiKeyId,
      }),
    ]);
  });

  it('leaves bearer requests unchanged: no CSRF token, and the key wins over a cookie', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const session = await signIn(t, publisher.key);
    const payee = await t.http.post('/v1/payees', publisher.key, {
      name: 'Bearer payee',
      currency: 'EUR',
    });
    expect(payee.status).toBe(201);
    // Both sent: the bearer key decides who calls, and needs no CSRF token.
    const both = await t.http.request('GET', '/v1/me', {
      key: licensee.key,
      headers: { cookie: session.cookie },
    });
    expect(both.body.principal.id).toBe(licensee.principalId);
    const change = await t.http.request('POST', '/v1/payees', {
      key: publisher.key,
      headers: { cookie: session.cookie },
      body: { name: 'Bearer with cookie', currency: 'EUR' },
    });
    expect(change.status).toBe(201);
    // A bad bearer key with a good cookie is still a bad key.
    const forged = await t.http.request('GET', '/v1/me', {
      key: `rlk_${randomBytes(32).toString('base64url')}`,
      headers: { cookie: session.cookie },
    });
    expectProblem(forged, 401, 'unauthenticated');
  });

  it('signs out: 204, the cookie cleared, the session ended; the cookie then answers 401 session-expired', async () => {
    const session = await signIn(t, publisher.key);
    const id = session.response.body.id as string;
    expectProblem(await withCookie(t, 'DELETE', '/v1/session', session), 403, 'csrf-token-invalid');
    expect((await sessionRow(t, id)).ended_at).toBeNull();

    const out = await withCookie(t, 'DELETE', '/v1/session', session, { csrf: session.csrf });
    expect(out.status).toBe(204);
    expect(out.text).toBe('');
    expect(out.headers['set-cookie']).toBe(CLEARED);
    const row = await sessionRow(t, id);
    expect(row.ended_at).toBeInstanceOf(Date);
    expect(row.end_reason).toBe('signed-out');

    const after = await withCookie(t, 'GET', '/v1/me', session);
    expectProblem(after, 401, 'session-expired');
    expect(after.body.detail).toBe(
      'The session has ended, expired or is unknown: sign in again (POST /v1/sessions)',
    );
    expect(after.headers['set-cookie']).toBe(CLEARED);
    // The key itself still works.
    expect((await t.http.get('/v1/me', publisher.key)).status).toBe(200);
  });

  it('ends the sessions of a revoked key at once', async () => {
    const org = await createOrganization(t.http);
    const session = await signIn(t, org.key);
    const kept = await t.http.post(`/v1/organizations/${org.id}/api-keys`, org.key, {});
    const keptSession = await signIn(t, kept.body.key as string);
    expect((await withCookie(t, 'GET', '/v1/me', session)).status).toBe(200);

    expect((await t.http.delete(`/v1/api-keys/${org.apiKeyId}`, ADMIN_KEY)).status).toBe(200);
    expectProblem(await withCookie(t, 'GET', '/v1/me', session), 401, 'session-expired');
    expect(await sessionRow(t, session.response.body.id)).toMatchObject({
      end_reason: 'key-revoked',
      ended_at: expect.any(Date),
    });
    // The principal's session of another key is unaffected.
    expect((await withCookie(t, 'GET', '/v1/me', keptSession)).status).toBe(200);
    expect((await sessionRow(t, keptSession.response.body.id)).ended_at).toBeNull();
    // Signing in with the revoked key: 401.
    const again = await t.http.post('/v1/sessions', undefined, { apiKey: org.key });
    expectProblem(again, 401, 'unauthenticated');
  });

  it('expires a session idle for SESSION_IDLE_TIMEOUT_SECONDS, and one past its absolute expiry', async () => {
    const idle = await signIn(t, publisher.key);
    const idleId = idle.response.body.id as string;
    // Used a minute ago: still live, and the request slides last_seen_at forward.
    await t.sql(
      `UPDATE console_sessions SET last_seen_at = now() - interval '2 minutes' WHERE id = $1`,
      [idleId],
    );
    expect((await withCookie(t, 'GET', '/v1/me', idle)).status).toBe(200);
    const [{ ago }] = await t.sql<{ ago: number }>(
      `SELECT extract(epoch FROM now() - last_seen_at)::float AS ago FROM console_sessions WHERE id = $1`,
      [idleId],
    );
    expect(ago).toBeLessThan(5);
    // Idle for longer than 12 hours: gone.
    await t.sql(
      `UPDATE console_sessions SET last_seen_at = now() - interval '43201 seconds' WHERE id = $1`,
      [idleId],
    );
    expectProblem(await withCookie(t, 'GET', '/v1/me', idle), 401, 'session-expired');

    const capped = await signIn(t, publisher.key);
    await t.sql(
      `UPDATE console_sessions SET created_at = now() - interval '8 days',
              expires_at = now() - interval '1 day' WHERE id = $1`,
      [capped.response.body.id],
    );
    expectProblem(await withCookie(t, 'GET', '/v1/session', capped), 401, 'session-expired');
  });

  it("never shows another organization's data through a session", async () => {
    const other = await createOrganization(t.http);
    const theirs = await createWork(t.http, other.key);
    const mine = await createWork(t.http, publisher.key);
    const session = await signIn(t, publisher.key);
    expectProblem(await withCookie(t, 'GET', `/v1/works/${theirs.id}`, session), 404, 'not-found');
    expect((await withCookie(t, 'GET', `/v1/works/${mine.id}`, session)).status).toBe(200);
    const list = await withCookie(t, 'GET', '/v1/works?limit=200', session);
    expect(list.text).not.toContain(theirs.id);
    const payee = await createPayee(t.http, other.key);
    const patch = await withCookie(t, 'PATCH', `/v1/payees/${payee.id}`, session, {
      csrf: session.csrf,
      body: { name: 'Taken over' },
    });
    expectProblem(patch, 404, 'not-found');
  });

  it('refuses bad sign-in bodies with 400 problem+json, and non-JSON bodies', async () => {
    const cases: [string, string, string][] = [
      ['{"apiKey":', 'application/json', 'malformed-json'],
      [
        JSON.stringify({ apiKey: publisher.key, remember: true }),
        'application/json',
        'validation-failed',
      ],
      [JSON.stringify({ apiKey: 12345 }), 'application/json', 'validation-failed'],
      [JSON.stringify({}), 'application/json', 'validation-failed'],
      [JSON.stringify({ apiKey: '' }), 'application/json', 'validation-failed'],
      [JSON.stringify({ apiKey: 'k'.repeat(513) }), 'application/json', 'validation-failed'],
      // What a cross-site form can send (login CSRF): never a session.
      [JSON.stringify({ apiKey: publisher.key }), 'text/plain', 'validation-failed'],
    ];
    const [{ before }] = await t.sql<{ before: number }>(
      'SELECT count(*)::int AS before FROM console_sessions',
    );
    for (const [rawBody, type, code] of cases) {
      const response = await t.http.request('POST', '/v1/sessions', {
        rawBody,
        headers: { 'content-type': type },
      });
      expectProblem(response, 400, code);
      expect(response.headers['set-cookie']).toBeUndefined();
      expect(response.text).not.toContain(publisher.key);
    }
    const form = await t.http.request('POST', '/v1/sessions', {
      rawBody: `apiKey=${publisher.key}`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectProblem(form, 415, 'unsupported-media-type');
    const [{ after }] = await t.sql<{ after: number }>(
      'SELECT count(*)::int AS after FROM console_sessions',
    );
    expect(after).toBe(before);
  });
});

describe('console sessions: failed sign-ins and unknown cookies are rate-limited per address', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ AUTH_FAILURES_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  const wrongKey = () => `rlk_${randomBytes(32).toString('base64url')}`;

  it('a wrong key is 401; past AUTH_FAILURES_PER_MINUTE from one address, 429', async () => {
    const org = await createOrganization(t.http);
    const attacker = '203.0.113.9';
    for (let i = 0; i < 3; i++) {
      const response = await t.http.request('POST', '/v1/sessions', {
        body: { apiKey: wrongKey() },
        remoteAddress: attacker,
      });
      expectProblem(response, 401, 'unauthenticated');
      expect(response.body.detail).toBe('The API key is unknown or revoked');
    }
    const refused = await t.http.request('POST', '/v1/sessions', {
      body: { apiKey: wrongKey() },
      remoteAddress: attacker,
    });
    expectProblem(refused, 429, 'authentication-rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // The same address's bearer requests with unknown keys are refused too: one count.
    expectProblem(
      await t.http.request('GET', '/v1/me', { key: wrongKey(), remoteAddress: attacker }),
      429,
      'authentication-rate-limited',
    );
    // Another address signs in.
    const elsewhere = await t.http.request('POST', '/v1/sessions', {
      body: { apiKey: org.key },
      remoteAddress: '198.51.100.30',
    });
    expect(elsewhere.status).toBe(201);
  });

  it('unknown session cookies count as failures of their address', async () => {
    const address = '203.0.113.10';
    const bogus = { cookie: `rl_session=${randomBytes(32).toString('base64url')}` };
    for (let i = 0; i < 3; i++) {
      const response = await withCookie(t, 'GET', '/v1/me', bogus, { remoteAddress: address });
      expectProblem(response, 401, 'session-expired');
      expect(response.headers['set-cookie']).toBe(CLEARED);
    }
    expectProblem(
      await withCookie(
        t,
        'GET',
        '/v1/me',
        { cookie: 'rl_session=not-a-token' },
        { remoteAddress: address },
      ),
      429,
      'authentication-rate-limited',
    );
  });
});
