import { calculatedRun } from './factories/royalties.factory';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** EARNINGS_PAYABLE_AT_ONCE: the operator carries the credit risk. This file keeps to 2034. */
describe('earnings payable at once', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '500', EARNINGS_PAYABLE_AT_ONCE: 'true' });
  });
  afterAll(() => t.close());

  it('credits payees as payable when the run is posted; a payment releases nothing more', async () => {
    const publisher = await createOrganization(t.http);
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    const finance = (
      await t.http.post(
        `/v1/organizations/${me.body.organization.id as string}/api-keys`,
        ADMIN_KEY,
        {
          principalName: `finance-${Math.random().toString(36).slice(2)}`,
          role: 'finance',
        },
      )
    ).body.key as string;
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2034-01-01', end: '2034-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '2' }] },
      }),
    );
    await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [{ lineId: 'l', workId: work.id, usage: 'ai-train', units: 1000, unit: 'token' }],
        {
          reportId: 'at-once',
          periodStart: '2034-03-01',
          periodEnd: '2034-03-31',
        },
      ),
    );
    await settledReport(t, licensee.key, report.body.id);
    const before = await ledgerBalances(t.http, finance, 'EUR');
    const run = await calculatedRun(t, finance, '2034-03-01', '2034-03-31');
    await t.http.post(`/v1/royalty-runs/${run.body.id as string}/post`, finance);
    const balances = (await t.http.get('/v1/balances', publisher.key)).body.data as {
      type: string;
      ownerId: string;
      balance: number;
    }[];
    // 2,000 invoiced, 5 % commission: 1,900 payable at once, nothing awaiting collection.
    expect(balances.map((b) => [b.type, b.balance])).toEqual([['payee-payable', 1900]]);
    const [invoice] = (await t.http.get(`/v1/invoices?runId=${run.body.id as string}`, finance))
      .body.data;
    const paid = await t.http.post(`/v1/invoices/${invoice.id as string}/payments`, finance, {
      amount: 2000,
    });
    expect(paid.body).toMatchObject({ outstanding: 0, released: [] });
    // The posting and the payment, together: the commission earned, the cash in clearing, the
    // publisher's default payee's 1,900 payable; nothing left owed.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      'platform-commission:platform': 100,
      'platform-stripe-clearing:platform': 2000,
      [`payee-payable:${balances[0].ownerId}`]: 1900,
    });
  });
});
