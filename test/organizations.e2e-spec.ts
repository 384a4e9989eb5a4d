import { createOrganization } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('organizations', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('creates an organization with a first key that works at once', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: '  Acme AI  ',
      kind: 'licensee',
      principal: { name: 'compliance-bot' },
    });
    expect(response.status).toBe(201);
    expect(response.body.organization).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      name: 'Acme AI',
      kind: 'licensee',
      createdAt: expect.any(String),
    });
    expect(response.body.apiKey).toMatchObject({
      key: expect.stringMatching(/^rlk_[A-Za-z0-9_-]{43}$/),
      organizationId: response.body.organization.id,
      revokedAt: null,
      lastUsedAt: null,
      principal: {
        name: 'compliance-bot',
        role: 'licensee',
        organizationId: response.body.organization.id,
      },
    });
    expect(response.body.apiKey.prefix).toBe(response.body.apiKey.key.slice(0, 12));
    const me = await t.http.get('/v1/me', response.body.apiKey.key);
    expect(me.body.principal.role).toBe('licensee');
  });

  it('refuses an operator organization: there is one platform', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: 'Second platform',
      kind: 'operator',
      principal: { name: 'x' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      {
        field: 'kind',
        messages: ['kind must be one of the following values: publisher, licensee'],
      },
    ]);
  });

  it('refuses a name of white space only', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: '   ',
      kind: 'publisher',
      principal: { name: '\t' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([
      { field: 'name', messages: ['name must not be blank'] },
      { field: 'principal.name', messages: ['name must not be blank'] },
    ]);
  });

  it('refuses a blank name', async () => {
    const response = await t.http.post('/v1/organizations', ADMIN_KEY, {
      name: '',
      kind: 'publisher',
      principal: { name: '' },
    });
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'name',
      'principal.name',
    ]);
  });

  it('lists organizations in pages with a cursor, oldest first', async () => {
    const created = [];
    for (let i = 0; i < 3; i++) created.push(await createOrganization(t.http));
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const url: string = `/v1/organizations?limit=2${cursor ? `&cursor=${cursor}` : ''}`;
      const page = await t.http.get(url, ADMIN_KEY);
      expect(page.status).toBe(200);
      expect(page.body.data.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.data.map((o: { id: string }) => o.id));
      cursor = page.body.nextCursor;
      pages++;
    } while (cursor && pages < 1000);
    const all = await t.sql<{ id: string }>('SELECT id FROM organizations ORDER BY id');
    expect(seen).toEqual(all.map((row) => row.id));
    expect(seen).toEqual(expect.arrayContaining(created.map((o) => o.id)));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('shows a principal its own organization and answers 404 for another', async () => {
    const mine = await createOrganization(t.http);
    const theirs = await createOrganization(t.http);
    expect((await t.http.get(`/v1/organizations/${mine.id}`, mine.key)).status).toBe(200);
    const foreign = await t.http.get(`/v1/organizations/${theirs.id}`, mine.key);
    expect(foreign.status).toBe(404);
    expect(foreign.body).toMatchObject({
      type: `${PROBLEM}not-found`,
      detail: `organization ${theirs.id} was not found`,
    });
    const missing = await t.http.get(
      '/v1/organizations/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a',
      ADMIN_KEY,
    );
    expect(missing.status).toBe(404);
    const notAnId = await t.http.get('/v1/organizations/not-an-id', ADMIN_KEY);
    expect(notAnId.status).toBe(404);
  });
});

