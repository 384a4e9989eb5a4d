import { createOrganization } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('API key authentication and roles', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('answers 401 with WWW-Authenticate when no key is sent', async () => {
    const response = await t.http.get('/v1/me');
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe('Bearer');
    expect(response.body).toMatchObject({
      type: `${PROBLEM}unauthenticated`,
      status: 401,
      detail: 'Send an API key as "Authorization: Bearer <key>"',
    });
  });

  it('answers 401 for an unknown key and for a non-Bearer scheme', async () => {
    const unknown = await t.http.get('/v1/me', 'rlk_thisKeyWasNeverIssuedToAnyoneAtAll0000000');
    expect(unknown.status).toBe(401);
    expect(unknown.body.detail).toBe('The API key is unknown or revoked');
    const basic = await t.http.get('/v1/me', undefined, { authorization: `Basic ${ADMIN_KEY}` });
    expect(basic.status).toBe(401);
  });

  it('does not accept a key that shares only its prefix with a real one', async () => {
    const publisher = await createOrganization(t.http);
    const forged = publisher.key.slice(0, 12) + 'A'.repeat(publisher.key.length - 12);
    expect((await t.http.get('/v1/me', forged)).status).toBe(401);
    expect((await t.http.get('/v1/me', publisher.key)).status).toBe(200);
  });

  it('tells a principal who it is', async () => {
    const publisher = await createOrganization(t.http, {
      name: 'Northwind Press',
      principalName: 'ops',
    });
    const response = await t.http.get('/v1/me', publisher.key);
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      principal: {
        id: publisher.principalId,
        name: 'ops',
        role: 'publisher',
        organizationId: publisher.id,
      },
      organization: {
        id: publisher.id,
        name: 'Northwind Press',
        kind: 'publisher',
        createdAt: expect.any(String),
      },
      apiKey: { id: publisher.apiKeyId, prefix: publisher.key.slice(0, 12) },
    });
  });

  it('records lastUsedAt on first use', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const before = await t.sql<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [licensee.apiKeyId],
    );
    expect(before[0].last_used_at).toBeNull();
    await t.http.get('/v1/me', licensee.key);
    const after = await t.sql<{ last_used_at: Date | null }>(
      'SELECT last_used_at FROM api_keys WHERE id = $1',
      [licensee.apiKeyId],
    );
    expect(after[0].last_used_at).toBeInstanceOf(Date);
    const keys = await t.http.get(`/v1/organizations/${licensee.id}/api-keys`, licensee.key);
    expect(keys.body.data[0].lastUsedAt).toBe(after[0].last_used_at!.toISOString());
  });

  it('answers 403 when the role may not call the route', async () => {
    const publisher = await createOrganization(t.http);
    for (const [method, url] of [
      ['POST', '/v1/organizations'],
      ['GET', '/v1/organizations'],
      ['GET', '/v1/audit-events'],
    ] as const) {
      const response = await t.http.request(method, url, {
        key: publisher.key,
        body:
          method === 'POST'
            ? { name: 'X', kind: 'publisher', principal: { name: 'x' } }
            : undefined,
      });
      expect(response.status).toBe(403);
      expect(response.body).toMatchObject({
        type: `${PROBLEM}forbidden`,
        detail: 'This route is for the admin role; this key has the publisher role',
      });
    }
  });

  it('stops accepting a key once it is revoked', async () => {
    const publisher = await createOrganization(t.http);
    const revoked = await t.http.delete(`/v1/api-keys/${publisher.apiKeyId}`, ADMIN_KEY);
    expect(revoked.status).toBe(200);
    expect(revoked.body.revokedAt).toEqual(expect.any(String));
    const response = await t.http.get('/v1/me', publisher.key);
    expect(response.status).toBe(401);
    expect(response.body.detail).toBe('The API key is unknown or revoked');
  });

  it('stores only a hash of the key, never the key', async () => {
    const publisher = await createOrganization(t.http);
    const rows = await t.sql<{ prefix: string; key_hash: Buffer }>(
      'SELECT prefix, key_hash FROM api_keys WHERE id = $1',
      [publisher.apiKeyId],
    );
    expect(rows[0].prefix).toBe(publisher.key.slice(0, 12));
    expect(rows[0].key_hash).toHaveLength(32);
    const dump = await t.sql<{ found: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM api_keys k WHERE k::text LIKE '%' || $1 || '%') AS found`,
      [publisher.key.slice(12)],
    );
    expect(dump[0].found).toBe(false);
  });
});

describe('rate limit per API key', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ RATE_LIMIT_PER_MINUTE: '3' });
  });
  afterAll(() => t.close());

  it('answers 429 with Retry-After past the limit, counting each key apart', async () => {
    const first = await createOrganization(t.http);
    const second = await createOrganization(t.http);
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await t.http.get('/v1/me', first.key)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);

    const limited = await t.http.get('/v1/me', first.key);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(limited.headers['ratelimit-limit']).toBe('3');
    expect(limited.headers['ratelimit-remaining']).toBe('0');
    expect(limited.body).toMatchObject({ type: `${PROBLEM}rate-limited`, status: 429 });

    const other = await t.http.get('/v1/me', second.key);
    expect(other.status).toBe(200);
    expect(other.headers['ratelimit-remaining']).toBe('2');
  });
});
