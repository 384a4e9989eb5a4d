import { createPayee } from './factories/catalogue.factory';
import { createOrganization } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

describe('audit trail', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("writes one event per change, with principal, organization, action, resource, the server's request id and the caller's correlation id", async () => {
    const me = (await t.http.get('/v1/me', ADMIN_KEY)).body;
    const response = await t.http.post(
      '/v1/organizations',
      ADMIN_KEY,
      { name: 'Audited Press', kind: 'publisher', principal: { name: 'ops' } },
      // A caller that sends its own X-Request-Id (as clients of earlier versions did): it is
      // kept as the correlation id, never as the request id the trail is keyed by.
      { 'x-request-id': 'audit-create-1' },
    );
    expect(response.status).toBe(201);
    const requestId = response.headers['x-request-id'] as string;
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-correlation-id']).toBe('audit-create-1');
    const organizationId = response.body.organization.id;
    const events = await t.http.get(`/v1/audit-events?organizationId=${organizationId}`, ADMIN_KEY);
    expect(events.status).toBe(200);
    expect(events.body.nextCursor).toBeNull();
    expect(events.body.data).toEqual([
      {
        id: expect.any(String),
        occurredAt: expect.any(String),
        principalId: me.principal.id,
        apiKeyId: me.apiKey.id,
        organizationId: me.organization.id,
        action: 'api-key.create',
        resourceType: 'api-key',
        resourceId: response.body.apiKey.id,
        resourceOrganizationId: organizationId,
        requestId,
        correlationId: 'audit-create-1',
        details: {
          principalId: response.body.apiKey.principalId,
          role: 'publisher',
          prefix: response.body.apiKey.prefix,
          newPrincipal: true,
        },
      },
      {
        id: expect.any(String),
        occurredAt: expect.any(String),
        principalId: me.principal.id,
        apiKeyId: me.apiKey.id,
        organizationId: me.organization.id,
        action: 'organization.create',
        resourceType: 'organization',
        resourceId: organizationId,
        resourceOrganizationId: organizationId,
        requestId,
        correlationId: 'audit-create-1',
        details: { name: 'Audited Press', kind: 'publisher' },
      },
    ]);
  });

  it('never lets a caller choose the request id of its events; a correlation id that is not plain is dropped', async () => {
    const first = await createOrganization(t.http);
    const forged = await t.http.post(
      '/v1/organizations',
      ADMIN_KEY,
      { name: 'Forged Ids Press', kind: 'publisher', principal: { name: 'ops' } },
      // An attacker replaying another request's id to blur the trail, and a correlation id
      // with characters no log or trail should hold.
      { 'x-request-id': first.id, 'x-correlation-id': 'two words <script>' },
    );
    expect(forged.status).toBe(201);
    expect(forged.headers['x-request-id']).not.toBe(first.id);
    expect(forged.headers['x-correlation-id']).toBeUndefined();
    const events = await t.http.get(
      `/v1/audit-events?organizationId=${forged.body.organization.id as string}`,
      ADMIN_KEY,
    );
    expect(events.body.data).toHaveLength(2);
    for (const event of events.body.data) {
      expect(event.requestId).toBe(forged.headers['x-request-id']);
      expect(event.correlationId).toBeNull();
    }
  });

  it('writes no event when the change fails, and no part of the change', async () => {
    const publisher = await createOrganization(t.http);
    const count = async () =>
      (
        await t.sql<{ events: number; principals: number }>(
          `SELECT (SELECT count(*)::int FROM audit_events) AS events,
                (SELECT count(*)::int FROM principals) AS principals`,
        )
      )[0];
    const before = await count();
    // Validation failure, privilege failure, foreign organization: none may leave a trace.
    await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {
      principalName: 'x',
      role: 'admin',
    });
    await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, publisher.key, {
      principalName: '',
    });
    await t.http.post('/v1/organizations', publisher.key, {
      name: 'X',
      kind: 'publisher',
      principal: { name: 'x' },
    });
    expect(await count()).toEqual(before);
  });

  it('rolls the audit event back with the change when a later step of it fails', async () => {
    // Make the last write of "create organization" fail, after its audit event was written.
    await t.sql(`
      CREATE OR REPLACE FUNCTION test_refuse_principal() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'refused for the test'; END $$`);
    await t.sql(`
      CREATE TRIGGER test_refuse_principal BEFORE INSERT ON principals
      FOR EACH ROW WHEN (NEW.name = 'refused-by-trigger') EXECUTE FUNCTION test_refuse_principal()`);
    try {
      const before = await t.sql('SELECT count(*)::int AS n FROM audit_events');
      const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
        name: 'Never Press',
        kind: 'publisher',
        principal: { name: 'refused-by-trigger' },
      });
      expect(response.status).toBe(500);
      expect(response.body.type).toBe('https://rights-ledger.dev/problems/internal-error');
      expect(response.body.detail).toBe(
        `An unexpected error occurred; quote request id ${response.body.requestId} when reporting it`,
      );
      expect(await t.sql('SELECT count(*)::int AS n FROM audit_events')).toEqual(before);
      expect(await t.sql(`SELECT id FROM organizations WHERE name = 'Never Press'`)).toEqual([]);
    } finally {
      await t.sql('DROP TRIGGER test_refuse_principal ON principals');
      await t.sql('DROP FUNCTION test_refuse_principal()');
    }
  });

  it('is append-only in the database itself', async () => {
    await createOrganization(t.http);
    await expect(t.sql(`UPDATE audit_events SET action = 'tampered'`)).rejects.toThrow(
      'audit_events is append-only: UPDATE refused',
    );
    await expect(t.sql(`DELETE FROM audit_events`)).rejects.toThrow(
      'audit_events is append-only: DELETE refused',
    );
    await expect(t.sql(`TRUNCATE audit_events`)).rejects.toThrow(
      'audit_events is append-only: TRUNCATE refused',
    );
    expect(
      (await t.sql(`SELECT count(*)::int AS n FROM audit_events WHERE action = 'tampered'`))[0],
    ).toEqual({
      n: 0,
    });
  });

  it('filters by action and resource, newest first, in pages', async () => {
    const publisher = await createOrganization(t.http);
    const issued: string[] = [];
    for (const name of ['a', 'b', 'c']) {
      const key = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {
        principalName: name,
      });
      issued.push(key.body.id);
    }
    for (const id of issued) await t.http.delete(`/v1/api-keys/${id}`, ADMIN_KEY);

    const revocations = await t.http.get(
      `/v1/audit-events?action=api-key.revoke&organizationId=${publisher.id}&limit=2`,
      ADMIN_KEY,
    );
    expect(revocations.body.data.map((e: { resourceId: string }) => e.resourceId)).toEqual([
      issued[2],
      issued[1],
    ]);
    const rest = await t.http.get(
      `/v1/audit-events?action=api-key.revoke&organizationId=${publisher.id}&limit=2&cursor=${revocations.body.nextCursor}`,
      ADMIN_KEY,
    );
    expect(rest.body.data.map((e: { resourceId: string }) => e.resourceId)).toEqual([issued[0]]);
    expect(rest.body.nextCursor).toBeNull();

    const one = await t.http.get(
      `/v1/audit-events?resourceType=api-key&resourceId=${issued[1]}`,
      ADMIN_KEY,
    );
    expect(one.body.data.map((e: { action: string }) => e.action)).toEqual([
      'api-key.revoke',
      'api-key.create',
    ]);

    const future = await t.http.get(`/v1/audit-events?from=2999-01-01T00:00:00Z`, ADMIN_KEY);
    expect(future.body.data).toEqual([]);
  });

  it('records the key each action was taken with, beside its principal', async () => {
    const publisher = await createOrganization(t.http);
    const second = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {},
    );
    expect(second.status).toBe(201);
    // The same principal acts with each of its keys; the trail tells them apart.
    await createPayee(t.http, publisher.key);
    await createPayee(t.http, second.body.key);
    const rows = await t.sql<{ action: string; principal_id: string; api_key_id: string }>(
      `SELECT action, principal_id, api_key_id FROM audit_events
        WHERE organization_id = $1 ORDER BY occurred_at`,
      [publisher.id],
    );
    expect(rows).toEqual([
      {
        action: 'api-key.create',
        principal_id: publisher.principalId,
        api_key_id: publisher.apiKeyId,
      },
      {
        action: 'payee.create',
        principal_id: publisher.principalId,
        api_key_id: publisher.apiKeyId,
      },
      { action: 'payee.create', principal_id: publisher.principalId, api_key_id: second.body.id },
    ]);
    const bySecond = await t.http.get(`/v1/audit-events?apiKeyId=${second.body.id}`, ADMIN_KEY);
    expect(bySecond.status).toBe(200);
    expect(
      bySecond.body.data.map((e: { action: string; apiKeyId: string; principalId: string }) => [
        e.action,
        e.apiKeyId,
        e.principalId,
      ]),
    ).toEqual([['payee.create', second.body.id, publisher.principalId]]);
  });

  it('validates its filters', async () => {
    const response = await t.http.get(
      '/v1/audit-events?organizationId=nope&from=yesterday',
      ADMIN_KEY,
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'from',
      'organizationId',
    ]);
  });
});
