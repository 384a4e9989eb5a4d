import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp, TestResponse } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const unknownKey = () => `rlk_${randomBytes(32).toString('base64url')}`;

/** Counts the API key lookups (the query an unknown key costs) made while `during` runs. */
async function keyLookups(t: TestApp, during: () => Promise<void>): Promise<number> {
  const spy = jest.spyOn(t.app.get(DataSource), 'query');
  try {
    await during();
    return spy.mock.calls.filter(([sql]) => String(sql).includes('FROM api_keys k JOIN principals'))
      .length;
  } finally {
    spy.mockRestore();
  }
}

function expectProblem(response: TestResponse, status: number, code: string): void {
  expect(response.status).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  expect(response.body).toMatchObject({ type: `${PROBLEM}${code}`, status });
}

describe('rate limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      RATE_LIMIT_PER_MINUTE: '6',
      AUTH_FAILURES_PER_MINUTE: '3',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '3',
      WEBHOOK_RATE_LIMIT_PER_MINUTE: '2',
      API_KEY_CACHE_SIZE: '20',
    });
  });
  afterAll(() => t.close());

  it('every key of one principal shares one limit: minting keys does not multiply it', async () => {
    const publisher = await createOrganization(t.http);
    const second = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {
      principalName: 'integration',
      role: 'publisher',
    });
    expect(second.status).toBe(201);
    expect(second.body.principalId).toBe(publisher.principalId);
    const keys = [publisher.key, second.body.key as string];
    for (let i = 0; i < 6; i++) {
      const response = await t.http.get('/v1/me', keys[i % 2]);
      expect(response.status).toBe(200);
      expect(response.headers['ratelimit-remaining']).toBe(String(5 - i));
    }
    const refused = await t.http.get('/v1/me', keys[1]);
    expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expectProblem(await t.http.get('/v1/me', keys[0]), 429, 'rate-limited');
    // Another principal counts on its own.
    const other = await createOrganization(t.http);
    expect((await t.http.get('/v1/me', other.key)).status).toBe(200);
  });

  it('too many unknown keys from one address: 429 with Retry-After, and no more lookups; other addresses are unaffected', async () => {
    const publisher = await createOrganization(t.http);
    const attacker = { remoteAddress: '203.0.113.7' };
    const neighbour = { remoteAddress: '198.51.100.20' };
    for (let i = 0; i < 3; i++) {
      expectProblem(
        await t.http.request('GET', '/v1/me', { key: unknownKey(), ...attacker }),
        401,
        'unauthenticated',
      );
    }
    const refused = await t.http.request('GET', '/v1/me', { key: unknownKey(), ...attacker });
    expectProblem(refused, 429, 'authentication-rate-limited');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    // Refused before the key is looked up: the flood costs no more queries.
    const lookups = await keyLookups(t, async () => {
      for (let i = 0; i < 5; i++) {
        const again = await t.http.request('GET', '/v1/works', { key: unknownKey(), ...attacker });
        expectProblem(again, 429, 'authentication-rate-limited');
      }
    });
    expect(lookups).toBe(0);
    // Another address: a real key works (and is now known to this process)…
    expect(
      (await t.http.request('GET', '/v1/me', { key: publisher.key, ...neighbour })).status,
    ).toBe(200);
    // …so it works from the blocked address too, answered from memory: a neighbour behind the
    // same NAT keeps its keys. A key this process has not looked up yet would cost a lookup:
    // refused until the minute ends (docs/SECURITY.md).
    expect(
      (await t.http.request('GET', '/v1/me', { key: publisher.key, ...attacker })).status,
    ).toBe(200);
    const fresh = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {},
    );
    expect(fresh.status).toBe(201);
    expectProblem(
      await t.http.request('GET', '/v1/me', { key: fresh.body.key as string, ...attacker }),
      429,
      'authentication-rate-limited',
    );

    // And an unknown key from another address is a plain 401.
    expectProblem(
      await t.http.request('GET', '/v1/me', { key: unknownKey(), ...neighbour }),
      401,
      'unauthenticated',
    );
    // A missing key costs no lookup and is not counted.
    expect((await t.http.request('GET', '/v1/me', neighbour)).status).toBe(401);
  });

  it('a flood of unknown keys does not evict real keys from the cache (API_KEY_CACHE_SIZE 20)', async () => {
    const publisher = await createOrganization(t.http);
    // Cached once a request makes no lookup (the key's own creation notice may evict a first load).
    const lookupsOfOneRequest = () =>
      keyLookups(t, async () => {
        expect((await t.http.get('/v1/me', publisher.key)).status).toBe(200);
      });
    let warm = false;
    for (let attempt = 0; attempt < 20 && !warm; attempt++) {
      warm = (await lookupsOfOneRequest()) === 0;
      if (!warm) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(warm).toBe(true);
    // 50 unknown keys, from 50 addresses (each under its failure limit), twice the cache.
    for (let i = 0; i < 50; i++) {
      const response = await t.http.request('GET', '/v1/me', {
        key: unknownKey(),
        remoteAddress: `192.0.2.${i + 1}`,
      });
      expect(response.status).toBe(401);
    }
    expect(await lookupsOfOneRequest()).toBe(0);
  });

  it('public routes are limited per address: the RSL document, the webhook; health never', async () => {
    const publisher: OrganizationFixture = await createOrganization(t.http);
    const rsl = (remoteAddress: string) =>
      t.http.request('GET', `/rsl/${publisher.id}.xml`, { remoteAddress });
    for (let i = 0; i < 3; i++) expect((await rsl('203.0.113.50')).status).toBe(200);
    const refused = await rsl('203.0.113.50');
    expectProblem(refused, 429, 'rate-limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await rsl('203.0.113.51')).status).toBe(200);
    // IPv6: one client's /64 counts as one address.
    for (let i = 1; i <= 3; i++) expect((await rsl(`2001:db8:1:2::${i}`)).status).toBe(200);
    expectProblem(await rsl('2001:db8:1:2:ffff::9'), 429, 'rate-limited');

    const webhook = () =>
      t.http.request('POST', '/v1/stripe/webhooks', {
        rawBody: '{"id":"evt_1","type":"account.updated"}',
        headers: { 'stripe-signature': 't=1,v1=00' },
        remoteAddress: '203.0.113.60',
      });
    expect((await webhook()).status).not.toBe(429);
    expect((await webhook()).status).not.toBe(429);
    expectProblem(await webhook(), 429, 'rate-limited');

    for (let i = 0; i < 10; i++) {
      const live = await t.http.request('GET', '/health/live', { remoteAddress: '203.0.113.50' });
      expect(live.status).toBe(200);
    }
  });
});