describe('API keys', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const operatorId = async () =>
    (await t.sql<{ id: string }>(`SELECT id FROM organizations WHERE kind = 'operator'`))[0].id;

  it('lets a publisher issue another key to its own organization, for its own role', async () => {
    const publisher = await createOrganization(t.http);
    const response = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {
        principalName: 'nightly-import',
      },
    );
    expect(response.status).toBe(201);
    expect(response.body.principal).toMatchObject({ name: 'nightly-import', role: 'publisher' });
    expect((await t.http.get('/v1/me', response.body.key)).body.principal.name).toBe(
      'nightly-import',
    );
  });

  it('issues a second key to an existing principal (rotation)', async () => {
    const publisher = await createOrganization(t.http, { principalName: 'ops' });
    const response = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {
        principalName: 'ops',
      },
    );
    expect(response.status).toBe(201);
    expect(response.body.principalId).toBe(publisher.principalId);
    const keys = await t.http.get(`/v1/organizations/${publisher.id}/api-keys`, publisher.key);
    expect(keys.body.data.map((k: { id: string }) => k.id)).toEqual([
      publisher.apiKeyId,
      response.body.id,
    ]);
    expect(keys.body.data.every((k: object) => !('key' in k))).toBe(true);
  });

  it('answers 404 to a publisher issuing or listing keys in another organization', async () => {
    const mine = await createOrganization(t.http);
    const theirs = await createOrganization(t.http);
    const before = await t.sql('SELECT id FROM api_keys WHERE organization_id = $1', [theirs.id]);
    const issue = await t.http.post(`/v1/organizations/${theirs.id}/api-keys`, mine.key, {
      principalName: 'intruder',
    });
    expect(issue.status).toBe(404);
    expect((await t.http.get(`/v1/organizations/${theirs.id}/api-keys`, mine.key)).status).toBe(
      404,
    );
    expect(await t.sql('SELECT id FROM api_keys WHERE organization_id = $1', [theirs.id])).toEqual(
      before,
    );
  });

  it('refuses a role the organization cannot hold, and a raise of privilege', async () => {
    const publisher = await createOrganization(t.http);
    const wrongKind = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {
      principalName: 'x',
      role: 'finance',
    });
    expect(wrongKind.status).toBe(400);
    expect(wrongKind.body).toMatchObject({
      type: `${PROBLEM}role-not-allowed`,
      errors: [{ field: 'role', messages: ['role must be one of publisher'] }],
    });
    const operator = await operatorId();
    const finance = await t.http.post(`/v1/organizations/${operator}/api-keys`, ADMIN_KEY, {
      principalName: `finance-${Date.now()}`,
      role: 'finance',
    });
    expect(finance.status).toBe(201);
    const raise = await t.http.post(`/v1/organizations/${operator}/api-keys`, finance.body.key, {
      principalName: 'sneaky',
      role: 'admin',
    });
    expect(raise.status).toBe(403);
    expect(raise.body.detail).toBe('A finance key can only issue finance keys');
  });

  it("defaults the role to the caller's own in its own organization", async () => {
    const operator = await operatorId();
    const response = await t.http.post(`/v1/organizations/${operator}/api-keys`, ADMIN_KEY, {
      principalName: 'someone',
    });
    expect(response.status).toBe(201);
    expect(response.body.principal.role).toBe('admin');
  });

  it('refuses a second role for an existing principal with 409 and writes nothing', async () => {
    const operator = await operatorId();
    const name = `payments-${Date.now()}`;
    expect(
      (
        await t.http.post(`/v1/organizations/${operator}/api-keys`, ADMIN_KEY, {
          principalName: name,
          role: 'finance',
        })
      ).status,
    ).toBe(201);
    const keysBefore = await t.sql('SELECT count(*) FROM api_keys');
    const response = await t.http.post(`/v1/organizations/${operator}/api-keys`, ADMIN_KEY, {
      principalName: name,
      role: 'admin',
    });
    expect(response.status).toBe(409);
    expect(response.body).toMatchObject({
      type: `${PROBLEM}principal-role-mismatch`,
      role: 'finance',
    });
    expect(await t.sql('SELECT count(*) FROM api_keys')).toEqual(keysBefore);
  });

  it('revokes once; revoking again answers the same key unchanged', async () => {
    const publisher = await createOrganization(t.http);
    const second = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {},
    );
    expect(second.status).toBe(201);
    expect(second.body.principalId).toBe(publisher.principalId);
    const first = await t.http.delete(`/v1/api-keys/${second.body.id}`, publisher.key);
    expect(first.status).toBe(200);
    const again = await t.http.delete(`/v1/api-keys/${second.body.id}`, publisher.key);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const audit = await t.sql(
      `SELECT id FROM audit_events WHERE action = 'api-key.revoke' AND resource_id = $1`,
      [second.body.id],
    );
    expect(audit).toHaveLength(1);
  });

  it("answers 404 when revoking another organization's key", async () => {
    const mine = await createOrganization(t.http);
    const theirs = await createOrganization(t.http);
    const response = await t.http.delete(`/v1/api-keys/${theirs.apiKeyId}`, mine.key);
    expect(response.status).toBe(404);
    expect((await t.http.get('/v1/me', theirs.key)).status).toBe(200);
  });

  it('will not revoke the last active admin key', async () => {
    const admins = await t.sql<{ id: string }>(
      `SELECT k.id FROM api_keys k JOIN principals p ON p.id = k.principal_id
        WHERE p.role = 'admin' AND k.revoked_at IS NULL ORDER BY k.id`,
    );
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    // Revoke every other admin key first, then try the last one.
    for (const { id } of admins.filter((row) => row.id !== me.body.apiKey.id)) {
      expect((await t.http.delete(`/v1/api-keys/${id}`, ADMIN_KEY)).status).toBe(200);
    }
    const response = await t.http.delete(`/v1/api-keys/${me.body.apiKey.id}`, ADMIN_KEY);
    expect(response.status).toBe(409);
    expect(response.body.type).toBe(`${PROBLEM}last-admin-key`);
    expect((await t.http.get('/v1/me', ADMIN_KEY)).status).toBe(200);
  });
});

