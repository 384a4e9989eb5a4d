import { createOrganization } from './factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** Invitations cannot multiply per-principal limits without end (issue 16, review M1). */
describe('principals per organization', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PRINCIPALS_PER_ORGANIZATION: '3' });
  });
  afterAll(() => t.close());

  it('lets a publisher invite colleagues up to the limit, then answers 409 and creates none', async () => {
    const publisher = await createOrganization(t.http);
    const invite = (name: string, key = publisher.key) =>
      t.http.post(`/v1/organizations/${publisher.id}/api-keys`, key, {
        principalName: name,
        role: 'publisher',
      });
    expect((await invite('colleague-1')).status).toBe(201);
    expect((await invite('colleague-2')).status).toBe(201);
    const refused = await invite('colleague-3');
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(refused.body).toMatchObject({
      type: 'https://rights-ledger.dev/problems/principal-limit-reached',
      status: 409,
      limit: 3,
    });
    const principals = await t.sql<{ name: string }>(
      'SELECT name FROM principals WHERE organization_id = $1 ORDER BY name',
      [publisher.id],
    );
    expect(principals.map((p) => p.name)).toEqual(['colleague-1', 'colleague-2', 'integration']);
    // A key for itself still works (no new principal), and an admin is not limited.
    expect(
      (await t.http.post(`/v1/organizations/${publisher.id}/api-keys`, publisher.key, {})).status,
    ).toBe(201);
    expect((await invite('colleague-3', ADMIN_KEY)).status).toBe(201);
  });
});
