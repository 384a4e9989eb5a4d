/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed */
import { createWork } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { calculatedRun } from './factories/royalties.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { payee, PayoutsHarness, settledRun, startPayouts } from './support/payouts';
import { ADMIN_KEY, ownDatabase } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const ZERO = {
  invoiced: 0,
  licenseesOwe: 0,
  licenseeCredit: 0,
  collected: 0,
  payeesEarned: 0,
  payeesOwed: 0,
  payeesPayable: 0,
  payeesAwaitingCollection: 0,
  payoutsPending: 0,
  paidOut: 0,
  commission: 0,
  stripeClearing: 0,
};

/**
 * The finance overview, on a database of its own (the figures are all-time sums of the whole
 * ledger: other files' runs and payouts must not meet these). Commission 10 %; a rate of 1 minor
 * unit per 1,000 tokens, so every amount below is exact by hand.
 */
describe('the ledger overview', () => {
  let h: PayoutsHarness;
  let finance: string;
  let p1: OrganizationFixture;
  let p2: OrganizationFixture;
  let licensee: OrganizationFixture;
  let transferCreated: Date;

  beforeAll(async () => {
    h = await startPayouts(
      { DATABASE_URL: await ownDatabase('overview'), PLATFORM_COMMISSION_BPS: '1000' },
      { balance: { eur: 10_000_000 } },
    );
    finance = h.finance[0];
  });
  afterAll(() => h.close());

  const get = (path: string, key = finance) => h.t.http.get(path, key);

  it('answers zeros, not errors, on an empty ledger', async () => {
    expect((await get('/v1/ledger/overview')).body).toEqual({ currencies: [] });
    const eur = await get('/v1/ledger/overview?currency=EUR');
    expect(eur.status).toBe(200);
    expect(eur.body).toEqual({ currencies: [{ currency: 'EUR', ...ZERO }] });
    const royalties = await get(
      '/v1/ledger/overview/royalties?currency=EUR&from=2027-05&to=2027-06',
    );
    expect(royalties.body).toEqual({
      currency: 'EUR',
      groupBy: 'period',
      from: '2027-05',
      to: '2027-06',
      buckets: [
        { key: '2027-05', label: '2027-05', invoiced: 0, commission: 0, payeesEarned: 0 },
        { key: '2027-06', label: '2027-06', invoiced: 0, commission: 0, payeesEarned: 0 },
      ],
      others: null,
    });
    const byPublisher = await get('/v1/ledger/overview/royalties?currency=EUR&groupBy=publisher');
    expect(byPublisher.body).toMatchObject({ buckets: [], others: null });
    const payouts = await get(
      '/v1/ledger/overview/payouts?currency=EUR&interval=day&from=2027-06-29&to=2027-07-01',
    );
    expect(payouts.body).toEqual({
      currency: 'EUR',
      interval: 'day',
      from: '2027-06-29',
      to: '2027-07-01',
      buckets: ['2027-06-29', '2027-06-30', '2027-07-01'].map((key) => ({
        key,
        paid: 0,
        reversed: 0,
        transfers: 0,
      })),
    });
  });

  describe('after a posted run, payments and a payout', () => {
    beforeAll(async () => {
      const http = h.t.http;
      p1 = await createOrganization(http, { name: 'Overview Press' });
      p2 = await createOrganization(http, { name: 'Second Press' });
      licensee = await createOrganization(http, { kind: 'licensee' });
      const licenseeGbp = await createOrganization(http, { kind: 'licensee' });
      const author = await payee(h, p1);
      const w1 = await createWork(http, p1.key, {
        splits: [{ payeeId: author.id, shareBps: 10000 }],
      });
      const w2 = await createWork(http, p1.key); // the publisher's default payee
      const w3 = await createWork(http, p2.key);
      const terms = (currency: string) => ({
        usages: ['ai-train'],
        term: { start: '2027-01-01', end: '2027-12-31' },
        currency,
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '1' }] },
      });
      await agreedOffer(http, p1.key, licensee.key, terms('EUR'));
      await agreedOffer(http, p2.key, licensee.key, terms('EUR'));
      await agreedOffer(http, p1.key, licenseeGbp.key, terms('GBP'));
      const june = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };
      const eurReport = await http.post(
        '/v1/usage-reports',
        licensee.key,
        usageReport(
          [
            { lineId: 'a', workId: w1.id, usage: 'ai-train', units: '10000000', unit: 'token' },
            { lineId: 'b', workId: w2.id, usage: 'ai-train', units: '2000000', unit: 'token' },
            { lineId: 'c', workId: w3.id, usage: 'ai-train', units: '5000000', unit: 'token' },
          ],
          june,
        ),
      );
      expect((await settledReport(h.t, licensee.key, eurReport.body.id)).body.counts.matched).toBe(
        3,
      );
      const gbpReport = await http.post(
        '/v1/usage-reports',
        licenseeGbp.key,
        usageReport(
          [{ lineId: 'a', workId: w1.id, usage: 'ai-train', units: '3000000', unit: 'token' }],
          june,
        ),
      );
      expect(
        (await settledReport(h.t, licenseeGbp.key, gbpReport.body.id)).body.counts.matched,
      ).toBe(1);
      const run = await calculatedRun(h.t, finance, june.periodStart, june.periodEnd);
      expect(run.body.status).toBe('calculated');
      const posted = await http.post(`/v1/royalty-runs/${run.body.id as string}/post`, finance);
      expect(posted.body.status).toBe('posted');
      // Invoices: EUR p1 12,000 (commission 1,200), EUR p2 5,000 (500), GBP p1 3,000 (300).
      const invoices = (await get(`/v1/invoices?runId=${run.body.id as string}`)).body
        .data as any[];
      const invoice = (currency: string, publisherId: string) =>
        invoices.find((i) => i.currency === currency && i.publisherId === publisherId);
      expect(invoice('EUR', p1.id)).toMatchObject({ amount: 12000, commission: 1200 });
      expect(invoice('EUR', p2.id)).toMatchObject({ amount: 5000, commission: 500 });
      expect(invoice('GBP', p1.id)).toMatchObject({ amount: 3000, commission: 300 });
      // p1's EUR invoice paid in full (releases the author's 9,000 and the default payee's
      // 1,800); p2's partly: 2,000 of 5,000 releases 4,500 × 2/5 = 1,800 of its 4,500.
      const pay = (id: string, amount: number) =>
        http.post(`/v1/invoices/${id}/payments`, finance, { amount, receivedOn: '2027-07-15' });
      expect((await pay(invoice('EUR', p1.id).id, 12000)).status).toBe(201);
      const partly = await pay(invoice('EUR', p2.id).id, 2000);
      expect(partly.body).toMatchObject({ outstanding: 3000, released: [{ amount: 1800 }] });
      // The author's EUR payable (9,000) paid out through Stripe.
      const draft = await http.post('/v1/payout-runs', finance, {
        currency: 'EUR',
        minimumAmount: 1,
        payeeIds: [author.id],
      });
      expect(draft.body.totals).toMatchObject({ items: 1, amount: 9000 });
      await http.post(`/v1/payout-runs/${draft.body.id as string}/approve`, h.finance[1]);
      expect((await settledRun(h, draft.body.id as string)).status).toBe('completed');
      const [transfer] = h.emulator.transfers();
      transferCreated = new Date((transfer.created as number) * 1000);
    });

    it('gives each currency its own figures, from where the money lives', async () => {
      const response = await get('/v1/ledger/overview');
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        currencies: [
          {
            currency: 'EUR',
            invoiced: 17000, // 12,000 + 5,000
            licenseesOwe: 3000, // 17,000 − 14,000 collected
            licenseeCredit: 0,
            collected: 14000, // 12,000 + 2,000
            payeesEarned: 15300, // 17,000 − 1,700
            payeesOwed: 6300, // 3,600 + 2,700
            payeesPayable: 3600, // default payee 1,800 + p2's 1,800 (the author's 9,000 paid)
            payeesAwaitingCollection: 2700, // p2's 4,500 − 1,800 released
            payoutsPending: 0,
            paidOut: 9000,
            commission: 1700, // 1,000 + 200 + 500
            stripeClearing: 5000, // 14,000 − 9,000
          },
          {
            currency: 'GBP',
            ...ZERO,
            invoiced: 3000,
            licenseesOwe: 3000,
            payeesEarned: 2700,
            payeesOwed: 2700,
            payeesAwaitingCollection: 2700,
            commission: 300,
          },
        ],
      });
      for (const c of response.body.currencies) {
        // (payeesEarned is invoiced − commission by definition: only figures of other sources tie.)
        expect(c.payeesOwed + c.paidOut).toBe(c.payeesEarned);
        expect(c.licenseesOwe - c.licenseeCredit + c.collected).toBe(c.invoiced);
      }
      const gbp = await get('/v1/ledger/overview?currency=GBP');
      expect(gbp.body.currencies).toEqual([response.body.currencies[1]]);
    });

    it('charts royalties by month of the period, and by publisher with the rest together', async () => {
      const byMonth = await get(
        '/v1/ledger/overview/royalties?currency=EUR&from=2027-05&to=2027-07',
      );
      expect(byMonth.body.buckets).toEqual([
        { key: '2027-05', label: '2027-05', invoiced: 0, commission: 0, payeesEarned: 0 },
        {
          key: '2027-06',
          label: '2027-06',
          invoiced: 17000,
          commission: 1700,
          payeesEarned: 15300,
        },
        { key: '2027-07', label: '2027-07', invoiced: 0, commission: 0, payeesEarned: 0 },
      ]);
      const gbp = await get(
        '/v1/ledger/overview/royalties?currency=GBP&groupBy=period&from=2027-06&to=2027-06',
      );
      expect(gbp.body.buckets).toEqual([
        { key: '2027-06', label: '2027-06', invoiced: 3000, commission: 300, payeesEarned: 2700 },
      ]);
      const all = await get(
        '/v1/ledger/overview/royalties?currency=EUR&groupBy=publisher&from=2027-01&to=2027-12',
      );
      expect(all.body).toEqual({
        currency: 'EUR',
        groupBy: 'publisher',
        from: '2027-01',
        to: '2027-12',
        buckets: [
          {
            key: p1.id,
            label: 'Overview Press',
            invoiced: 12000,
            commission: 1200,
            payeesEarned: 10800,
          },
          {
            key: p2.id,
            label: 'Second Press',
            invoiced: 5000,
            commission: 500,
            payeesEarned: 4500,
          },
        ],
        others: null,
      });
      const top1 = await get(
        '/v1/ledger/overview/royalties?currency=EUR&groupBy=publisher&from=2027-01&to=2027-12&top=1',
      );
      expect(top1.body.buckets.map((b: any) => b.key)).toEqual([p1.id]);
      expect(top1.body.others).toEqual({
        publishers: 1,
        invoiced: 5000,
        commission: 500,
        payeesEarned: 4500,
      });
      // A window without the run: nothing.
      const before = await get(
        '/v1/ledger/overview/royalties?currency=EUR&groupBy=publisher&from=2027-07&to=2027-08',
      );
      expect(before.body).toMatchObject({ buckets: [], others: null });
    });

    it('charts payouts by the month and the day of the transfer', async () => {
      const month = transferCreated.toISOString().slice(0, 7);
      const day = transferCreated.toISOString().slice(0, 10);
      const byMonth = await get(
        `/v1/ledger/overview/payouts?currency=EUR&interval=month&from=${month}&to=${month}`,
      );
      expect(byMonth.body).toEqual({
        currency: 'EUR',
        interval: 'month',
        from: month,
        to: month,
        buckets: [{ key: month, paid: 9000, reversed: 0, transfers: 1 }],
      });
      const byDay = await get(`/v1/ledger/overview/payouts?currency=EUR&interval=day&to=${day}`);
      expect(byDay.body.buckets).toHaveLength(30);
      expect(byDay.body.buckets[29]).toEqual({ key: day, paid: 9000, reversed: 0, transfers: 1 });
      expect(byDay.body.buckets.slice(0, 29).every((b: any) => b.paid === 0)).toBe(true);
      const gbp = await get(`/v1/ledger/overview/payouts?currency=GBP&from=${month}&to=${month}`);
      expect(gbp.body.buckets).toEqual([{ key: month, paid: 0, reversed: 0, transfers: 0 }]);
    });
  });

  it('is for finance only (like the trial balance and account entries)', async () => {
    const publisher = await createOrganization(h.t.http);
    const licenseeOrg = await createOrganization(h.t.http, { kind: 'licensee' });
    for (const path of [
      '/v1/ledger/overview',
      '/v1/ledger/overview/royalties?currency=EUR',
      '/v1/ledger/overview/payouts?currency=EUR',
    ]) {
      for (const key of [publisher.key, licenseeOrg.key, ADMIN_KEY]) {
        const response = await get(path, key);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        expect(response.body.type).toBe(`${PROBLEM}forbidden`);
      }
      expect((await h.t.http.get(path)).status).toBe(401);
    }
  });

  it('refuses bad query parameters with 400 problem+json', async () => {
    const cases: [string, string, string[]][] = [
      ['/v1/ledger/overview?foo=1', 'validation-failed', ['foo']],
      ['/v1/ledger/overview?currency=eur', 'validation-failed', ['currency']],
      ['/v1/ledger/overview/royalties', 'validation-failed', ['currency']],
      ['/v1/ledger/overview/royalties?currency=EUR&from=2027-13', 'validation-failed', ['from']],
      ['/v1/ledger/overview/royalties?currency=EUR&from=2027-1', 'validation-failed', ['from']],
      ['/v1/ledger/overview/royalties?currency=EUR&to=2027-06-01', 'validation-failed', ['to']],
      ['/v1/ledger/overview/royalties?currency=EUR&groupBy=week', 'validation-failed', ['groupBy']],
      ['/v1/ledger/overview/royalties?currency=EUR&top=0', 'validation-failed', ['top']],
      ['/v1/ledger/overview/royalties?currency=EUR&top=51', 'validation-failed', ['top']],
      [
        '/v1/ledger/overview/royalties?currency=EUR&interval=day',
        'validation-failed',
        ['interval'],
      ],
      [
        '/v1/ledger/overview/royalties?currency=EUR&from=2027-07&to=2027-06',
        'invalid-range',
        ['from'],
      ],
      [
        '/v1/ledger/overview/royalties?currency=EUR&from=2017-01&to=2027-01',
        'invalid-range',
        ['from'],
      ],
      ['/v1/ledger/overview/payouts?currency=EUR&interval=year', 'validation-failed', ['interval']],
      [
        '/v1/ledger/overview/payouts?currency=EUR&interval=day&from=2027-06',
        'validation-failed',
        ['from'],
      ],
      [
        '/v1/ledger/overview/payouts?currency=EUR&interval=day&to=2027-02-30',
        'validation-failed',
        ['to'],
      ],
      ['/v1/ledger/overview/payouts?currency=EUR&from=2027-06-01', 'validation-failed', ['from']],
      [
        '/v1/ledger/overview/payouts?currency=EUR&interval=day&from=2027-01-01&to=2027-05-01',
        'invalid-range',
        ['from'],
      ],
      ['/v1/ledger/overview/payouts?currency=EUR&groupBy=period', 'validation-failed', ['groupBy']],
    ];
    for (const [path, code, fields] of cases) {
      const response = await get(path);
      expect({ path, status: response.status, type: response.body.type }).toEqual({
        path,
        status: 400,
        type: `${PROBLEM}${code}`,
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual(fields);
    }
    // Exactly 120 months is allowed.
    const longest = await get('/v1/ledger/overview/royalties?currency=EUR&from=2017-01&to=2026-12');
    expect(longest.body.buckets).toHaveLength(120);
  });
});
