import { Client } from 'pg';
import { calculated } from './factories/royalties.factory';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { financeKey, waitFor } from './support/payouts';
import { startTestApp, TestApp } from './support/test-app';

/**
 * A report superseded while a run is choosing the reports it counts: the run holds the counting
 * reports FOR SHARE, and a supersession committed while that lock waited drops the old report
 * from the locked set while its successor, committed by the same transaction, is not in that
 * statement's snapshot. The run must read the set again and count the successor — not neither.
 * The supersession is made by hand in a transaction held open (the matcher's own commits too
 * quickly to interleave), exactly as the matcher leaves it. This file keeps to 2051.
 */
describe('a supersession committed while a run locks its reports', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
  });
  afterAll(() => t.close());

  it('counts the successor, whose usage it then prices', async () => {
    const finance = await financeKey(t);
    const publisher = await createOrganization(t.http);
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const payee = await createPayee(t.http, publisher.key);
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [{ payeeId: payee.id, shareBps: 10000 }],
    });
    await agreedOffer(t.http, publisher.key, licensee.key, {
      usages: ['ai-train'],
      term: { start: '2051-01-01', end: '2051-12-31' },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '1' }] },
    });
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [{ lineId: '1', workId: work.id, usage: 'ai-train', units: 100, unit: 'token' }].map(
          (line) => ({ ...line, occurredOn: '2051-03-10' }),
        ),
        { periodStart: '2051-03-01', periodEnd: '2051-03-31' },
      ),
    );
    expect((await settledReport(t, licensee.key, sent.body.id)).body.status).toBe('accepted');
    const original = sent.body.id as string;

    // The successor, accepted, its usage 250 tokens; the original superseded — uncommitted.
    const supersession = new Client({ connectionString: t.env.DATABASE_URL });
    await supersession.connect();
    try {
      await supersession.query('BEGIN');
      const [{ id: successor }] = (
        await supersession.query<{ id: string }>(
          `INSERT INTO usage_reports (id, licensee_id, report_id, content_hash, format, period_start,
                  period_end, currency, supersedes_id, status, declared_line_count, declared_units,
                  lines_received, units_received, lines_matched, totals_by_usage,
                  created_by_principal_id, processed_at, accepted_at)
           SELECT gen_random_uuid(), licensee_id, report_id || '-corrected', content_hash, format,
                  period_start, period_end, currency, id, 'accepted', 1, 250, 1, 250, 1, '[]',
                  created_by_principal_id, now(), now()
             FROM usage_reports WHERE id = $1
           RETURNING id`,
          [original],
        )
      ).rows;
      await supersession.query(
        `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
                agreement_version, status, usage, unit, lines, units, revenue)
         SELECT $2, licensee_id, publisher_id, work_id, agreement_id, agreement_version, status,
                usage, unit, lines, 250, revenue
           FROM usage_aggregates WHERE report_id = $1`,
        [original, successor],
      );
      await supersession.query(
        `UPDATE usage_reports SET superseded_by_id = $2, superseded_at = now() WHERE id = $1`,
        [original, successor],
      );

      const created = await t.http.post('/v1/royalty-runs', finance, {
        periodStart: '2051-03-01',
        periodEnd: '2051-03-31',
      });
      expect(created.status).toBe(202);
      // The run waits for the original's row lock, held by the supersession.
      await waitFor(
        async () =>
          (
            await t.sql<{ waiting: boolean }>(
              `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
                               WHERE datname = current_database() AND wait_event_type = 'Lock'
                                 AND query LIKE '%FOR SHARE%') AS waiting`,
            )
          )[0].waiting,
        (waiting) => waiting,
      );
      await supersession.query('COMMIT');

      const run = await calculated(t, finance, created.body.id as string);
      expect(run.body.status).toBe('calculated');
      expect(
        await t.sql(`SELECT report_id FROM royalty_run_reports WHERE run_id = $1`, [run.body.id]),
      ).toEqual([{ report_id: successor }]);
      // 250 tokens at 1 per token: 250 invoiced, 25 commission.
      const invoices = await t.sql<{ amount: string; commission: string }>(
        `SELECT amount, commission FROM invoices WHERE run_id = $1`,
        [run.body.id],
      );
      expect(invoices.map((i) => [Number(i.amount), Number(i.commission)])).toEqual([[250, 25]]);
    } finally {
      await supersession.query('ROLLBACK').catch(() => undefined);
      await supersession.end();
    }
  });
});