/**
 * A principal is a person: its keys are its own. An attacker holding an ordinary key tries to
 * obtain another principal's key, or a new operator principal, by every shape of the request.
 */
describe('principals and their keys', () => {
  let t: TestApp;
  let operatorId: string;
  /** A finance principal and its key, as only an admin can make them. */
  const finance = async (name = `finance-${Math.random().toString(36).slice(2)}`) => {
    const created = await t.http.post(`/v1/organizations/${operatorId}/api-keys`, ADMIN_KEY, {
      principalName: name,
      role: 'finance',
    });
    expect(created.status).toBe(201);
    return {
      key: created.body.key as string,
      keyId: created.body.id as string,
      principalId: created.body.principalId as string,
      name,
    };
  };
  const writes = async () =>
    (
      await t.sql<{ principals: number; keys: number; events: number }>(
        `SELECT (SELECT count(*)::int FROM principals) AS principals,
                (SELECT count(*)::int FROM api_keys) AS keys,
                (SELECT count(*)::int FROM audit_events) AS events`,
      )
    )[0];

  beforeAll(async () => {
    t = await startTestApp();
    operatorId = (await t.http.get('/v1/me', ADMIN_KEY)).body.organization.id;
  });
  afterAll(() => t.close());

  it('gives a finance principal no key but its own, by any request', async () => {
    const alice = await finance();
    const bob = await finance('bob');
    const before = await writes();
    const attempts: { body: Record<string, unknown>; org: string }[] = [
      { org: operatorId, body: { principalName: 'bob' } },
      { org: operatorId, body: { principalName: 'bob', role: 'finance' } },
      { org: operatorId, body: { principalName: ' bob ' } },
      { org: operatorId, body: { principalName: 'carol' } },
      { org: operatorId, body: { principalName: 'carol', role: 'finance' } },
      { org: operatorId, body: { role: 'admin' } },
      { org: operatorId, body: { principalName: 'admin', role: 'admin' } },
      { org: operatorId, body: { principalName: alice.name, role: 'admin' } },
    ];
    for (const { org, body } of attempts) {
      const response = await t.http.post(`/v1/organizations/${org}/api-keys`, alice.key, body);
      expect([response.status, JSON.stringify(body)]).toEqual([403, JSON.stringify(body)]);
      expect(response.body.type).toBe(`${PROBLEM}forbidden`);
    }
    // Nor in a publisher's organization, nor for its principal.
    const publisher = await createOrganization(t.http, { principalName: 'ops' });
    for (const body of [
      { principalName: 'ops' },
      { principalName: 'ops', role: 'publisher' },
      {},
    ]) {
      const response = await t.http.post(
        `/v1/organizations/${publisher.id}/api-keys`,
        alice.key,
        body,
      );
      expect(response.status).toBe(404);
    }
    const after = await writes();
    expect(after.principals).toBe(before.principals + 1); // the publisher's own principal
    expect(after.keys).toBe(before.keys + 1);
    expect(await t.sql(`SELECT id FROM principals WHERE name = 'carol'`)).toEqual([]);
    expect(
      await t.sql(`SELECT id FROM api_keys WHERE principal_id = $1 ORDER BY created_at`, [
        bob.principalId,
      ]),
    ).toEqual([{ id: bob.keyId }]);

    // A key for itself: no principalName, or its own name.
    for (const body of [{}, { principalName: alice.name }, { role: 'finance' }]) {
      const own = await t.http.post(`/v1/organizations/${operatorId}/api-keys`, alice.key, body);
      expect(own.status).toBe(201);
      expect(own.body.principal).toMatchObject({ id: alice.principalId, role: 'finance' });
      expect((await t.http.get('/v1/me', own.body.key)).body.principal.id).toBe(alice.principalId);
    }
  });

  it('lets publishers and licensees invite new colleagues, never take an existing one', async () => {
    for (const kind of ['publisher', 'licensee'] as const) {
      const org = await createOrganization(t.http, { kind, principalName: 'ops' });
      const invited = await t.http.post(`/v1/organizations/${org.id}/api-keys`, org.key, {
        principalName: 'nightly-import',
      });
      expect(invited.status).toBe(201);
      expect(invited.body.principal).toMatchObject({ name: 'nightly-import', role: kind });
      expect(invited.body.principalId).not.toBe(org.principalId);

      const before = await writes();
      // The inviter cannot obtain the colleague's key, nor the colleague the inviter's.
      for (const [key, name] of [
        [org.key, 'nightly-import'],
        [org.key, ' nightly-import'],
        [invited.body.key as string, 'ops'],
      ]) {
        const taken = await t.http.post(`/v1/organizations/${org.id}/api-keys`, key, {
          principalName: name,
        });
        expect(taken.status).toBe(409);
        expect(taken.body).toMatchObject({
          type: `${PROBLEM}principal-exists`,
          status: 409,
          principalId: name === 'ops' ? org.principalId : invited.body.principalId,
        });
      }
      // Nor another role, nor another organization's principal.
      const raise = await t.http.post(`/v1/organizations/${org.id}/api-keys`, org.key, {
        principalName: 'x',
        role: kind === 'publisher' ? 'licensee' : 'publisher',
      });
      expect(raise.status).toBe(400);
      expect(await writes()).toEqual(before);
    }
  });

  it('lets an admin issue keys to any principal, new or existing, of any operator role', async () => {
    const bob = await finance();
    const again = await t.http.post(`/v1/organizations/${operatorId}/api-keys`, ADMIN_KEY, {
      principalName: bob.name,
      role: 'finance',
    });
    expect(again.status).toBe(201);
    expect(again.body.principalId).toBe(bob.principalId);
    const admin = await t.http.post(`/v1/organizations/${operatorId}/api-keys`, ADMIN_KEY, {
      principalName: `admin-${Date.now()}`,
      role: 'admin',
    });
    expect(admin.status).toBe(201);
    // Without a name, in another organization: the holder must be named.
    const publisher = await createOrganization(t.http);
    const unnamed = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {});
    expect(unnamed.status).toBe(400);
    expect(unnamed.body.errors).toEqual([
      {
        field: 'principalName',
        messages: [
          'principalName is required for a key of another role or organization than yours',
        ],
      },
    ]);
  });

  it("refuses finance revoking another organization's key, and anyone but an admin a colleague's", async () => {
    const alice = await finance();
    const bob = await finance();
    const publisher = await createOrganization(t.http);
    const foreign = await t.http.delete(`/v1/api-keys/${publisher.apiKeyId}`, alice.key);
    expect(foreign.status).toBe(404);
    expect(foreign.body.type).toBe(`${PROBLEM}not-found`);
    expect((await t.http.get('/v1/me', publisher.key)).status).toBe(200);

    // A finance colleague's key: 403, and the second approver keeps it.
    const colleague = await t.http.delete(`/v1/api-keys/${bob.keyId}`, alice.key);
    expect(colleague.status).toBe(403);
    expect(colleague.body.type).toBe(`${PROBLEM}forbidden`);
    expect((await t.http.get('/v1/me', bob.key)).status).toBe(200);
    // An admin's key too.
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    expect((await t.http.delete(`/v1/api-keys/${me.body.apiKey.id}`, alice.key)).status).toBe(403);

    // A publisher's invited colleague.
    const invited = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, publisher.key, {
      principalName: 'colleague',
    });
    expect((await t.http.delete(`/v1/api-keys/${invited.body.id}`, publisher.key)).status).toBe(
      403,
    );
    expect((await t.http.get('/v1/me', invited.body.key)).status).toBe(200);
    expect(
      await t.sql(
        `SELECT id FROM audit_events WHERE action = 'api-key.revoke' AND resource_id = ANY($1)`,
        [[publisher.apiKeyId, bob.keyId, invited.body.id, me.body.apiKey.id]],
      ),
    ).toEqual([]);

    // Its own keys, and an admin any.
    const own = await t.http.post(`/v1/organizations/${operatorId}/api-keys`, alice.key, {});
    expect((await t.http.delete(`/v1/api-keys/${own.body.id}`, alice.key)).status).toBe(200);
    expect((await t.http.delete(`/v1/api-keys/${invited.body.id}`, ADMIN_KEY)).status).toBe(200);
    expect((await t.http.get('/v1/me', invited.body.key)).status).toBe(401);
  });

  it('caps a principal at 10 active keys by default', async () => {
    const publisher = await createOrganization(t.http);
    const issue = (key: string) =>
      t.http.post(`/v1/organizations/${publisher.id}/api-keys`, key, {});
    const ids: string[] = [publisher.apiKeyId];
    for (let i = 1; i < 10; i++) {
      const response = await issue(publisher.key);
      expect(response.status).toBe(201);
      ids.push(response.body.id);
    }
    const before = await writes();
    const over = await issue(publisher.key);
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({
      type: `${PROBLEM}api-key-limit-reached`,
      status: 409,
      principalId: publisher.principalId,
      limit: 10,
    });
    // An admin is held to the same cap for that principal.
    const byAdmin = await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, ADMIN_KEY, {
      principalName: 'integration',
    });
    expect(byAdmin.status).toBe(409);
    expect(await writes()).toEqual(before);
    // A revoked key frees its place; colleagues have their own.
    expect((await t.http.delete(`/v1/api-keys/${ids[9]}`, publisher.key)).status).toBe(200);
    expect((await issue(publisher.key)).status).toBe(201);
    expect((await issue(publisher.key)).status).toBe(409);
    const colleague = await t.http.post(
      `/v1/organizations/${publisher.id}/api-keys`,
      publisher.key,
      {
        principalName: 'colleague',
      },
    );
    expect(colleague.status).toBe(201);
  });
});
