/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed */
import { createWork } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { calculatedRun } from './factories/royalties.factory';
import { settledReport, usageReport, UsageLineInput } from './factories/usage.factory';
import { payee, PayoutsHarness, settledRun, startPayouts, waitFor } from './support/payouts';
import { ADMIN_KEY, ownDatabase } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/**
 * A publisher's earnings (GET /v1/earnings, /v1/earnings/breakdown), on a database of its own.
 * Commission 10 %; rates of 1 (ai-train) and 2 (ai-input) minor units per 1,000 tokens, so
 * every figure below is worked out by hand from the usage reported:
 *
 * Earnings Press (p1): w1 "Engine" split 70 % author A / 30 % its default payee D; w2 "Loom" all D.
 *   May 2027 (posted)   L1: w1 ai-train 10M → 10,000, commission 1,000, net 9,000 (A 6,300, D 2,700)
 *   June 2027 (posted)  L1: w1 ai-input 2M → 4,000, net 3,600 (A 2,520, D 1,080);
 *                           w2 ai-train 3M → 3,000, net 2,700 (D)      — one invoice of 7,000
 *                       L2: w2 ai-train 1M → 1,000, net 900 (D); w1 ai-index: out of scope
 *                       L3 (GBP): w1 ai-train 3M → GBP 3,000, net 2,700 (A 1,890, D 810)
 *   July 2027 (calculated, not posted)  L1: w1 ai-train 1M → net 900 (A 630, D 270): accrued
 * EUR earned 9,000 + 3,600 + 2,700 + 900 = 16,200 (A 8,820, D 7,380).
 * Payments: L1's May invoice in full (releases A 6,300, D 2,700); L1's June invoice 3,500 of
 * 7,000 (releases 6,300 × ½ = 3,150: A 1,260, D 1,890). A's payable 7,560 paid out.
 *   A: awaiting 2,520 − 1,260 = 1,260, payable 0, paid out 7,560.
 *   D: awaiting 3,780 − 1,890 + 900 = 2,790, payable 2,700 + 1,890 = 4,590.
 * Second Press (p2): w3 by L1 in June, 5,000 → net 4,500, unpaid.
 */
