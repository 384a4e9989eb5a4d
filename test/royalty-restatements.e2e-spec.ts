import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { UsageRematcher } from '../src/usage/usage-rematcher';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

interface Line {
  kind: string;
  workId: string | null;
  units: string | null;
  gross: number;
  commission: number;
  net: number;
  adjustment: { runId: string; periodStart: string; periodEnd: string; reportIds: string[] } | null;
}

/**
 * Restatements, worked by hand (docs/ROYALTIES.md). Runs cover every licensee's usage: this
 * file keeps to 2036 and 2037, which no other test uses, and leaves every change settled.
 */
describe('royalty restatements', () => {
  let t: TestApp;
  let finance: string;

  const calculated = async (id: string) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const run = await t.http.get(`/v1/royalty-runs/${id}`, finance);
      if (run.body.status !== 'calculating') return run.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`royalty run ${id} was not calculated in time`);
  };
  const runFor = async (periodStart: string, periodEnd: string) => {
    const created = await t.http.post('/v1/royalty-runs', finance, { periodStart, periodEnd });
    expect(created.status).toBe(202);
    const run = await calculated(created.body.id);
    expect(run).toMatchObject({ status: 'calculated', failure: null });
    return run as { id: string; calculationHash: string; summary: Record<string, unknown> };
  };
  const report = async (
    licensee: OrganizationFixture,
    reportId: string,
    period: [string, string],
    lines: { workId?: string; identifier?: string; units: number; revenue?: number }[],
    supersedes?: string,
  ): Promise<string> => {
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        lines.map((line, i) => ({
          lineId: `${reportId}-${i}`,
          ...line,
          usage: 'ai-train',
          units: line.units,
          unit: 'token',
        })),
        {
          reportId,
          periodStart: period[0],
          periodEnd: period[1],
          ...(supersedes ? { supersedes } : {}),
        },
      ),
    );
    expect(sent.status).toBe(202);
    const settled = await settledReport(t, licensee.key, sent.body.id);
    expect(settled.body.status).toBe('accepted');
    return sent.body.id as string;
  };
  const statementsOf = async (runId: string) => {
    const list = (await t.http.get(`/v1/statements?runId=${runId}&limit=200`, finance)).body
      .data as { id: string; payeeId: string; gross: number; commission: number; net: number }[];
    const byPayee: Record<
      string,
      { id: string; gross: number; commission: number; net: number; lines: Line[] }
    > = {};
    for (const statement of list) {
      const full = (await t.http.get(`/v1/statements/${statement.id}`, finance)).body;
      const lines = full.lines as Line[];
      // Every statement's lines sum to its total.
      expect(lines.reduce((s, l) => s + l.gross, 0)).toBe(statement.gross);
      expect(lines.reduce((s, l) => s + l.commission, 0)).toBe(statement.commission);
      expect(lines.reduce((s, l) => s + l.net, 0)).toBe(statement.net);
      byPayee[statement.payeeId] = { ...statement, lines };
    }
    return byPayee;
  };
  /** Per payee: [gross, commission, net]. */
  const totals = (statements: Record<string, { gross: number; commission: number; net: number }>) =>
    Object.fromEntries(
      Object.entries(statements).map(([payee, s]) => [payee, [s.gross, s.commission, s.net]]),
    );
  const balancesOf = async (key: string) => {
    const rows = (await t.http.get('/v1/balances', key)).body.data as {
      type: string;
      ownerId: string;
      balance: number;
    }[];
    return Object.fromEntries(rows.map((b) => [`${b.type}:${b.ownerId}`, b.balance]));
  };

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    finance = (
      await t.http.post(
        `/v1/organizations/${me.body.organization.id as string}/api-keys`,
        ADMIN_KEY,
        { principalName: `finance-${Math.random().toString(36).slice(2)}`, role: 'finance' },
      )
    ).body.key;
  });
  afterAll(() => t.close());

  /** A publisher with payees A, B, C, works w1 (A 60 % / B 40 %), w2 (C), w3 (B), one agreement. */
  const catalogue = async (year: number, pricing: Record<string, unknown> = {}) => {
    const publisher = await createOrganization(t.http);
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const [a, b, c] = [
      await createPayee(t.http, publisher.key),
      await createPayee(t.http, publisher.key),
      await createPayee(t.http, publisher.key),
    ];
    const work = (splits: { payeeId: string; shareBps: number }[]) =>
      createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
        splits,
      });
    const w1 = await work([
      { payeeId: a.id, shareBps: 6000 },
      { payeeId: b.id, shareBps: 4000 },
    ]);
    const w2 = await work([{ payeeId: c.id, shareBps: 10000 }]);
    const w3 = await work([{ payeeId: b.id, shareBps: 10000 }]);
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: `${year}-01-01`, end: `${year}-12-31` },
        // 2 cents per 1000 tokens.
        pricing: {
          rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '2' }],
          ...pricing,
        },
      }),
    );
    const agreement = await t.http.post('/v1/agreements', licensee.key, {
      offerId: offer.body.id,
    });
    expect(agreement.status).toBe(201);
    return { publisher, licensee, a, b, c, w1, w2, w3, agreementId: agreement.body.id as string };
  };

  it('worked example: a superseding and a late report for a posted January restated in February; a negative payable carried forward', async () => {
    const { publisher, licensee, a, b, c, w1, w2, w3, agreementId } = await catalogue(2036);
    const before = await ledgerBalances(t.http, finance, 'EUR');
    const jan: [string, string] = ['2036-01-01', '2036-01-31'];
    const feb: [string, string] = ['2036-02-01', '2036-02-29'];

    // January: w1 100,000 tokens (200 cents), w2 50,000 (100): invoice 300, commission 30.
    const r1 = await report(licensee, 'jan', jan, [
      { workId: w1.id, units: 100000 },
      { workId: w2.id, units: 50000 },
    ]);
    const january = await runFor(...jan);
    expect(january.summary).toMatchObject({
      byCurrency: [{ currency: 'EUR', invoices: 1, invoiced: 300, commission: 30, payees: 270 }],
    });
    expect((await t.http.post(`/v1/royalty-runs/${january.id}/post`, finance)).status).toBe(200);

    // After posting: January is corrected (w1 down to 40,250, w2 up to 80,125), a late report
    // adds w3 10,300 tokens, and February's own usage arrives (w1 5,000, w3 20,000).
    const r2 = await report(
      licensee,
      'jan-corrected',
      jan,
      [
        { workId: w1.id, units: 40250 },
        { workId: w2.id, units: 80125 },
      ],
      r1,
    );
    const r3 = await report(licensee, 'jan-late', jan, [{ workId: w3.id, units: 10300 }]);
    await report(licensee, 'feb', feb, [
      { workId: w1.id, units: 5000 },
      { workId: w3.id, units: 20000 },
    ]);
    // January stays posted: a run for it again is refused; its changes go into February's run.
    const again = await t.http.post('/v1/royalty-runs', finance, {
      periodStart: jan[0],
      periodEnd: jan[1],
    });
    expect(again.status).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    expect(again.body.type).toBe(`${PROBLEM}period-already-posted`);

    const february = await runFor(...feb);
    // Own section: w1 10 + w3 40 = 50, commission 5.
    // Adjustments of January: w1 −59,750 tokens = −119.5, w2 +30,125 = +60.25, w3 +10,300 = +20.6;
    // exact −38.65 → −39 (half-even), commission −3.9 → −4.
    const invoices = (await t.http.get(`/v1/invoices?runId=${february.id}`, finance)).body.data;
    expect(invoices).toEqual([
      expect.objectContaining({
        agreementId,
        exactTotal: '11.35',
        amount: 11,
        commission: 1,
        payeeTotal: 10,
        adjustmentExact: '-38.65',
        adjustmentAmount: -39,
        adjustmentCommission: -4,
        paymentStatus: 'not-issued',
        paid: 0,
        outstanding: 0,
      }),
    ]);
    // The run's invoices that restate a posted period, and none of January's.
    const adjusted = (q: string) =>
      t.http.get(`/v1/invoices?${q}&adjusted=true`, finance).then((r) => r.body.data);
    expect(await adjusted(`runId=${february.id}`)).toEqual(invoices);
    expect(
      (await t.http.get(`/v1/invoices?runId=${february.id}&adjusted=false`, finance)).body.data,
    ).toEqual([]);
    expect(await adjusted(`runId=${january.id}`)).toEqual([]);
    const charges = await t.sql<{
      kind: string;
      work_id: string;
      units: string;
      exact: string;
      gross: string;
      commission: string;
    }>(
      `SELECT kind, work_id, units::text, exact::text, gross::text, commission::text
         FROM royalty_charges WHERE run_id = $1 ORDER BY line_no`,
      [february.id],
    );
    // Adjustment gross: floors −120, 60, 20 (sum −40); the one unit left goes to the largest
    // fraction (w3's .6). Commission (exact × 10 %): −11.95, 6.025, 2.06 floored to −12, 6, 2 = −4.
    expect(
      charges.map((c) => [
        c.kind,
        c.work_id,
        Number(c.units),
        Number(c.exact),
        c.gross,
        c.commission,
      ]),
    ).toEqual(
      expect.arrayContaining([
        ['per-unit', w1.id, 5000, 10, '10', '1'],
        ['per-unit', w3.id, 20000, 40, '40', '4'],
        ['per-unit-adjustment', w1.id, -59750, -119.5, '-120', '-12'],
        ['per-unit-adjustment', w2.id, 30125, 60.25, '60', '6'],
        ['per-unit-adjustment', w3.id, 10300, 20.6, '21', '2'],
      ]),
    );
    expect(charges).toHaveLength(5);
    // Numbered in allocation order: the period's own charges, then the adjustments, each by the
    // largest fraction first (20.6, −119.5 → .5, 60.25), ties by kind and work.
    expect(charges.map((c) => c.work_id)).toEqual([...[w1.id, w3.id].sort(), w3.id, w1.id, w2.id]);

    const statements = await statementsOf(february.id);
    // A: w1 6/1/5 (60 %; the commission's unit to the larger remainder) and w1's adjustment
    // −72/−7/−65 (of −120 / −12: 7.2 → 7, 4.8 → 4 + the unit left → B) = −66/−6/−60.
    // B: w1 4/0/4, w3 40/4/36, w1 adj −48/−5/−43, w3 adj 21/2/19 = 17/1/16. C: w2 adj 60/6/54.
    expect(totals(statements)).toEqual({
      [a.id]: [-66, -6, -60],
      [b.id]: [17, 1, 16],
      [c.id]: [60, 6, 54],
    });
    const reference = {
      runId: january.id,
      periodStart: jan[0],
      periodEnd: jan[1],
    };
    expect(statements[a.id].lines).toEqual([
      expect.objectContaining({
        kind: 'per-unit',
        workId: w1.id,
        gross: 6,
        net: 5,
        adjustment: null,
      }),
      expect.objectContaining({
        kind: 'per-unit-adjustment',
        workId: w1.id,
        units: '-59750',
        gross: -72,
        commission: -7,
        net: -65,
        adjustment: { ...reference, reportIds: [r1, r2].sort() },
      }),
    ]);
    expect(statements[c.id].lines).toEqual([
      expect.objectContaining({
        kind: 'per-unit-adjustment',
        workId: w2.id,
        units: '30125',
        net: 54,
        adjustment: { ...reference, reportIds: [r1, r2].sort() },
      }),
    ]);
    expect(
      statements[b.id].lines.find((l) => l.kind === 'per-unit-adjustment' && l.workId === w3.id),
    ).toMatchObject({
      gross: 21,
      commission: 2,
      net: 19,
      adjustment: { ...reference, reportIds: [r3] },
    });
    const csv = await t.http.get(`/v1/statements/${statements[a.id].id}`, finance, {
      accept: 'text/csv',
    });
    const rows = csv.text.trim().split('\n');
    expect(rows[2].split(',').slice(-5)).toEqual([
      jan[0],
      jan[1],
      january.id,
      [r1, r2].sort().join(' '),
      '',
    ]);
    expect(rows[3]).toBe('total,,,,,,,,,,-66,-6,-60,,,,,');

    // Recalculating gives the same figures; posting twice posts once.
    await t.http.post(`/v1/royalty-runs/${february.id}/recalculate`, finance);
    expect((await calculated(february.id)).calculationHash).toBe(february.calculationHash);
    expect((await t.http.post(`/v1/royalty-runs/${february.id}/post`, finance)).status).toBe(200);
    expect((await t.http.post(`/v1/royalty-runs/${february.id}/post`, finance)).status).toBe(200);
    expect(
      await t.sql(`SELECT id FROM ledger_transactions WHERE refs->>'royaltyRunId' = $1`, [
        february.id,
      ]),
    ).toHaveLength(1);

    // A's −60 is taken from its payable at once (negative, carried forward); B's and C's
    // earnings wait for the licensee's payment like any other.
    const key = (type: string, payee: { id: string }) => `${type}:${payee.id}`;
    let balances = await balancesOf(publisher.key);
    expect(balances).toMatchObject({
      [key('payee-awaiting-collection', a)]: 108,
      [key('payee-payable', a)]: -60,
      [key('payee-awaiting-collection', b)]: 72 + 16,
      [key('payee-awaiting-collection', c)]: 90 + 54,
    });
    expect(await balancesOf(licensee.key)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 311,
    });
    // Both runs, and nothing else: 300 + 11 owed, 30 + 1 commission, the payees' nets.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 311,
      'platform-commission:platform': 31,
      [key('payee-awaiting-collection', a)]: 108,
      [key('payee-payable', a)]: -60,
      [key('payee-awaiting-collection', b)]: 88,
      [key('payee-awaiting-collection', c)]: 144,
    });

    // The licensee pays both invoices: January's releases A's 108 (its payable becomes 48),
    // February's releases what waits on it (B 16, C 54).
    const invoiceOf = async (runId: string) =>
      (await t.http.get(`/v1/invoices?runId=${runId}`, finance)).body.data[0].id as string;
    const paidJan = await t.http.post(
      `/v1/invoices/${await invoiceOf(january.id)}/payments`,
      finance,
      {
        amount: 300,
      },
    );
    expect(paidJan.status).toBe(201);
    const paidFeb = await t.http.post(
      `/v1/invoices/${await invoiceOf(february.id)}/payments`,
      finance,
      {
        amount: 11,
      },
    );
    expect(paidFeb.status).toBe(201);
    expect(
      Object.fromEntries(
        (paidFeb.body.released as { payeeId: string; amount: number }[]).map((r) => [
          r.payeeId,
          r.amount,
        ]),
      ),
    ).toEqual({ [b.id]: 16, [c.id]: 54 });
    balances = await balancesOf(publisher.key);
    expect(balances).toMatchObject({
      [key('payee-awaiting-collection', a)]: 0,
      [key('payee-payable', a)]: 48,
      [key('payee-awaiting-collection', b)]: 0,
      [key('payee-payable', b)]: 88,
      [key('payee-awaiting-collection', c)]: 0,
      [key('payee-payable', c)]: 144,
    });
    // Paid in full: the 311 in Stripe clearing, every net payable, nothing owed or awaiting.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      'platform-commission:platform': 31,
      'platform-stripe-clearing:platform': 311,
      [key('payee-payable', a)]: 48,
      [key('payee-payable', b)]: 88,
      [key('payee-payable', c)]: 144,
    });
    expect((await t.http.get('/v1/ledger/verify', finance)).body.ok).toBe(true);

    // Settled once: March restates nothing.
    const march = await runFor('2036-03-01', '2036-03-31');
    expect(march.summary).toMatchObject({ statements: 0, byCurrency: [] });
  });

  it('a re-matched suspense line, an adjustment settled once (a stale run must be recalculated), and a credit note', async () => {
    const { publisher, licensee, a, b, c, w1, w2, agreementId } = await catalogue(2037);
    const before = await ledgerBalances(t.http, finance, 'EUR');
    const march: [string, string] = ['2037-03-01', '2037-03-31'];
    const unknown = freshIsbn().isbn13;
    // March: w1 50,000 tokens (100 cents), w2 25,000 (50); 10,000 tokens of a book not yet
    // registered wait in suspense. Invoice 150, commission 15.
    const r1 = await report(licensee, 'mar', march, [
      { workId: w1.id, units: 50000 },
      { workId: w2.id, units: 25000 },
      { identifier: `isbn:${unknown}`, units: 10000 },
    ]);
    const marchRun = await runFor(...march);
    expect(marchRun.summary).toMatchObject({
      byCurrency: [{ currency: 'EUR', invoices: 1, invoiced: 150, commission: 15, payees: 135 }],
    });
    await t.http.post(`/v1/royalty-runs/${marchRun.id}/post`, finance);

    // The book is registered (C's) after March was posted: its line leaves suspense.
    const w4 = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: unknown }],
      splits: [{ payeeId: c.id, shareBps: 10000 }],
    });
    await t.app.get(UsageRematcher).rematch(r1);
    expect((await t.http.get(`/v1/usage-reports/${r1}`, licensee.key)).body.counts).toMatchObject({
      matched: 3,
      unmatched: 0,
    });
    // March counted r1's aggregates as they were (generation 0); the re-match is generation 1.
    expect(
      await t.sql(
        `SELECT r.generation AS counted, u.aggregate_generation AS now,
                (SELECT array_agg(DISTINCT a.generation ORDER BY a.generation)
                   FROM usage_aggregates a WHERE a.report_id = r.report_id) AS generations
           FROM royalty_run_reports r JOIN usage_reports u ON u.id = r.report_id
          WHERE r.run_id = $1`,
        [marchRun.id],
      ),
    ).toEqual([{ counted: 0, now: 1, generations: [0, 1] }]);

    // April and May are both calculated while March's change is unsettled: each restates it
    // (+10,000 tokens = 20 cents, commission 2, C's 18).
    const april = await runFor('2037-04-01', '2037-04-30');
    const may = await runFor('2037-05-01', '2037-05-31');
    for (const run of [april, may]) {
      expect(run.summary).toMatchObject({
        byCurrency: [{ currency: 'EUR', invoices: 1, invoiced: 20, commission: 2, payees: 18 }],
      });
    }
    const aprilLines = (await statementsOf(april.id))[c.id].lines;
    expect(aprilLines).toEqual([
      expect.objectContaining({
        kind: 'per-unit-adjustment',
        workId: w4.id,
        units: '10000',
        gross: 20,
        commission: 2,
        net: 18,
        adjustment: {
          runId: marchRun.id,
          periodStart: march[0],
          periodEnd: march[1],
          reportIds: [r1],
        },
      }),
    ]);
    expect((await t.http.post(`/v1/royalty-runs/${april.id}/post`, finance)).status).toBe(200);
    // May would restate March a second time: refused until recalculated, then nothing is left.
    const stale = await t.http.post(`/v1/royalty-runs/${may.id}/post`, finance);
    expect(stale.status).toBe(409);
    expect(stale.headers['content-type']).toContain('application/problem+json');
    expect(stale.body).toMatchObject({
      type: `${PROBLEM}adjustments-stale`,
      postedRunId: april.id,
    });
    await t.http.post(`/v1/royalty-runs/${may.id}/recalculate`, finance);
    expect((await calculated(may.id)).summary).toMatchObject({ statements: 0, byCurrency: [] });
    expect((await t.http.post(`/v1/royalty-runs/${may.id}/post`, finance)).status).toBe(200);

    // March corrected down to w1 5,000 and w2 2,500 tokens (the book's line dropped): June, with
    // no usage of its own, restates w1 −45,000 = −90, w2 −22,500 = −45, w4 −10,000 = −20:
    // a credit note of −155, commission −15.5 → −16 (half-even), payees −139.
    const r2 = await report(
      licensee,
      'mar-corrected',
      march,
      [
        { workId: w1.id, units: 5000 },
        { workId: w2.id, units: 2500 },
      ],
      r1,
    );
    const june = await runFor('2037-06-01', '2037-06-30');
    const [invoice] = (await t.http.get(`/v1/invoices?runId=${june.id}`, finance)).body.data;
    expect(invoice).toMatchObject({
      agreementId,
      exactTotal: '-155',
      amount: -155,
      commission: -16,
      payeeTotal: -139,
      adjustmentAmount: -155,
      adjustmentCommission: -16,
    });
    // Commission by line: −9, −4.5 → −5, −2 (floors, nothing left). w1's −90 / −9 by 60/40:
    // A −54 / −5 (5.4 → 5), B −36 / −4 (3.6 → 3, + the unit left).
    const statements = await statementsOf(june.id);
    expect(totals(statements)).toEqual({
      [a.id]: [-54, -5, -49],
      [b.id]: [-36, -4, -32],
      [c.id]: [-65, -7, -58],
    });
    expect(statements[c.id].lines.map((l) => [l.workId, l.adjustment?.reportIds])).toEqual(
      expect.arrayContaining([
        [w2.id, [r1, r2].sort()],
        [w4.id, [r1]],
      ]),
    );
    expect((await t.http.post(`/v1/royalty-runs/${june.id}/post`, finance)).status).toBe(200);

    // A credit note: the receivable is credited (150 + 20 − 155 = 15 left), the commission
    // debited, and every payee's share taken from its payable at once.
    const key = (type: string, payee: { id: string }) => `${type}:${payee.id}`;
    expect(await balancesOf(publisher.key)).toEqual({
      [key('payee-awaiting-collection', a)]: 54,
      [key('payee-awaiting-collection', b)]: 36,
      [key('payee-awaiting-collection', c)]: 45 + 18,
      [key('payee-payable', a)]: -49,
      [key('payee-payable', b)]: -32,
      [key('payee-payable', c)]: -58,
    });
    expect(await balancesOf(licensee.key)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 15,
    });
    // And the platform's commission: 15 + 2 − 16 = 1. Nothing else moved.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      ...(await balancesOf(publisher.key)),
      [`licensee-receivable:${licensee.id}`]: 15,
      'platform-commission:platform': 1,
    });
    const pay = await t.http.post(`/v1/invoices/${invoice.id as string}/payments`, finance, {
      amount: 1,
    });
    expect(pay.status).toBe(409);
    expect(pay.headers['content-type']).toContain('application/problem+json');
    expect(pay.body).toMatchObject({ type: `${PROBLEM}invoice-is-credit-note`, amount: -155 });
    const bad = await t.http.post(`/v1/invoices/${invoice.id as string}/payments`, finance, {
      amount: -155,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe(`${PROBLEM}validation-failed`);

    // Settled once: July restates nothing.
    const july = await runFor('2037-07-01', '2037-07-31');
    expect(july.summary).toMatchObject({ statements: 0, byCurrency: [] });
  });

  it('revenue share restated with the same bps; the corrected period’s minimum guarantee stays as it was', async () => {
    const { publisher, licensee, b, c, w2, w3 } = await catalogue(2038, {
      revenueShareBps: 1000,
      minimumGuarantee: { amount: 1000, period: 'month' },
    });
    const before = await ledgerBalances(t.http, finance, 'EUR');
    const jan: [string, string] = ['2038-01-01', '2038-01-31'];
    // January: w2 100,000 tokens (200) and revenue 3,000 at 10 % (300): 500, the guarantee's
    // shortfall 500 on top → 1000, commission 100, all C's.
    const r1 = await report(licensee, 'jan', jan, [
      { workId: w2.id, units: 100000, revenue: 3000 },
    ]);
    const january = await runFor(...jan);
    expect(january.summary).toMatchObject({
      byCurrency: [{ currency: 'EUR', invoices: 1, invoiced: 1000, commission: 100, payees: 900 }],
    });
    await t.http.post(`/v1/royalty-runs/${january.id}/post`, finance);

    // Corrected: 150,000 tokens (+100) and revenue 1,000 (−200). Recomputing January would give
    // the same 1000 (a larger shortfall); the rule keeps its guarantee as it was: −100 restated.
    const r2 = await report(
      licensee,
      'jan-corrected',
      jan,
      [{ workId: w2.id, units: 150000, revenue: 1000 }],
      r1,
    );
    // February: w3 10,000 tokens (20); its shortfall 980 leaves the adjustments out.
    await report(licensee, 'feb', ['2038-02-01', '2038-02-28'], [{ workId: w3.id, units: 10000 }]);
    const february = await runFor('2038-02-01', '2038-02-28');
    const [invoice] = (await t.http.get(`/v1/invoices?runId=${february.id}`, finance)).body.data;
    expect(invoice).toMatchObject({
      amount: 900,
      commission: 90,
      payeeTotal: 810,
      adjustmentExact: '-100',
      adjustmentAmount: -100,
      adjustmentCommission: -10,
    });
    const statements = await statementsOf(february.id);
    expect(totals(statements)).toEqual({ [b.id]: [1000, 100, 900], [c.id]: [-100, -10, -90] });
    const reference = {
      runId: january.id,
      periodStart: jan[0],
      periodEnd: jan[1],
      reportIds: [r1, r2].sort(),
    };
    expect(statements[c.id].lines).toEqual([
      expect.objectContaining({
        kind: 'per-unit-adjustment',
        units: '50000',
        gross: 100,
        commission: 10,
        adjustment: reference,
      }),
      expect.objectContaining({
        kind: 'revenue-share-adjustment',
        units: '-2000',
        rate: '1000',
        per: 10000,
        gross: -200,
        commission: -20,
        adjustment: reference,
      }),
    ]);
    expect(statements[b.id].lines.map((l) => [l.kind, l.gross])).toEqual([
      ['minimum-guarantee', 980],
      ['per-unit', 20],
    ]);
    await t.http.post(`/v1/royalty-runs/${february.id}/post`, finance);
    expect(await balancesOf(publisher.key)).toEqual({
      [`payee-awaiting-collection:${b.id}`]: 900,
      [`payee-awaiting-collection:${c.id}`]: 900,
      [`payee-payable:${c.id}`]: -90,
    });
    // Owed 1,000 + 900; commission 100 + 90; the payees' nets above; nothing else.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 1900,
      'platform-commission:platform': 190,
      [`payee-awaiting-collection:${b.id}`]: 900,
      [`payee-awaiting-collection:${c.id}`]: 900,
      [`payee-payable:${c.id}`]: -90,
    });
    const march = await runFor('2038-03-01', '2038-03-31');
    // March: the guarantee alone, to the publisher's default payee; nothing restated.
    expect(march.summary).toMatchObject({ byCurrency: [{ invoiced: 1000 }] });
    expect(
      await t.sql(`SELECT 1 FROM royalty_charges WHERE run_id = $1 AND kind LIKE '%-adjustment'`, [
        march.id,
      ]),
    ).toEqual([]);
    // Posted, so no later run of another file sees it unsettled.
    await t.http.post(`/v1/royalty-runs/${march.id}/post`, finance);
  });
  it('a re-match adding to a key the report already has is counted once, summed', async () => {
    const { publisher, licensee, a, b, w1 } = await catalogue(2035);
    const may: [string, string] = ['2035-05-01', '2035-05-31'];
    const later = freshIsbn().isbn13;
    // w1 30,000 tokens, and 20,000 more under an ISBN no work has yet: in suspense.
    const r1 = await report(licensee, 'may-rematch', may, [
      { workId: w1.id, units: 30000 },
      { identifier: `isbn:${later}`, units: 20000 },
    ]);
    // The ISBN turns out to be w1's: the suspended line joins w1's key as a delta row.
    const current = (await t.http.get(`/v1/works/${w1.id}`, publisher.key)).body;
    const patched = await t.http.request('PATCH', `/v1/works/${w1.id}`, {
      key: publisher.key,
      body: {
        identifiers: [
          ...current.identifiers.map((i: { scheme: string; value: string }) => ({
            scheme: i.scheme,
            value: i.value,
          })),
          { scheme: 'isbn', value: later },
        ],
      },
    });
    expect(patched.status).toBe(200);
    await t.app.get(UsageRematcher).rematch(r1);
    const [{ rows }] = await t.sql<{ rows: string }>(
      `SELECT count(*) AS rows FROM usage_aggregates
        WHERE report_id = $1 AND status = 'matched' AND work_id = $2`,
      [r1, w1.id],
    );
    expect(rows).toBe('2');

    // One charge of 50,000 tokens = 100 cents (2 per 1,000), split 60/40 after 10 % commission.
    const run = await runFor(...may);
    const charges = await t.sql<{ work_id: string; units: string; gross: string }>(
      `SELECT work_id, units::text, gross::text FROM royalty_charges WHERE run_id = $1`,
      [run.id],
    );
    expect(charges).toEqual([{ work_id: w1.id, units: '50000', gross: '100' }]);
    const statements = await statementsOf(run.id);
    expect(statements[a.id].lines).toEqual([
      expect.objectContaining({ units: '50000', gross: 60, commission: 6, net: 54 }),
    ]);
    expect(statements[b.id].lines).toEqual([
      expect.objectContaining({ units: '50000', gross: 40, commission: 4, net: 36 }),
    ]);
  });
});
