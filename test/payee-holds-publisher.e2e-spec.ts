import { createPayee } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { financeKey } from './support/payouts';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/**
 * Issue 18: a publisher holds and releases its own payees; finance any, and only finance releases
 * a hold finance placed. Each hold says which role placed (and released) it.
 */
describe("payee holds by the payee's publisher", () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let other: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http, { name: 'Holding Press' });
    other = await createOrganization(t.http, { name: 'Other Press' });
    licensee = await createOrganization(t.http, { name: 'Some AI', kind: 'licensee' });
    finance = await financeKey(t);
  });
  afterAll(() => t.close());

  it('holds and releases its own payee; the payee, the list and the audit trail say who', async () => {
    const payee = await createPayee(t.http, publisher.key);
    const held = await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, {
      reason: '  Contract under review  ',
    });
    expect(held.status).toBe(201);
    expect(held.body).toEqual({
      id: expect.any(String),
      payeeId: payee.id,
      reason: 'Contract under review',
      heldAt: expect.any(String),
      heldBy: publisher.principalId,
      heldByRole: 'publisher',
      releasedAt: null,
      releasedBy: null,
      releasedByRole: null,
    });

    const read = await t.http.get(`/v1/payees/${payee.id}`, publisher.key);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({
      id: payee.id,
      publisherId: publisher.id,
      publisherName: 'Holding Press',
      hold: { reason: 'Contract under review', heldAt: held.body.heldAt, heldByRole: 'publisher' },
      stripeAccountId: null,
      payoutsEnabled: false,
    });
    // Finance sees the same hold, and who placed it, in its list.
    const listed = await t.http.get(`/v1/payees?publisherId=${publisher.id}&held=true`, finance);
    expect(listed.body.data).toEqual([
      expect.objectContaining({
        id: payee.id,
        hold: {
          reason: 'Contract under review',
          heldAt: held.body.heldAt,
          heldByRole: 'publisher',
        },
      }),
    ]);

    const released = await t.http.post(`/v1/payees/${payee.id}/release`, publisher.key);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({
      id: held.body.id,
      heldByRole: 'publisher',
      releasedBy: publisher.principalId,
      releasedByRole: 'publisher',
    });
    expect(released.body.releasedAt).not.toBeNull();
    expect((await t.http.get(`/v1/payees/${payee.id}`, publisher.key)).body.hold).toBeNull();

    const events = await t.http.get(
      `/v1/audit-events?resourceType=payee&resourceId=${payee.id}`,
      ADMIN_KEY,
    );
    const trail = (
      events.body.data as { action: string; principalId: string; details: object }[]
    ).filter((e) => e.action === 'payee.hold' || e.action === 'payee.release');
    expect(trail.map((e) => [e.action, e.principalId]).sort()).toEqual([
      ['payee.hold', publisher.principalId],
      ['payee.release', publisher.principalId],
    ]);
    const holdEvent = trail.find((e) => e.action === 'payee.hold')!;
    expect(holdEvent.details).toEqual({
      holdId: held.body.id,
      reason: 'Contract under review',
      heldByRole: 'publisher',
    });
  });

  it("answers 404 for another publisher's payee, on hold and release, and changes nothing", async () => {
    const payee = await createPayee(t.http, publisher.key);
    for (const path of ['hold', 'release']) {
      const response = await t.http.post(`/v1/payees/${payee.id}/${path}`, other.key, {
        reason: 'not mine',
      });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toContain('application/problem+json');
      expect(response.body.type).toBe(`${PROBLEM}not-found`);
    }
    expect((await t.http.get(`/v1/payees/${payee.id}`, other.key)).status).toBe(404);
    expect(await t.sql(`SELECT id FROM payee_holds WHERE payee_id = $1`, [payee.id])).toEqual([]);
  });

  it('refuses a licensee and an admin with 403', async () => {
    const payee = await createPayee(t.http, publisher.key);
    for (const key of [licensee.key, ADMIN_KEY]) {
      for (const path of ['hold', 'release']) {
        const response = await t.http.post(`/v1/payees/${payee.id}/${path}`, key, {
          reason: 'x',
        });
        expect(response.status).toBe(403);
        expect(response.body.type).toBe(`${PROBLEM}forbidden`);
      }
    }
    expect(await t.sql(`SELECT id FROM payee_holds WHERE payee_id = $1`, [payee.id])).toEqual([]);
  });

  it("refuses a publisher releasing finance's hold (409), which finance then releases", async () => {
    const payee = await createPayee(t.http, publisher.key);
    const held = await t.http.post(`/v1/payees/${payee.id}/hold`, finance, {
      reason: 'KYC review',
    });
    expect(held.status).toBe(201);
    expect(held.body.heldByRole).toBe('finance');
    expect((await t.http.get(`/v1/payees/${payee.id}`, publisher.key)).body.hold).toMatchObject({
      reason: 'KYC review',
      heldByRole: 'finance',
    });

    const refused = await t.http.post(`/v1/payees/${payee.id}/release`, publisher.key);
    expect(refused.status).toBe(409);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.body).toMatchObject({
      type: `${PROBLEM}payee-hold-placed-by-finance`,
      status: 409,
      holdId: held.body.id,
      heldAt: held.body.heldAt,
      heldByRole: 'finance',
    });
    expect(refused.body.detail).toContain('only finance can release it');
    // Still held, by finance.
    expect(
      await t.sql(`SELECT held_by_role, released_at FROM payee_holds WHERE payee_id = $1`, [
        payee.id,
      ]),
    ).toEqual([{ held_by_role: 'finance', released_at: null }]);

    const released = await t.http.post(`/v1/payees/${payee.id}/release`, finance);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ heldByRole: 'finance', releasedByRole: 'finance' });
  });

  it("makes a publisher's open hold finance's when finance holds the payee too", async () => {
    const payee = await createPayee(t.http, publisher.key);
    const first = await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, {
      reason: 'Dispute',
    });
    expect(first.status).toBe(201);
    const taken = await t.http.post(`/v1/payees/${payee.id}/hold`, finance, {
      reason: 'Sanctions screening',
    });
    expect(taken.status).toBe(201);
    expect(taken.body).toMatchObject({
      id: first.body.id,
      reason: 'Sanctions screening',
      heldByRole: 'finance',
      releasedAt: null,
    });
    // The publisher can no longer lift it; finance's second hold is refused as before.
    const release = await t.http.post(`/v1/payees/${payee.id}/release`, publisher.key);
    expect(release.status).toBe(409);
    expect(release.body.type).toBe(`${PROBLEM}payee-hold-placed-by-finance`);
    const twice = await t.http.post(`/v1/payees/${payee.id}/hold`, finance, { reason: 'Again' });
    expect(twice.status).toBe(409);
    expect(twice.body.type).toBe(`${PROBLEM}payee-already-on-hold`);
    expect(
      await t.sql(`SELECT held_by_role, reason, released_at FROM payee_holds WHERE payee_id = $1`, [
        payee.id,
      ]),
    ).toEqual([{ held_by_role: 'finance', reason: 'Sanctions screening', released_at: null }]);
    const audit = await t.sql<{ details: Record<string, unknown> }>(
      `SELECT details FROM audit_events WHERE action = 'payee.hold' AND resource_id = $1
        ORDER BY occurred_at, id`,
      [payee.id],
    );
    expect(audit.map((a) => a.details.heldByRole)).toEqual(['publisher', 'finance']);
    expect(audit[1].details.takenOverFrom).toBe('publisher');
  });

  it("lets finance release a publisher's hold", async () => {
    const payee = await createPayee(t.http, publisher.key);
    expect(
      (await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, { reason: 'Dispute' }))
        .status,
    ).toBe(201);
    const released = await t.http.post(`/v1/payees/${payee.id}/release`, finance);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ heldByRole: 'publisher', releasedByRole: 'finance' });
  });

  it('refuses a second hold (409) and a release of a payee not held (409), whoever asks', async () => {
    const payee = await createPayee(t.http, publisher.key);
    expect(
      (await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, { reason: 'First' })).status,
    ).toBe(201);
    const again = await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, {
      reason: 'Again',
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toBe(`${PROBLEM}payee-already-on-hold`);
    expect((await t.http.post(`/v1/payees/${payee.id}/release`, publisher.key)).status).toBe(200);
    const notHeld = await t.http.post(`/v1/payees/${payee.id}/release`, publisher.key);
    expect(notHeld.status).toBe(409);
    expect(notHeld.body.type).toBe(`${PROBLEM}payee-not-on-hold`);
    expect(
      await t.sql<{ n: number }>(`SELECT count(*)::int AS n FROM payee_holds WHERE payee_id = $1`, [
        payee.id,
      ]),
    ).toEqual([{ n: 1 }]);
  });

  it('refuses a bad body with 400, naming each field, and holds nothing', async () => {
    const payee = await createPayee(t.http, publisher.key);
    const cases: [unknown, string[]][] = [
      [{}, ['reason']],
      [{ reason: 42 }, ['reason']],
      [{ reason: '   ' }, ['reason']],
      [{ reason: 'x'.repeat(501) }, ['reason']],
      [{ reason: ['a'] }, ['reason']],
      [{ reason: 'Fine', heldByRole: 'finance' }, ['heldByRole']],
      [{ reason: null, extra: true }, ['extra', 'reason']],
    ];
    for (const [body, fields] of cases) {
      const response = await t.http.post(`/v1/payees/${payee.id}/hold`, publisher.key, body);
      expect(response.status).toBe(400);
      expect(response.body.type).toBe(`${PROBLEM}validation-failed`);
      expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(fields);
    }
    const notId = await t.http.post(`/v1/payees/not-a-uuid/hold`, publisher.key, { reason: 'x' });
    expect(notId.status).toBe(404);
    expect(await t.sql(`SELECT id FROM payee_holds WHERE payee_id = $1`, [payee.id])).toEqual([]);
  });
});