describe('a publisher’s earnings', () => {
  let h: PayoutsHarness;
  let finance: string;
  let p1: OrganizationFixture;
  let p2: OrganizationFixture;
  let l1: OrganizationFixture;
  let l2: OrganizationFixture;
  let l3: OrganizationFixture;
  let authorId: string;
  let defaultId: string;
  let w1: string;
  let w2: string;
  let w3: string;

  beforeAll(async () => {
    h = await startPayouts(
      { DATABASE_URL: await ownDatabase('earnings'), PLATFORM_COMMISSION_BPS: '1000' },
      { balance: { eur: 10_000_000 } },
    );
    finance = h.finance[0];
    const http = h.t.http;
    p1 = await createOrganization(http, { name: 'Earnings Press' });
    p2 = await createOrganization(http, { name: 'Second Press' });
    l1 = await createOrganization(http, { name: 'Acme AI', kind: 'licensee' });
    l2 = await createOrganization(http, { name: 'Babbage AI', kind: 'licensee' });
    l3 = await createOrganization(http, { name: 'Crown AI', kind: 'licensee' });
    const author = await payee(h, p1);
    authorId = author.id;
    const payees = (await http.get('/v1/payees', p1.key)).body.data as any[];
    defaultId = payees.find((p) => p.isDefault).id as string;
    w1 = (
      await createWork(http, p1.key, {
        title: 'Engine',
        splits: [
          { payeeId: authorId, shareBps: 7000 },
          { payeeId: defaultId, shareBps: 3000 },
        ],
      })
    ).id;
    w2 = (await createWork(http, p1.key, { title: 'Loom' })).id;
    w3 = (await createWork(http, p2.key, { title: 'Elsewhere' })).id;
    const rates = [
      { usage: 'ai-train', unit: 'token', per: 1000, rate: '1' },
      { usage: 'ai-input', unit: 'token', per: 1000, rate: '2' },
    ];
    const terms = (currency: string, usages: string[]) => ({
      usages,
      term: { start: '2027-01-01', end: '2027-12-31' },
      currency,
      pricing: { rates: rates.filter((r) => usages.includes(r.usage)) },
    });
    await agreedOffer(http, p1.key, l1.key, terms('EUR', ['ai-train', 'ai-input']));
    await agreedOffer(http, p2.key, l1.key, terms('EUR', ['ai-train']));
    await agreedOffer(http, p1.key, l2.key, terms('EUR', ['ai-train']));
    await agreedOffer(http, p1.key, l3.key, terms('GBP', ['ai-train']));

    const month = (m: string, last: string) => ({
      periodStart: `2027-${m}-01`,
      periodEnd: `2027-${m}-${last}`,
    });
    const report = async (
      licensee: OrganizationFixture,
      period: { periodStart: string; periodEnd: string },
      lines: [string, string, string][],
    ) => {
      const body: UsageLineInput[] = lines.map(([workId, usage, units], i) => ({
        lineId: `l${i}`,
        workId,
        usage,
        units,
        unit: 'token',
      }));
      const posted = await http.post('/v1/usage-reports', licensee.key, usageReport(body, period));
      expect(posted.status).toBe(202);
      const settled = await settledReport(h.t, licensee.key, posted.body.id as string);
      expect(settled.body.status).toBe('accepted');
    };
    const postedRun = async (period: { periodStart: string; periodEnd: string }) => {
      const run = await calculatedRun(h.t, finance, period.periodStart, period.periodEnd);
      expect(run.body.status).toBe('calculated');
      const posted = await http.post(`/v1/royalty-runs/${run.body.id as string}/post`, finance, {
        calculationHash: run.body.calculationHash,
      });
      expect(posted.body.status).toBe('posted');
      return run.body.id as string;
    };

    const may = month('05', '31');
    const june = month('06', '30');
    const july = month('07', '31');
    await report(l1, may, [[w1, 'ai-train', '10000000']]);
    const mayRun = await postedRun(may);
    await report(l1, june, [
      [w1, 'ai-input', '2000000'],
      [w2, 'ai-train', '3000000'],
      [w3, 'ai-train', '5000000'],
    ]);
    await report(l2, june, [
      [w2, 'ai-train', '1000000'],
      [w1, 'ai-index', '500'],
    ]);
    await report(l3, june, [[w1, 'ai-train', '3000000']]);
    const juneRun = await postedRun(june);
    await report(l1, july, [[w1, 'ai-train', '1000000']]);
    expect((await calculatedRun(h.t, finance, july.periodStart, july.periodEnd)).body.status).toBe(
      'calculated',
    );

    const invoiceOf = async (runId: string, licenseeId: string, publisherId: string) => {
      const invoices = (await http.get(`/v1/invoices?runId=${runId}`, finance)).body.data as any[];
      return invoices.find((i) => i.licenseeId === licenseeId && i.publisherId === publisherId);
    };
    const mayInvoice = await invoiceOf(mayRun, l1.id, p1.id);
    expect(mayInvoice).toMatchObject({ amount: 10000, commission: 1000 });
    const juneInvoice = await invoiceOf(juneRun, l1.id, p1.id);
    expect(juneInvoice).toMatchObject({ amount: 7000, commission: 700 });
    const pay = (id: string, amount: number) =>
      http.post(`/v1/invoices/${id}/payments`, finance, { amount, receivedOn: '2027-07-15' });
    expect((await pay(mayInvoice.id as string, 10000)).status).toBe(201);
    expect((await pay(juneInvoice.id as string, 3500)).status).toBe(201);
    const draft = await http.post('/v1/payout-runs', finance, {
      currency: 'EUR',
      minimumAmount: 1,
      payeeIds: [authorId],
    });
    expect(draft.body.totals).toMatchObject({ items: 1, amount: 7560 });
    await http.post(`/v1/payout-runs/${draft.body.id as string}/approve`, h.finance[1]);
    expect((await settledRun(h, draft.body.id as string)).status).toBe('completed');
  });
  afterAll(() => h.close());

  const get = (path: string, key = p1.key) => h.t.http.get(path, key);

  it('gives each currency its figures, for the publisher and each payee, from where the money is', async () => {
    // The settlement of the transfer is posted by the settler's next round.
    const body = await waitFor(
      async () => (await get('/v1/earnings')).body,
      (b: any) => b.currencies?.[0]?.paidOut === 7560,
    );
    const eur = body.currencies.find((c: any) => c.currency === 'EUR');
    const gbp = body.currencies.find((c: any) => c.currency === 'GBP');
    expect(body.currencies.map((c: any) => c.currency)).toEqual(['EUR', 'GBP']);
    expect(eur).toMatchObject({
      earned: 16200,
      accrued: 900,
      awaitingCollection: 4050,
      payable: 4590,
      inPayment: 0,
      paidOut: 7560,
      lastPostedPeriod: '2027-06',
    });
    const payeeOf = (c: any, id: string) => c.payees.find((p: any) => p.payeeId === id);
    expect(eur.payees).toHaveLength(2);
    expect(payeeOf(eur, authorId)).toMatchObject({
      earned: 8820,
      accrued: 630,
      awaitingCollection: 1260,
      payable: 0,
      inPayment: 0,
      paidOut: 7560,
    });
    expect(payeeOf(eur, defaultId)).toEqual({
      payeeId: defaultId,
      payeeName: expect.any(String),
      earned: 7380,
      accrued: 270,
      awaitingCollection: 2790,
      payable: 4590,
      inPayment: 0,
      paidOut: 0,
    });
    expect(gbp).toMatchObject({ earned: 2700, accrued: 0, awaitingCollection: 2700, payable: 0 });
    expect(payeeOf(gbp, authorId)).toMatchObject({ earned: 1890, awaitingCollection: 1890 });
    expect(payeeOf(gbp, defaultId)).toMatchObject({ earned: 810, awaitingCollection: 810 });

    // earned ties out with where the money is, and with the statements the publisher reads.
    expect(eur.awaitingCollection + eur.payable + eur.inPayment + eur.paidOut).toBe(eur.earned);
    const statements = (await get('/v1/statements?limit=200')).body.data as any[];
    const net = (currency: string, payeeId?: string) =>
      statements
        .filter((s) => s.currency === currency && (!payeeId || s.payeeId === payeeId))
        .reduce((sum, s) => sum + (s.net as number), 0);
    expect(net('EUR')).toBe(16200);
    expect(net('EUR', authorId)).toBe(8820);
    expect(net('GBP')).toBe(2700);

    expect((await get('/v1/earnings?currency=GBP')).body.currencies).toEqual([gbp]);
    expect((await get('/v1/earnings?currency=USD')).body).toEqual({
      currencies: [
        {
          currency: 'USD',
          earned: 0,
          accrued: 0,
          awaitingCollection: 0,
          payable: 0,
          inPayment: 0,
          paidOut: 0,
          lastPostedPeriod: null,
          payees: [],
        },
      ],
    });
  });

  it('breaks a window down by month and usage type, with the top works and licensees', async () => {
    const response = await get('/v1/earnings/breakdown?currency=EUR&from=2027-05&to=2027-07');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      currency: 'EUR',
      from: '2027-05',
      to: '2027-07',
      total: 16200,
      usages: ['ai-input', 'ai-train'],
      buckets: [
        {
          key: '2027-05',
          total: 9000,
          byUsage: [
            { usage: 'ai-input', amount: 0 },
            { usage: 'ai-train', amount: 9000 },
          ],
        },
        {
          key: '2027-06',
          total: 7200,
          byUsage: [
            { usage: 'ai-input', amount: 3600 },
            { usage: 'ai-train', amount: 3600 },
          ],
        },
        {
          key: '2027-07', // calculated, not posted: not earned yet
          total: 0,
          byUsage: [
            { usage: 'ai-input', amount: 0 },
            { usage: 'ai-train', amount: 0 },
          ],
        },
      ],
      works: [
        { workId: w1, title: 'Engine', amount: 12600 },
        { workId: w2, title: 'Loom', amount: 3600 },
      ],
      licensees: [
        { licenseeId: l1.id, name: 'Acme AI', amount: 15300 },
        { licenseeId: l2.id, name: 'Babbage AI', amount: 900 },
      ],
    });
    const top1 = await get('/v1/earnings/breakdown?currency=EUR&from=2027-06&to=2027-06&top=1');
    expect(top1.body).toMatchObject({
      total: 7200,
      works: [{ workId: w1, amount: 3600 }],
      licensees: [{ licenseeId: l1.id, amount: 6300 }],
    });
    const gbp = await get('/v1/earnings/breakdown?currency=GBP&from=2027-06&to=2027-06');
    expect(gbp.body).toMatchObject({
      total: 2700,
      usages: ['ai-train'],
      works: [{ workId: w1, amount: 2700 }],
      licensees: [{ licenseeId: l3.id, name: 'Crown AI', amount: 2700 }],
    });
    const empty = await get('/v1/earnings/breakdown?currency=EUR&from=2026-01&to=2026-02');
    expect(empty.body).toEqual({
      currency: 'EUR',
      from: '2026-01',
      to: '2026-02',
      total: 0,
      usages: [],
      buckets: [
        { key: '2026-01', total: 0, byUsage: [] },
        { key: '2026-02', total: 0, byUsage: [] },
      ],
      works: [],
      licensees: [],
    });
  });

  it('shows another publisher only its own', async () => {
    const own = (await get('/v1/earnings', p2.key)).body;
    expect(own.currencies).toHaveLength(1);
    expect(own.currencies[0]).toMatchObject({
      currency: 'EUR',
      earned: 4500,
      accrued: 0,
      awaitingCollection: 4500,
      payable: 0,
      paidOut: 0,
    });
    expect(own.currencies[0].payees.map((p: any) => p.payeeId)).not.toContain(authorId);
    const breakdown = (
      await get('/v1/earnings/breakdown?currency=EUR&from=2027-05&to=2027-07', p2.key)
    ).body;
    expect(breakdown).toMatchObject({
      total: 4500,
      works: [{ workId: w3, title: 'Elsewhere', amount: 4500 }],
      licensees: [{ licenseeId: l1.id, amount: 4500 }],
    });
    const fresh = await createOrganization(h.t.http);
    expect((await get('/v1/earnings', fresh.key)).body).toEqual({ currencies: [] });
  });

  it('names the work and the licensee on each usage row, and filters by licensee', async () => {
    const rows = (await get(`/v1/usage?licenseeId=${l2.id}`)).body.data as any[];
    expect(rows).toHaveLength(2);
    expect(rows).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          workId: w2,
          workTitle: 'Loom',
          licenseeId: l2.id,
          licenseeName: 'Babbage AI',
          usage: 'ai-train',
          status: 'matched',
          units: '1000000',
        }),
        expect.objectContaining({
          workId: w1,
          workTitle: 'Engine',
          licenseeName: 'Babbage AI',
          usage: 'ai-index',
          status: 'out-of-scope',
          units: '500',
        }),
      ]),
    );
    // Paged, the names stay on every page.
    const first = (await get('/v1/usage?limit=1&status=matched')).body;
    expect(first.data[0].workTitle).toEqual(expect.any(String));
    const second = (await get(`/v1/usage?limit=1&status=matched&cursor=${first.nextCursor}`)).body;
    expect(second.data[0].licenseeName).toEqual(expect.any(String));
    expect(second.data[0]).not.toEqual(first.data[0]);
    // Another publisher's usage: not a row of p1's.
    const p2Rows = (await get('/v1/usage', p2.key)).body.data as any[];
    expect(p2Rows.map((r) => r.workId)).toEqual([w3]);
    expect((await get('/v1/usage?licenseeId=nope')).status).toBe(400);
  });

  it('is for publishers only', async () => {
    for (const path of ['/v1/earnings', '/v1/earnings/breakdown?currency=EUR']) {
      for (const key of [l1.key, finance, ADMIN_KEY]) {
        const response = await get(path, key);
        expect({ path, status: response.status }).toEqual({ path, status: 403 });
        expect(response.body.type).toBe(`${PROBLEM}forbidden`);
      }
      expect((await h.t.http.get(path)).status).toBe(401);
    }
  });

  it('refuses bad query parameters with 400 problem+json', async () => {
    const cases: [string, string, string[]][] = [
      ['/v1/earnings?foo=1', 'validation-failed', ['foo']],
      ['/v1/earnings?currency=eur', 'validation-failed', ['currency']],
      ['/v1/earnings/breakdown', 'validation-failed', ['currency']],
      ['/v1/earnings/breakdown?currency=EUR&from=2027-13', 'validation-failed', ['from']],
      ['/v1/earnings/breakdown?currency=EUR&to=2027-06-01', 'validation-failed', ['to']],
      ['/v1/earnings/breakdown?currency=EUR&top=0', 'validation-failed', ['top']],
      ['/v1/earnings/breakdown?currency=EUR&top=51', 'validation-failed', ['top']],
      ['/v1/earnings/breakdown?currency=EUR&top=x', 'validation-failed', ['top']],
      ['/v1/earnings/breakdown?currency=EUR&groupBy=work', 'validation-failed', ['groupBy']],
      ['/v1/earnings/breakdown?currency=EUR&from=2027-07&to=2027-06', 'invalid-range', ['from']],
      ['/v1/earnings/breakdown?currency=EUR&from=2017-01&to=2027-01', 'invalid-range', ['from']],
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
    const longest = await get('/v1/earnings/breakdown?currency=EUR&from=2017-01&to=2026-12');
    expect(longest.body.buckets).toHaveLength(120);
  });

  // Last: it posts July, which the tests above read as calculated only.
  it('counts one calculation per period as accrued, and none once the period is posted', async () => {
    const accrued = async () =>
      (await get('/v1/earnings?currency=EUR')).body.currencies[0].accrued as number;
    expect(await accrued()).toBe(900);
    // July calculated again: two drafts of one period, the latest counts (not 1,800).
    const again = await calculatedRun(h.t, finance, '2027-07-01', '2027-07-31');
    expect(again.body.status).toBe('calculated');
    expect(await accrued()).toBe(900);
    // The second is posted: the first draft can never be, and its 900 is in earned now.
    const posted = await h.t.http.post(
      `/v1/royalty-runs/${again.body.id as string}/post`,
      finance,
      {
        calculationHash: again.body.calculationHash,
      },
    );
    expect(posted.body.status).toBe('posted');
    expect(await accrued()).toBe(0);
    const eur = (await get('/v1/earnings?currency=EUR')).body.currencies[0];
    expect(eur.earned).toBe(16200 + 900);
  });
});
