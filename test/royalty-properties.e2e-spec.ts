import fc from 'fast-check';
import {
  allocateCommission,
  allocateExactSection,
  exactOfDecimal,
} from '../src/royalties/allocate';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/** Invariants of a royalty run over random usage and splits, one month per example. */
describe('royalty run invariants', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let payees: { id: string }[];

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1750' });
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
    payees = [];
    for (let i = 0; i < 4; i++) payees.push(await createPayee(t.http, publisher.key));
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train', 'ai-input'],
        term: { start: '2031-01-01' },
        pricing: {
          rates: [
            { usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0137' },
            { usage: 'ai-input', unit: 'request', per: 3, rate: '1.1' },
          ],
        },
      }),
    );
    expect(
      (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const wait = async (id: string) => {
    for (let attempt = 0; attempt < 200; attempt++) {
      const run = await t.http.get(`/v1/royalty-runs/${id}`, finance);
      if (run.body.status !== 'calculating') return run.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error('not calculated');
  };

  it('invoices = commission + payee credits; statements add up; the ledger balances; posting twice posts once; restatements settle exactly', async () => {
    let month = 0;
    // The previous month's report (posted), which the next example supersedes.
    let previous: { id: string; period: string; lines: Record<string, unknown>[] } | null = null;
    // Every month's charges differ (new works): so must every run's calculation hash.
    const hashes = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 12n }), { minLength: 1, maxLength: 6 }),
        fc.array(
          fc.record({
            shares: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 4 }),
            lines: fc.array(
              fc.record({
                usage: fc.constantFrom('ai-train', 'ai-input'),
                units: fc.bigInt({ min: 1n, max: 10n ** 12n }),
              }),
              { minLength: 1, maxLength: 3 },
            ),
          }),
          { minLength: 1, maxLength: 4 },
        ),
        async (restated, works) => {
          month++;
          const period = `2031-${String(month).padStart(2, '0')}`;
          // A correction of last month (posted): new units for its lines (0 drops a line), to be
          // restated in this month's run as signed adjustments.
          if (previous) {
            const corrected = previous.lines
              .map((line, i) => ({
                ...line,
                lineId: `${line.lineId as string}-r`,
                units: restated[i % restated.length].toString(),
              }))
              .filter((line, i) => i === 0 || line.units !== '0')
              .map((line) => (line.units === '0' ? { ...line, units: '1' } : line));
            const correction = await t.http.post(
              '/v1/usage-reports',
              licensee.key,
              usageReport(corrected as never, {
                reportId: `prop-${previous.period}-corrected`,
                periodStart: `${previous.period}-01`,
                periodEnd: `${previous.period}-28`,
                supersedes: previous.id,
              }),
            );
            expect(correction.status).toBe(202);
            await settledReport(t, licensee.key, correction.body.id);
          }
          const lines: Record<string, unknown>[] = [];
          for (const [w, spec] of works.entries()) {
            const weights = spec.shares.map(BigInt);
            const total = weights.reduce((a, b) => a + b, 0n);
            const bps = weights.map((x) => Number((x * 10000n) / total));
            bps[0] += 10000 - bps.reduce((a, b) => a + b, 0);
            const splits = bps
              .map((shareBps, i) => ({ payeeId: payees[i].id, shareBps }))
              .filter((split) => split.shareBps > 0);
            const work = await createWork(t.http, publisher.key, {
              identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
              splits,
            });
            spec.lines.forEach((line, i) =>
              lines.push({
                lineId: `${w}-${i}`,
                workId: work.id,
                usage: line.usage,
                units: line.units.toString(),
                unit: line.usage === 'ai-train' ? 'token' : 'request',
              }),
            );
          }
          const report = await t.http.post(
            '/v1/usage-reports',
            licensee.key,
            usageReport(lines as never, {
              reportId: `prop-${period}`,
              periodStart: `${period}-01`,
              periodEnd: `${period}-28`,
            }),
          );
          await settledReport(t, licensee.key, report.body.id);
          const corrects = previous;
          previous = { id: report.body.id, period, lines };
          const created = await t.http.post('/v1/royalty-runs', finance, {
            periodStart: `${period}-01`,
            periodEnd: `${period}-28`,
          });
          const first = await wait(created.body.id);
          expect(first.status).toBe('calculated');
          const [{ adjustments }] = await t.sql<{ adjustments: string }>(
            `SELECT count(*) AS adjustments FROM royalty_charges
              WHERE run_id = $1 AND kind = 'per-unit-adjustment'`,
            [created.body.id],
          );
          // From the second month on, last month's correction is restated.
          expect(Number(adjustments) > 0).toBe(corrects !== null);
          await t.http.post(`/v1/royalty-runs/${created.body.id as string}/recalculate`, finance);
          expect((await wait(created.body.id)).calculationHash).toBe(first.calculationHash);
          expect(first.calculationHash).toMatch(/^[0-9a-f]{64}$/);
          hashes.add(first.calculationHash as string);
          // Each invoice section over its charges by the documented rule (src/royalties/allocate.ts).
          const charges = await t.sql<{
            invoice_id: string;
            adj: boolean;
            exact: string;
            gross: string;
            commission: string;
            amount: string;
            invoice_commission: string;
          }>(
            `SELECT c.invoice_id, c.adjusts_run_id IS NOT NULL AS adj, c.exact::text, c.gross,
                    c.commission,
                    CASE WHEN c.adjusts_run_id IS NULL THEN i.amount - i.adjustment_amount
                         ELSE i.adjustment_amount END AS amount,
                    CASE WHEN c.adjusts_run_id IS NULL THEN i.commission - i.adjustment_commission
                         ELSE i.adjustment_commission END AS invoice_commission
               FROM royalty_charges c JOIN invoices i ON i.id = c.invoice_id
              WHERE c.run_id = $1 ORDER BY c.invoice_id, c.line_no`,
            [created.body.id],
          );
          const sections = new Map<string, typeof charges>();
          for (const charge of charges) {
            const key = `${charge.invoice_id}:${charge.adj}`;
            sections.set(key, [...(sections.get(key) ?? []), charge]);
          }
          for (const lines of sections.values()) {
            const grosses = allocateExactSection(
              BigInt(lines[0].amount),
              lines.map((line) => exactOfDecimal(line.exact)),
            );
            expect(lines.map((line) => BigInt(line.gross))).toEqual(grosses);
            expect(lines.map((line) => BigInt(line.commission))).toEqual(
              allocateCommission(BigInt(lines[0].invoice_commission), grosses, 1750n),
            );
          }

          const invoices = (
            await t.http.get(`/v1/invoices?runId=${created.body.id as string}`, finance)
          ).body.data;
          const statements = (
            await t.http.get(`/v1/statements?runId=${created.body.id as string}&limit=200`, finance)
          ).body.data as { id: string; net: number; commission: number; gross: number }[];
          const invoiced = invoices.reduce((s: number, i: { amount: number }) => s + i.amount, 0);
          const commission = invoices.reduce(
            (s: number, i: { commission: number }) => s + i.commission,
            0,
          );
          expect(statements.reduce((s, x) => s + x.gross, 0)).toBe(invoiced);
          expect(statements.reduce((s, x) => s + x.commission, 0)).toBe(commission);
          expect(statements.reduce((s, x) => s + x.net, 0) + commission).toBe(invoiced);
          for (const statement of statements) {
            // The lines are derived when read; the totals were summed by the calculation.
            const full = (await t.http.get(`/v1/statements/${statement.id}`, finance)).body;
            const sum = (field: 'gross' | 'commission' | 'net') =>
              full.lines.reduce((s: number, l: Record<typeof field, number>) => s + l[field], 0);
            expect([sum('gross'), sum('commission'), sum('net')]).toEqual([
              statement.gross,
              statement.commission,
              statement.net,
            ]);
          }

          const posted = await t.http.post(
            `/v1/royalty-runs/${created.body.id as string}/post`,
            finance,
          );
          expect(posted.body.status).toBe('posted');
          const count = async () =>
            Number(
              (
                await t.sql<{ n: string }>(
                  `SELECT count(*) AS n FROM ledger_transactions WHERE refs->>'royaltyRunId' = $1`,
                  [created.body.id],
                )
              )[0].n,
            );
          const once = await count();
          await t.http.post(`/v1/royalty-runs/${created.body.id as string}/post`, finance);
          expect(await count()).toBe(once);
          // One transaction per invoice that moves money (a credit note included).
          expect(once).toBeGreaterThanOrEqual(
            invoices.filter((i: { amount: number }) => i.amount !== 0).length,
          );
          expect(once).toBeLessThanOrEqual(invoices.length);
          // Every posted period is now settled on exactly the usage counting for it.
          const [{ unsettled }] = await t.sql<{ unsettled: string }>(
            `SELECT count(*) AS unsettled FROM (
               SELECT d.period_run_id, d.report_id, d.work_id, d.usage, d.unit
                 FROM (SELECT p.id AS period_run_id, a.report_id, a.work_id, a.usage, a.unit,
                              a.units
                         FROM royalty_runs p
                         JOIN usage_reports r ON r.period_start >= p.period_start
                                             AND r.period_end <= p.period_end
                         JOIN usage_aggregates a ON a.report_id = r.id
                        WHERE p.status = 'posted' AND a.status = 'matched'
                          AND r.status = 'accepted' AND r.superseded_by_id IS NULL
                          AND r.licensee_id = $1
                       UNION ALL
                       SELECT u.period_run_id, u.report_id, u.work_id, u.usage, u.unit, -u.units
                         FROM royalty_run_counted u JOIN royalty_runs x ON x.id = u.run_id
                        WHERE x.status = 'posted' AND u.licensee_id = $1) d
                GROUP BY d.period_run_id, d.report_id, d.work_id, d.usage, d.unit
               HAVING sum(d.units) <> 0) x`,
            [licensee.id],
          );
          expect(Number(unsettled)).toBe(0);
          const trial = await t.http.get('/v1/ledger/trial-balance', finance);
          expect(trial.body.balanced).toBe(true);
        },
      ),
      { numRuns: 8 },
    );
    expect(hashes.size).toBe(month);
  });
});