describe('rate limits while Redis is down', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;

  beforeAll(async () => {
    // Nothing listens on port 1: every rate-limit count fails at once.
    t = await startTestApp({
      REDIS_URL: 'redis://127.0.0.1:1',
      RUN_WORKERS: 'false',
      AUTH_FAILURES_PER_MINUTE: '3',
      PUBLIC_RATE_LIMIT_PER_MINUTE: '5',
    });
    publisher = await createOrganization(t.http);
  });
  afterAll(() => t.close());

  it('money-moving commands fail closed: 503 problem+json, nothing recorded', async () => {
    const payee = await t.http.post('/v1/payees', publisher.key, { name: 'Ada', currency: 'EUR' });
    expect(payee.status).toBe(201); // not money: fails open
    const advance = await t.http.post(`/v1/payees/${payee.body.id}/advances`, publisher.key, {
      amount: 1000,
      currency: 'EUR',
    });
    expectProblem(advance, 503, 'rate-limit-unavailable');
    expect(advance.headers['retry-after']).toBe('5');
    expect(
      await t.sql(`SELECT 1 FROM payee_advances WHERE payee_id = $1`, [payee.body.id]),
    ).toEqual([]);
    const payment = await t.http.post(
      '/v1/invoices/00000000-0000-4000-8000-000000000000/payments',
      ADMIN_KEY,
      { amount: 1 },
    );
    // The limit is checked before the role: the route answers 503 to anyone while Redis is away.
    expectProblem(payment, 503, 'rate-limit-unavailable');
  });

  it('reads and public routes fail open, limited in this process instead', async () => {
    expect((await t.http.get('/v1/me', publisher.key)).status).toBe(200);
    expect((await t.http.get('/v1/payees', publisher.key)).status).toBe(200);
    const rsl = () =>
      t.http.request('GET', `/rsl/${publisher.id}.xml`, { remoteAddress: '203.0.113.80' });
    for (let i = 0; i < 5; i++) expect((await rsl()).status).toBe(200);
    expectProblem(await rsl(), 429, 'rate-limited');
    for (let i = 0; i < 3; i++) {
      const failed = await t.http.request('GET', '/v1/me', {
        key: unknownKey(),
        remoteAddress: '203.0.113.81',
      });
      expect(failed.status).toBe(401);
    }
    expectProblem(
      await t.http.request('GET', '/v1/me', { key: unknownKey(), remoteAddress: '203.0.113.81' }),
      429,
      'authentication-rate-limited',
    );
  });
});
