import { calculatedRun } from './factories/royalties.factory';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** A licence advance invoiced once and recouped over two periods. This file keeps to 2032. */
describe('licence advances', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let work: { id: string };
  let agreementId: string;

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    publisher = await createOrganization(t.http);
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
    work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2032-01-01', end: '2032-12-31' },
        pricing: {
          rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '1' }],
          advance: { amount: 50000 },
        },
      }),
    );
    agreementId = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id }))
      .body.id;
  });
  afterAll(() => t.close());

  /** Reports `tokens` for the month, runs and posts it; answers the agreement's invoice. */
  async function month(m: string, tokens: number) {
    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [{ lineId: 'l', workId: work.id, usage: 'ai-train', units: tokens, unit: 'token' }],
        {
          reportId: `advance-${m}`,
          periodStart: `2032-${m}-01`,
          periodEnd: `2032-${m}-28`,
        },
      ),
    );
    await settledReport(t, licensee.key, report.body.id);
    const run = await calculatedRun(t, finance, `2032-${m}-01`, `2032-${m}-28`);
    expect(run.body.status).toBe('calculated');
    expect(
      (await t.http.post(`/v1/royalty-runs/${run.body.id as string}/post`, finance)).status,
    ).toBe(200);
    const invoices = (await t.http.get(`/v1/invoices?runId=${run.body.id as string}`, finance)).body
      .data;
    return invoices.find((i: { agreementId: string }) => i.agreementId === agreementId);
  }

  it('invoices the advance in the first run, recoups charges against it until it is used up', async () => {
    const before = await ledgerBalances(t.http, finance, 'EUR');
    // January: 30,000 charged, all recouped; the 50,000 advance is invoiced.
    expect(await month('01', 30000)).toMatchObject({
      amount: 50000,
      commission: 5000,
      advanceInvoiced: '50000',
      advanceRecouped: '30000',
      advanceBalance: '20000',
    });
    // February: 35,000 charged, the 20,000 left recouped, 15,000 invoiced.
    expect(await month('02', 35000)).toMatchObject({
      amount: 15000,
      commission: 1500,
      advanceInvoiced: '0',
      advanceRecouped: '20000',
      advanceBalance: '0',
    });
    // March: nothing left to recoup.
    expect(await month('03', 1000)).toMatchObject({
      amount: 1000,
      advanceInvoiced: '0',
      advanceRecouped: '0',
      advanceBalance: '0',
    });
    const balances = (await t.http.get('/v1/balances', publisher.key)).body.data as {
      type: string;
      ownerId: string;
      balance: number;
    }[];
    // 50,000 + 15,000 + 1,000 invoiced, less 10 % commission: 59,400 awaiting collection, all
    // the publisher's default payee's (the work has no splits).
    expect(balances.map((b) => [b.type, b.balance])).toEqual([
      ['payee-awaiting-collection', 59400],
    ]);
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 66000,
      'platform-commission:platform': 6600,
      [`payee-awaiting-collection:${balances[0].ownerId}`]: 59400,
    });
  });
});