describe('balances of one owner', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it("filters by ownerId; another organization's owner gives an empty page; a bad id is 400", async () => {
    const publisher = await createOrganization(t.http);
    const other = await createOrganization(t.http);
    const ada = await createPayee(t.http, publisher.key);
    const grace = await createPayee(t.http, publisher.key);
    for (const [payee, amount] of [
      [ada, 123456],
      [grace, 500],
    ] as const) {
      const advance = await t.http.post(`/v1/payees/${payee.id}/advances`, publisher.key, {
        amount,
        currency: 'EUR',
      });
      expect(advance.status).toBe(201);
    }
    const own = await t.http.get(`/v1/balances?ownerId=${ada.id}`, publisher.key);
    expect(own.status).toBe(200);
    expect(own.body).toEqual({
      data: [
        {
          accountId: expect.any(String),
          type: 'payee-advance',
          ownerId: ada.id,
          currency: 'EUR',
          balance: 123456,
          normalSide: 'debit',
        },
      ],
      nextCursor: null,
    });
    const foreign = await t.http.get(`/v1/balances?ownerId=${ada.id}`, other.key);
    expect(foreign.body).toEqual({ data: [], nextCursor: null });
    const bad = await t.http.get(`/v1/balances?ownerId=nope`, publisher.key);
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['ownerId']);
  });
});
