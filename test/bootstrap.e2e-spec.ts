import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { BootstrapService } from '../src/organizations/bootstrap.service';
import { quoteIdentifier, databaseUrl, withClient } from './support/test-database';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const run = promisify(execFile);

describe('bootstrap with BOOTSTRAP_ADMIN_KEY', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('created one operator organization and one admin holding exactly that key', async () => {
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    expect(me.status).toBe(200);
    expect(me.body.principal.role).toBe('admin');
    expect(me.body.organization.kind).toBe('operator');
    expect(
      await t.sql(`SELECT count(*)::int AS n FROM organizations WHERE kind = 'operator'`),
    ).toEqual([{ n: 1 }]);
  });

  it("stores and shows a fixed label as the chosen key's prefix, never a piece of it", async () => {
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    expect(me.body.apiKey.prefix).toBe('rlk:operator');
    // Finance, which lists the operator's keys, sees no piece of it either.
    const finance = await t.http.post(
      `/v1/organizations/${me.body.organization.id as string}/api-keys`,
      ADMIN_KEY,
      { principalName: 'prefix-reader', role: 'finance' },
    );
    const keys = await t.http.get(
      `/v1/organizations/${me.body.organization.id as string}/api-keys`,
      finance.body.key,
    );
    expect(keys.body.data.find((k: { id: string }) => k.id === me.body.apiKey.id)).toMatchObject({
      prefix: 'rlk:operator',
    });
    const stored = await t.sql<{ prefix: string; details: { prefix: string } }>(
      `SELECT k.prefix, e.details FROM api_keys k
         JOIN audit_events e ON e.action = 'api-key.create' AND e.resource_id = k.id::text
        WHERE k.id = $1`,
      [me.body.apiKey.id],
    );
    expect(stored).toEqual([{ prefix: 'rlk:operator', details: expect.anything() }]);
    expect(stored[0].details.prefix).toBe('rlk:operator');
    const everything = JSON.stringify(keys.body) + JSON.stringify(stored);
    for (let i = 0; i + 6 <= ADMIN_KEY.length; i++) {
      expect(everything).not.toContain(ADMIN_KEY.slice(i, i + 6));
    }
    // A generated key still shows its first characters.
    expect(finance.body.prefix).toBe((finance.body.key as string).slice(0, 12));
  });

  it('does nothing when an admin exists, even with another key', async () => {
    const admins = await t.sql(`SELECT id FROM principals WHERE role = 'admin' ORDER BY id`);
    const outcome = await t.app
      .get(BootstrapService)
      .bootstrap({ key: 'another-bootstrap-key-0123456789abcdef' });
    expect(outcome).toEqual({ created: false, reason: 'admin-exists' });
    expect(await t.sql(`SELECT id FROM principals WHERE role = 'admin' ORDER BY id`)).toEqual(
      admins,
    );
    expect((await t.http.get('/v1/me', 'another-bootstrap-key-0123456789abcdef')).status).toBe(401);
  });

  it('refuses a second operator organization in the database itself', async () => {
    await expect(
      t.sql(
        `INSERT INTO organizations (id, name, kind) VALUES (gen_random_uuid(), 'Second', 'operator')`,
      ),
    ).rejects.toThrow('organizations_one_operator');
  });

  it('refuses a role that does not fit the organization kind in the database itself', async () => {
    const [publisher] = await t.sql<{ id: string }>(
      `INSERT INTO organizations (id, name, kind) VALUES (gen_random_uuid(), 'P', 'publisher') RETURNING id`,
    );
    await expect(
      t.sql(
        `INSERT INTO principals (id, organization_id, organization_kind, name, role)
         VALUES (gen_random_uuid(), $1, 'publisher', 'x', 'admin')`,
        [publisher.id],
      ),
    ).rejects.toThrow('principals_role_fits_kind');
    await expect(
      t.sql(
        `INSERT INTO principals (id, organization_id, organization_kind, name, role)
         VALUES (gen_random_uuid(), $1, 'operator', 'x', 'admin')`,
        [publisher.id],
      ),
    ).rejects.toThrow('violates foreign key constraint');
  });
});

describe('npm run cli -- bootstrap', () => {
  const database = `rl_test_${process.env.TEST_RUN_ID}_cli`;
  const serverUrl = process.env.TEST_SERVER_URL!;
  const cli = (...args: string[]) =>
    run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli.ts', ...args], {
      env: {
        ...process.env,
        DATABASE_URL: databaseUrl(serverUrl, database),
        BOOTSTRAP_ADMIN_KEY: '',
      },
      timeout: 60_000,
    });

  beforeAll(() =>
    withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${quoteIdentifier(database)}`)),
  );

  it('migrates, creates the first admin and prints its key once; a second run refuses', async () => {
    const first = await cli('bootstrap', '--organization-name', 'Acme Platform');
    const key = /\n(rlk_[A-Za-z0-9_-]{43})\n/.exec(first.stdout)?.[1];
    expect(key).toBeDefined();
    const rows = await withClient(
      databaseUrl(serverUrl, database),
      async (client) =>
        (
          await client.query(
            `SELECT o.name, p.role, k.prefix FROM api_keys k
             JOIN principals p ON p.id = k.principal_id JOIN organizations o ON o.id = k.organization_id`,
          )
        ).rows,
    );
    expect(rows).toEqual([{ name: 'Acme Platform', role: 'admin', prefix: key!.slice(0, 12) }]);

    const second = await cli('bootstrap').catch(
      (error: { code: number; stderr: string; stdout: string }) => error,
    );
    expect(second).toMatchObject({ code: 2, stdout: '' });
    expect((second as { stderr: string }).stderr).toContain(
      'An admin already exists: nothing was created.',
    );
  }, 90_000);
});
