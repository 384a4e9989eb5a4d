import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { calculatedRun } from './factories/royalties.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const TERM = { start: '2044-01-01', end: '2044-12-31' };

/**
 * An Idempotency-Key belongs to one principal and one request: the same key and body sent to
 * another invoice, payee or agreement is a 409, never the first resource's answer replayed (which
 * would leave the second payment unrecorded while the caller believes it was). This file keeps to
 * 2044.
 */
describe('idempotency keys are per principal and per concrete path', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let operatorId: string;

  /** A key of a new principal of `role` in `organizationId`, issued by the admin. */
  async function principalKey(organizationId: string, role: string): Promise<string> {
    const issued = await t.http.post(`/v1/organizations/${organizationId}/api-keys`, ADMIN_KEY, {
      principalName: `${role}-${randomUUID().slice(0, 8)}`,
      role,
    });
    if (issued.status !== 201) throw new Error(`api key: ${issued.status} ${issued.text}`);
    return issued.body.key as string;
  }

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    operatorId = (await t.http.get('/v1/me', ADMIN_KEY)).body.organization.id as string;
  });
  afterAll(() => t.close());

  const balanceOf = async (key: string, type: string, ownerId: string) =>
    (
      (await t.http.get('/v1/balances', key)).body.data as {
        type: string;
        ownerId: string;
        balance: number;
      }[]
    ).find((b) => b.type === type && b.ownerId === ownerId)?.balance ?? 0;

  it('invoice payments: the same key and body on a second invoice is a 409; the second payment is not mistaken for the first', async () => {
    const finance = await principalKey(operatorId, 'finance');
    const otherFinance = await principalKey(operatorId, 'finance');
    const author = await createPayee(t.http, publisher.key);
    await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [{ payeeId: author.id, shareBps: 10000 }],
    });
    const licensees = [
      await createOrganization(t.http, { kind: 'licensee' }),
      await createOrganization(t.http, { kind: 'licensee' }),
    ];
    for (const licensee of licensees) {
      const offer = await t.http.post(
        '/v1/licence-offers',
        publisher.key,
        offerTerms({
          usages: ['ai-train'],
          term: TERM,
          pricing: { flatFee: { amount: 30000, period: 'month' } },
        }),
      );
      expect(offer.status).toBe(201);
      expect(
        (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id })).status,
      ).toBe(201);
    }
    const run = await calculatedRun(t, finance, '2044-03-01', '2044-03-31');
    expect(run.body.status).toBe('calculated');
    expect((await t.http.post(`/v1/royalty-runs/${run.body.id}/post`, finance)).status).toBe(200);
    const invoices = (await t.http.get(`/v1/invoices?runId=${run.body.id}`, finance)).body.data as {
      id: string;
      licenseeId: string;
      amount: number;
    }[];
    const [first, second] = licensees.map((licensee) =>
      invoices.find((invoice) => invoice.licenseeId === licensee.id)!,
    );
    expect([first.amount, second.amount]).toEqual([30000, 30000]);

    const body = { amount: 10000, receivedOn: '2044-04-02', reference: 'SEPA 44' };
    const headers = { 'idempotency-key': 'payment-2044-04-02' };
    const paid = await t.http.post(`/v1/invoices/${first.id}/payments`, finance, body, headers);
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ invoiceId: first.id, amount: 10000, outstanding: 20000 });

    const elsewhere = await t.http.post(
      `/v1/invoices/${second.id}/payments`,
      finance,
      body,
      headers,
    );
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    // Nothing was recorded on the second invoice, and the caller was told so.
    expect(await balanceOf(licensees[1].key, 'licensee-receivable', licensees[1].id)).toBe(30000);
    expect(await balanceOf(licensees[0].key, 'licensee-receivable', licensees[0].id)).toBe(20000);

    // The honest retry still replays the first payment, and records nothing more.
    const retry = await t.http.post(`/v1/invoices/${first.id}/payments`, finance, body, headers);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(paid.body);
    expect(await balanceOf(licensees[0].key, 'licensee-receivable', licensees[0].id)).toBe(20000);

    // Another finance principal's key of the same text is its own key: a new payment.
    const theirs = await t.http.post(
      `/v1/invoices/${second.id}/payments`,
      otherFinance,
      body,
      headers,
    );
    expect(theirs.status).toBe(201);
    expect(theirs.body).toMatchObject({ invoiceId: second.id, amount: 10000, outstanding: 20000 });
    expect(theirs.body.id).not.toBe(paid.body.id);
    expect(await balanceOf(licensees[1].key, 'licensee-receivable', licensees[1].id)).toBe(20000);
    const payments = await t.sql<{ invoice_id: string; amount: string }>(
      `SELECT invoice_id, amount FROM invoice_payments WHERE invoice_id = ANY($1) ORDER BY recorded_at`,
      [[first.id, second.id]],
    );
    expect(payments).toEqual([
      { invoice_id: first.id, amount: '10000' },
      { invoice_id: second.id, amount: '10000' },
    ]);
  });

  it('advances: the same key and body on a second payee is a 409, and no advance is recorded for it', async () => {
    const [a, b] = [
      await createPayee(t.http, publisher.key),
      await createPayee(t.http, publisher.key),
    ];
    const body = { amount: 2500, currency: 'EUR', paidOn: '2044-01-05' };
    const headers = { 'idempotency-key': 'advance-2044' };
    const first = await t.http.post(`/v1/payees/${a.id}/advances`, publisher.key, body, headers);
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ payeeId: a.id, amount: 2500, outstanding: 2500 });
    const second = await t.http.post(`/v1/payees/${b.id}/advances`, publisher.key, body, headers);
    expect(second.status).toBe(409);
    expect(second.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    expect(await balanceOf(publisher.key, 'payee-advance', a.id)).toBe(2500);
    expect(await balanceOf(publisher.key, 'payee-advance', b.id)).toBe(0);
  });

  it('amendments: the same key and body on a second agreement is a 409; that agreement stays at its version', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const agreements: string[] = [];
    for (let i = 0; i < 2; i++) {
      const work = await createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      });
      const terms = offerTerms({ scope: { type: 'works', workIds: [work.id] }, term: TERM });
      const offer = await t.http.post('/v1/licence-offers', publisher.key, terms);
      const agreement = await t.http.post('/v1/agreements', licensee.key, {
        offerId: offer.body.id,
      });
      expect(agreement.status).toBe(201);
      const revised = await t.http.request('PUT', `/v1/licence-offers/${offer.body.id}`, {
        key: publisher.key,
        body: { ...terms, title: 'Revised' },
        headers: { 'if-match': '1' },
      });
      expect(revised.status).toBe(200);
      agreements.push(agreement.body.id as string);
    }
    const body = { effectiveOn: '2044-07-01' };
    const headers = { 'idempotency-key': 'amend-2044-07' };
    const first = await t.http.post(
      `/v1/agreements/${agreements[0]}/amendments`,
      licensee.key,
      body,
      headers,
    );
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ agreementId: agreements[0], version: 2 });
    const second = await t.http.post(
      `/v1/agreements/${agreements[1]}/amendments`,
      licensee.key,
      body,
      headers,
    );
    expect(second.status).toBe(409);
    expect(second.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    const versions = async (id: string) =>
      (await t.http.get(`/v1/agreements/${id}/versions`, licensee.key)).body.data.map(
        (v: { version: number }) => v.version,
      );
    expect(await versions(agreements[0])).toEqual([1, 2]);
    expect(await versions(agreements[1])).toEqual([1]);
  });

  it('property: a retry with the same key, principal, path and body replays and changes nothing; any other path or principal never replays', async () => {
    const payees = [
      await createPayee(t.http, publisher.key),
      await createPayee(t.http, publisher.key),
    ];
    const keys = [publisher.key, await principalKey(publisher.id, 'publisher')];
    const effects = async () =>
      (
        await t.sql<{ n: string }>(
          `SELECT count(*) AS n FROM payee_advances WHERE payee_id = ANY($1)`,
          [payees.map((p) => p.id)],
        )
      )[0].n;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          path: fc.integer({ min: 0, max: 1 }),
          principal: fc.integer({ min: 0, max: 1 }),
          amount: fc.integer({ min: 1, max: 1_000_000 }),
          otherAmount: fc.boolean(),
        }),
        async ({ path, principal, amount, otherAmount }) => {
          const headers = { 'idempotency-key': `prop-${randomUUID()}` };
          const url = (i: number) => `/v1/payees/${payees[i].id}/advances`;
          const body = { amount, currency: 'EUR' };
          const first = await t.http.post(url(0), keys[0], body, headers);
          expect(first.status).toBe(201);
          const before = await effects();
          const again = await t.http.post(
            url(path),
            keys[principal],
            otherAmount ? { ...body, amount: amount + 1 } : body,
            headers,
          );
          const after = await effects();
          if (principal === 1) {
            // Another principal's key: its own request, a new effect, never the first's answer.
            expect(again.status).toBe(201);
            expect(again.body.id).not.toBe(first.body.id);
            expect(BigInt(after)).toBe(BigInt(before) + 1n);
          } else if (path === 0 && !otherAmount) {
            expect(again.status).toBe(201);
            expect(again.body).toEqual(first.body);
            expect(after).toBe(before);
          } else {
            expect(again.status).toBe(409);
            expect(again.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
            expect(after).toBe(before);
          }
        },
      ),
      { numRuns: 16, seed: 16 },
    );
  });

  it('a key stored before keys were per principal is never replayed: any reuse is a 409', async () => {
    const payee = await createPayee(t.http, publisher.key);
    await t.sql(
      `INSERT INTO idempotency_keys (organization_id, principal_id, key, request_hash, response_status, response_body)
       VALUES ($1, NULL, 'legacy-key', '\\x00', 201, '{"id":"00000000-0000-4000-8000-000000000000"}')`,
      [publisher.id],
    );
    const reuse = await t.http.post(
      `/v1/payees/${payee.id}/advances`,
      publisher.key,
      { amount: 100, currency: 'EUR' },
      { 'idempotency-key': 'legacy-key' },
    );
    expect(reuse.status).toBe(409);
    expect(reuse.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    expect(await balanceOf(publisher.key, 'payee-advance', payee.id)).toBe(0);
  });
});
