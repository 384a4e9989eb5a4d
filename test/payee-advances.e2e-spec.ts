import { calculatedRun } from './factories/royalties.factory';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** A publisher's advance to an author, repaid from two months' earnings. This file keeps to 2033. */
describe('payee advances', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let otherPublisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let author: { id: string };
  let defaultPayee: string;
  let work: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    publisher = await createOrganization(t.http);
    otherPublisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    finance = (
      await t.http.post(
        `/v1/organizations/${me.body.organization.id as string}/api-keys`,
        ADMIN_KEY,
        {
          principalName: `finance-${Math.random().toString(36).slice(2)}`,
          role: 'finance',
        },
      )
    ).body.key;
    author = await createPayee(t.http, publisher.key);
    defaultPayee = (
      await t.sql<{ id: string }>(
        `SELECT id FROM payees WHERE organization_id = $1 AND is_default`,
        [publisher.id],
      )
    )[0].id;
    work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [{ payeeId: author.id, shareBps: 10000 }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2033-01-01', end: '2033-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '1' }] },
      }),
    );
    expect(
      (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  async function month(m: string, tokens: number): Promise<string> {
    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [{ lineId: 'l', workId: work.id, usage: 'ai-train', units: tokens, unit: 'token' }],
        {
          reportId: `payee-advance-${m}`,
          periodStart: `2033-${m}-01`,
          periodEnd: `2033-${m}-28`,
        },
      ),
    );
    await settledReport(t, licensee.key, report.body.id);
    const run = await calculatedRun(t, finance, `2033-${m}-01`, `2033-${m}-28`);
    expect(run.body).toMatchObject({ status: 'calculated', failure: null });
    expect(
      (await t.http.post(`/v1/royalty-runs/${run.body.id as string}/post`, finance)).status,
    ).toBe(200);
    return run.body.id as string;
  }

  const nets = async (runId: string) =>
    Object.fromEntries(
      (
        (await t.http.get(`/v1/statements?runId=${runId}`, publisher.key)).body.data as {
          payeeId: string;
          net: number;
        }[]
      ).map((s) => [s.payeeId, s.net]),
    );

  const balance = async (type: string, owner: string) =>
    (
      (await t.http.get('/v1/balances', publisher.key)).body.data as {
        type: string;
        ownerId: string;
        balance: number;
      }[]
    ).find((b) => b.type === type && b.ownerId === owner)?.balance;

  it('repays the advance from the payee’s earnings to the default payee first', async () => {
    const url = `/v1/payees/${author.id}/advances`;
    expect(
      (
        await t.http.post(`/v1/payees/${defaultPayee}/advances`, publisher.key, {
          amount: 1,
          currency: 'EUR',
        })
      ).status,
    ).toBe(400);
    expect(
      (await t.http.post(url, otherPublisher.key, { amount: 1, currency: 'EUR' })).status,
    ).toBe(404);
    expect((await t.http.post(url, licensee.key, { amount: 1, currency: 'EUR' })).status).toBe(403);
    expect((await t.http.post(url, publisher.key, { amount: 0, currency: 'EUR' })).status).toBe(
      400,
    );
    expect((await t.http.post(url, publisher.key, { amount: 1, currency: 'euro' })).status).toBe(
      400,
    );
    const recorded = await t.http.post(
      url,
      publisher.key,
      { amount: 3000, currency: 'EUR', paidOn: '2033-01-02' },
      {
        'idempotency-key': 'advance-1',
      },
    );
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({ amount: 3000, currency: 'EUR', outstanding: 3000 });
    const retry = await t.http.post(
      url,
      publisher.key,
      { amount: 3000, currency: 'EUR', paidOn: '2033-01-02' },
      {
        'idempotency-key': 'advance-1',
      },
    );
    expect(retry.body).toEqual(recorded.body);

    const before = await ledgerBalances(t.http, finance, 'EUR');
    // January: 2,000 invoiced, the author's 1,800 all repays the advance.
    const january = await month('01', 2000);
    expect(await nets(january)).toEqual({ [author.id]: 0, [defaultPayee]: 1800 });
    expect(await balance('payee-advance', author.id)).toBe(1200);
    // February: 1,800 again, 1,200 repays what is left, 600 is the author's.
    const february = await month('02', 2000);
    expect(await nets(february)).toEqual({ [author.id]: 600, [defaultPayee]: 1200 });
    expect(await balance('payee-advance', author.id)).toBe(0);
    expect(await balance('payee-advance', defaultPayee)).toBe(0);
    expect(await balance('payee-awaiting-collection', author.id)).toBe(600);
    expect(await balance('payee-awaiting-collection', defaultPayee)).toBe(3000);
    // Two months of 2,000 owed (commission 200 each); the author's debt to the default payee
    // repaid (3,000 off the author's advance, 3,000 back on the default payee's).
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 4000,
      'platform-commission:platform': 400,
      [`payee-advance:${author.id}`]: -3000,
      [`payee-advance:${defaultPayee}`]: 3000,
      [`payee-awaiting-collection:${author.id}`]: 600,
      [`payee-awaiting-collection:${defaultPayee}`]: 3000,
    });

    // Paying January's invoice releases the default payee's 1,800, nothing to the author.
    const [invoice] = (await t.http.get(`/v1/invoices?runId=${january}`, finance)).body.data as {
      id: string;
    }[];
    const paid = await t.http.post(`/v1/invoices/${invoice.id}/payments`, finance, {
      amount: 2000,
    });
    expect(paid.body.released).toEqual([{ payeeId: defaultPayee, amount: 1800 }]);
    expect(await balance('payee-payable', defaultPayee)).toBe(1800);
  });
});
