import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { isUUID } from 'class-validator';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { fixedCharges, FixedCharge, revenueShares, RevenueShare } from './fixed-charges';
import { RunRate, runRates } from './run-rates';

interface RunRow {
  id: string;
  status: string;
  period_start: string;
  period_end: string;
  commission_bps: number;
}

/** A run's id as an SQL literal, for DDL (which takes no parameters); refused unless a uuid. */
const literalUuid = (id: string): string => {
  if (!isUUID(id)) throw new Error(`not a uuid: ${id}`);
  return `'${id}'::uuid`;
};

/** A field's binary form, a null marked apart from any value. */
const orNull = (bytes: string): string => `COALESCE('\\x01'::bytea || ${bytes}, '\\x00'::bytea)`;
/** Text, length-prefixed: "ab" + "c" and "a" + "bc" differ. */
const text = (column: string): string =>
  orNull(`int4send(octet_length(${column})) || textsend(${column})`);

/** A charge (royalty_charges c) as bytes for the run's digest; numerics and arrays carry their own lengths. */
const CHARGE_BYTES = [
  'int4send(c.line_no)',
  text('c.kind'),
  'uuid_send(c.agreement_id)',
  orNull('uuid_send(c.work_id)'),
  text('c.usage'),
  text('c.unit'),
  orNull('numeric_send(c.units)'),
  orNull('numeric_send(c.rate)'),
  orNull('int8send(c.per)'),
  'int8send(c.gross)',
  'int8send(c.commission)',
  orNull('int4send(c.split_version)'),
  orNull('uuid_send(c.adjusts_run_id)'),
  orNull('array_send(c.adjusts_report_ids)'),
].join(' || ');

/**
 * Calculates a royalty run in the database, as a preview that posting makes final:
 * 1. the matched usage of the reports that count for the period, by agreement version, work,
 *    usage type and unit (from usage_aggregates);
 * 2. per-unit charges, exact: units / per × rate (numeric);
 * 3. one invoice per agreement: the exact sum rounded half-even once; the commission
 *    (half-even) of that;
 * 4. the invoice over its charges by largest remainder of their exact amounts, its commission by
 *    largest remainder of their grosses × bps, then each charge over the work's payees by the splits in force at the period's end
 *    (largest remainder of the shares), so every minor unit is accounted for;
 * 5. statements per payee and currency, with their totals by invoice; a statement's lines are
 *    not written but derived from the charges when read (statements.service), each charge
 *    recording the split version it is shared by.
 * Usage that changed for a posted period since it was settled (superseded, late, re-matched) is
 * priced as signed adjustment lines in the same run, an invoice section of their own
 * (docs/ROYALTIES.md, restatements).
 * Ids derive from the run and what they describe, and every order is total, so calculating the
 * same period twice on the same data gives the same statements, byte for byte.
 */
@Injectable()
export class RoyaltyCalculator {
  private readonly logger = new Logger(RoyaltyCalculator.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
    private readonly ledger: LedgerService,
  ) {}

  async unfinished(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM royalty_runs WHERE status = 'calculating' ORDER BY id`,
    );
    return rows.map((row) => row.id);
  }

  async calculate(runId: string): Promise<void> {
    const started = Date.now();
    await this.dataSource.transaction(async (manager) => {
      const [run] = await manager.query<RunRow[]>(
        `SELECT id, status, period_start, period_end, commission_bps FROM royalty_runs
          WHERE id = $1 FOR UPDATE`,
        [runId],
      );
      if (!run || run.status !== 'calculating') return;
      // Not beside a posting: the settled state the adjustments are taken against holds still,
      // and a run posted later has a later posted_at than this calculated_at.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('royalty-run-posting'))`);
      // Set-based over a million charges and millions of statement lines: hash joins and
      // aggregates and sorts in memory, and no JIT compilation (it costs more than it saves on
      // these short statements).
      await manager.query(`SET LOCAL work_mem = '1GB'`);
      await manager.query(`SET LOCAL jit = off`);
      // Nor parallel workers: the few statements that read shared tables move a million rows
      // each, and a Gather shipping them through its queues took 3.5 s where one process took
      // 0.9 s (the counted usage priced, at 10M lines; 2 cores).
      await manager.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
      await this.clear(manager, run.id);
      await this.charges(manager, run);
      await this.invoices(manager, run);
      // Without statistics the planner takes the run's million charges for a few thousand rows
      // and probes the works one by one for them (3 s at 10M lines). Row counts and widths are
      // what it needs: a small sample gives them (the default one took 0.17 s).
      await manager.query(`SET LOCAL default_statistics_target = 10`);
      await manager.query(`ANALYZE run_charges`);
      await manager.query(`RESET default_statistics_target`);
      await this.allocate(manager, run);
      await this.repayAdvances(manager);
      await this.statements(manager, run);
      const summary = await this.summary(manager, run.id);
      await manager.query(
        `UPDATE royalty_runs SET status = 'calculated', calculated_at = clock_timestamp(), summary = $2,
                lines_stored = false,
                calculation_hash = $3, failure = NULL
          WHERE id = $1`,
        [run.id, JSON.stringify(summary.figures), summary.hash],
      );
    });
    this.logger.log({ runId, ms: Date.now() - started }, 'royalty run calculated');
  }

  private async clear(manager: EntityManager, runId: string): Promise<void> {
    await manager.query(
      `DELETE FROM statement_invoices l USING statements s WHERE l.statement_id = s.id AND s.run_id = $1`,
      [runId],
    );
    await manager.query(
      `DELETE FROM statement_lines l USING statements s WHERE l.statement_id = s.id AND s.run_id = $1`,
      [runId],
    );
    await manager.query(`DELETE FROM statements WHERE run_id = $1`, [runId]);
    // A run's charges are a partition of their own: emptied whole. Only a run still calculating
    // is cleared (its charges not posted: the calculator checked).
    const partition = await this.chargesPartition(manager, runId);
    if (partition.exists) await manager.query(`TRUNCATE ${partition.name}`);
    await manager.query(`DELETE FROM invoices WHERE run_id = $1`, [runId]);
    await manager.query(`DELETE FROM royalty_run_usage WHERE run_id = $1`, [runId]);
    await manager.query(`DELETE FROM royalty_run_reports WHERE run_id = $1`, [runId]);
  }

  /**
   * The reports the run counts, each with the generation of its aggregates it reads, recorded so
   * a later run can restate the difference (royalty_run_counted); held FOR SHARE until the run
   * commits, so neither a re-match nor a supersession changes them under it. A supersession
   * committed while the lock waited drops the old report from the locked set, and its successor,
   * accepted in the same commit, is not in that statement's snapshot: so the set is read again
   * (a new snapshot) and locked again until no counting report is missing.
   */
  private async countedReports(manager: EntityManager, run: RunRow): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      await manager.query(`DELETE FROM royalty_run_reports WHERE run_id = $1`, [run.id]);
      await manager.query(
        `WITH counting AS (
           SELECT id, aggregate_generation FROM usage_reports
            WHERE status = 'accepted' AND superseded_by_id IS NULL
              AND period_start >= $2 AND period_end <= $3
            ORDER BY id
              FOR SHARE)
         INSERT INTO royalty_run_reports (run_id, report_id, generation)
         SELECT $1::uuid, id, aggregate_generation FROM counting`,
        [run.id, run.period_start, run.period_end],
      );
      const [{ missing }] = await manager.query<{ missing: boolean }[]>(
        `SELECT EXISTS (
           SELECT 1 FROM usage_reports r
            WHERE r.status = 'accepted' AND r.superseded_by_id IS NULL
              AND r.period_start >= $2 AND r.period_end <= $3
              AND NOT EXISTS (SELECT 1 FROM royalty_run_reports c
                               WHERE c.run_id = $1 AND c.report_id = r.id)) AS missing`,
        [run.id, run.period_start, run.period_end],
      );
      if (!missing) return;
      if (attempt === 5) throw new Error('the counting reports kept changing; try the run again');
    }
  }

  private async charges(manager: EntityManager, run: RunRow): Promise<void> {
    await this.countedReports(manager, run);
    // A key (its agreement) belongs to one licensee: with one report per licensee, each key has
    // one report; and the matcher writes each key of a report once, only a re-match adding delta
    // rows to a key (rematched_at, indexed). Without either, the run's usage is the counted
    // aggregates as they lie: priced straight from usage_aggregates, not copied first (0.7 s at
    // 10M lines).
    const [{ oneReportEach, rematched }] = await manager.query<
      { oneReportEach: boolean | null; rematched: boolean }[]
    >(
      `SELECT (SELECT bool_and(n = 1)
                 FROM (SELECT count(*) AS n
                         FROM royalty_run_reports c JOIN usage_reports r ON r.id = c.report_id
                        WHERE c.run_id = $1
                        GROUP BY r.licensee_id) r) AS "oneReportEach",
              EXISTS (SELECT 1 FROM usage_aggregates a
                       WHERE a.rematched_at IS NOT NULL
                         AND a.report_id IN (SELECT report_id FROM royalty_run_reports
                                              WHERE run_id = $1)) AS rematched`,
      [run.id],
    );
    const direct = oneReportEach !== false && !rematched;
    if (!direct) await this.summedUsage(manager, run, oneReportEach !== false);
    const usage = direct
      ? `(SELECT a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id, a.work_id,
                 a.usage, a.unit, a.units, a.revenue
            FROM usage_aggregates a
           WHERE a.status = 'matched' AND (a.units <> 0 OR a.revenue <> 0)
             AND a.report_id IN (SELECT report_id FROM royalty_run_reports WHERE run_id = $1))`
      : 'run_usage';
    await this.restatedUsage(manager, run);
    // The usage types each licensee used.
    const used = await manager.query<{ licensee_id: string; usage: string }[]>(
      `SELECT licensee_id, usage FROM ${usage} u
       UNION
       SELECT licensee_id, usage FROM run_restated
       ORDER BY licensee_id, usage`,
      direct ? [run.id] : [],
    );
    // Every licensee with usage, or with an agreement in force during the run (fees accrue
    // without usage).
    const inForce = await manager.query<{ licensee_id: string }[]>(
      `SELECT DISTINCT licensee_id FROM agreements
        WHERE status <> 'proposed' AND starts_on <= $2
          AND (LEAST(ends_on, terminated_on) IS NULL OR LEAST(ends_on, terminated_on) >= $1)`,
      [run.period_start, run.period_end],
    );
    const licensees = [...new Set([...used, ...inForce].map((row) => row.licensee_id))].sort();
    const rates: RunRate[] = [];
    const shares: RevenueShare[] = [];
    const fixed: FixedCharge[] = [];
    for (const licensee of licensees) {
      const usages = used.filter((row) => row.licensee_id === licensee).map((row) => row.usage);
      const agreements = await this.agreements.all(licensee);
      rates.push(...runRates(agreements, usages));
      shares.push(...revenueShares(agreements));
      fixed.push(
        ...fixedCharges(agreements, licensee, { start: run.period_start, end: run.period_end }),
      );
    }
    await manager.query(
      `CREATE TEMP TABLE run_rates ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(agreement_id uuid, version int, usage text, unit text, per bigint, rate numeric, currency text)`,
      [
        JSON.stringify(
          rates.map((rate) => ({
            agreement_id: rate.agreementId,
            version: rate.version,
            usage: rate.usage,
            unit: rate.unit,
            per: rate.per,
            rate: rate.rate,
            currency: rate.currency,
          })),
        ),
      ],
    );
    await manager.query(
      `CREATE TEMP TABLE run_shares_bps ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(agreement_id uuid, version int, bps int, currency text)`,
      [
        JSON.stringify(
          shares.map((share) => ({
            agreement_id: share.agreementId,
            version: share.version,
            bps: share.bps,
            currency: share.currency,
          })),
        ),
      ],
    );
    // Analysed: without statistics the planner takes these few rows for hundreds and sorts the
    // million usage rows for a merge join (1 s at 10M lines) where a hash join reads them as
    // they lie.
    await manager.query(`ANALYZE run_rates, run_shares_bps`);
    // The text columns in byte order (COLLATE "C"), which the line order sorts them by: an
    // ORDER BY … COLLATE "C" on a column of another collation sorted a relabelled copy of each.
    await manager.query(
      `CREATE TEMP TABLE run_charges ON COMMIT DROP AS
       SELECT 'per-unit'::text COLLATE "C" AS kind, u.agreement_id, u.agreement_version,
              u.licensee_id, u.publisher_id, u.work_id, u.usage COLLATE "C" AS usage,
              u.unit COLLATE "C" AS unit, u.units, r.rate, r.per, r.currency,
              u.units * r.rate / r.per AS exact
         FROM ${usage} u
         JOIN run_rates r ON r.agreement_id = u.agreement_id AND r.version = u.agreement_version
                         AND r.usage = u.usage AND r.unit = u.unit
       ${
         // Revenue share, per work: units is the revenue, rate the bps, per 10000. Only when an
         // agreement has one: the branch reads all the usage again (0.3 s at 10M lines) to find
         // no revenue to share.
         shares.length
           ? `UNION ALL
              SELECT 'revenue-share', u.agreement_id, u.agreement_version, u.licensee_id,
                     u.publisher_id, u.work_id, u.usage, u.unit, u.revenue, b.bps, 10000,
                     b.currency, u.revenue * b.bps / 10000
                FROM ${usage} u
                JOIN run_shares_bps b ON b.agreement_id = u.agreement_id
                                     AND b.version = u.agreement_version
               WHERE u.revenue > 0`
           : ''
       }`,
      direct ? [run.id] : [],
    );
    await manager.query(
      `CREATE TEMP TABLE run_fixed ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS f(agreement_id uuid, licensee_id uuid, publisher_id uuid, currency text,
              flat_fee numeric, minimum numeric, advance numeric)`,
      [
        JSON.stringify(
          fixed.map((charge) => ({
            agreement_id: charge.agreementId,
            licensee_id: charge.licenseeId,
            publisher_id: charge.publisherId,
            currency: charge.currency,
            flat_fee: charge.flatFee,
            minimum: charge.minimum,
            advance: charge.advance,
          })),
        ),
      ],
    );
    // A flat fee, then a minimum guarantee's shortfall, spread over the agreement's works in
    // proportion to their usage charges; without usage, one line for the publisher itself.
    for (const kind of ['flat-fee', 'minimum-guarantee'] as const) {
      const amount =
        kind === 'flat-fee'
          ? 'f.flat_fee'
          : `GREATEST(f.minimum - COALESCE((SELECT sum(c.exact) FROM run_charges c
                                            WHERE c.agreement_id = f.agreement_id), 0), 0)`;
      await manager.query(
        `INSERT INTO run_charges
         WITH due AS (
           SELECT f.agreement_id, f.licensee_id, f.publisher_id, f.currency, ${amount} AS amount
             FROM run_fixed f),
         used AS (
           SELECT agreement_id, work_id, sum(exact) AS exact,
                  sum(sum(exact)) OVER (PARTITION BY agreement_id) AS total
             FROM run_charges WHERE kind IN ('per-unit', 'revenue-share')
            GROUP BY agreement_id, work_id)
         SELECT '${kind}', d.agreement_id, NULL::int, d.licensee_id, d.publisher_id, u.work_id,
                NULL::text, NULL::text, NULL::numeric, NULL::numeric, NULL::bigint, d.currency,
                CASE WHEN u.total > 0 THEN d.amount * u.exact / u.total ELSE d.amount END
           FROM due d
           LEFT JOIN used u ON u.agreement_id = d.agreement_id AND u.total > 0
          WHERE d.amount > 0`,
      );
    }
    await this.advances(manager);
    await this.adjustments(manager);
  }

  /**
   * The run's usage (run_usage) where it is not the counted aggregates as they lie: the keys a
   * re-match added delta rows to are grouped and summed (the million others taken as they are:
   * grouping them all by eight columns was ~5 s at 10M lines), and with several reports of a
   * licensee in the period, their usage summed over them.
   */
  private async summedUsage(
    manager: EntityManager,
    run: RunRow,
    oneReportEach: boolean,
  ): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE run_counted ON COMMIT DROP AS
       WITH counting AS MATERIALIZED (
         SELECT report_id AS id FROM royalty_run_reports WHERE run_id = $1),
       delta_keys AS MATERIALIZED (
         SELECT DISTINCT a.report_id, a.agreement_id, a.agreement_version, a.publisher_id,
                a.work_id, a.usage, a.unit
           FROM usage_aggregates a
          WHERE a.rematched_at IS NOT NULL AND a.status = 'matched'
            AND a.report_id IN (SELECT id FROM counting)),
       counted AS (
       SELECT a.report_id, a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id,
              a.work_id, a.usage, a.unit, a.units, a.revenue
         FROM usage_aggregates a
        WHERE a.status = 'matched' AND a.report_id IN (SELECT id FROM counting)
          AND (a.units <> 0 OR a.revenue <> 0)
          AND NOT EXISTS (
                SELECT 1 FROM delta_keys d
                 WHERE (d.report_id, d.agreement_id, d.agreement_version, d.publisher_id,
                        d.work_id, d.usage, d.unit)
                     = (a.report_id, a.agreement_id, a.agreement_version, a.publisher_id,
                        a.work_id, a.usage, a.unit))
       UNION ALL
       SELECT a.report_id, a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id,
              a.work_id, a.usage, a.unit, sum(a.units), sum(a.revenue)
         FROM usage_aggregates a
         JOIN delta_keys d
           ON (d.report_id, d.agreement_id, d.agreement_version, d.publisher_id, d.work_id,
               d.usage, d.unit)
            = (a.report_id, a.agreement_id, a.agreement_version, a.publisher_id, a.work_id,
               a.usage, a.unit)
        WHERE a.status = 'matched'
        GROUP BY a.report_id, a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id,
                 a.work_id, a.usage, a.unit
       HAVING sum(a.units) <> 0 OR sum(a.revenue) <> 0)
       SELECT * FROM counted`,
      [run.id],
    );
    await manager.query(
      oneReportEach
        ? `ALTER TABLE run_counted RENAME TO run_usage`
        : `CREATE TEMP TABLE run_usage ON COMMIT DROP AS
           SELECT agreement_id, agreement_version, licensee_id, publisher_id, work_id, usage, unit,
                  sum(units) AS units, sum(revenue) AS revenue
             FROM run_counted
            GROUP BY agreement_id, agreement_version, licensee_id, publisher_id, work_id, usage, unit
           HAVING sum(units) <> 0 OR sum(revenue) <> 0`,
    );
  }

  /**
   * Restatements: for every posted run, the usage counting now for its period (per report)
   * less what it has been settled on (its own counted usage plus the adjustments posted since).
   * Exact whatever changed it: a superseding or late report, a re-matched suspense line. The
   * difference is recorded as this run's, and priced by adjustments().
   */
  private async restatedUsage(manager: EntityManager, run: RunRow): Promise<void> {
    await manager.query(
      `INSERT INTO royalty_run_usage (run_id, period_run_id, report_id, agreement_id,
              agreement_version, licensee_id, publisher_id, work_id, usage, unit, units, revenue)
       WITH posted AS (
         SELECT id, period_start, period_end FROM royalty_runs WHERE status = 'posted'),
       counting AS (
         SELECT p.id AS period_run_id, a.report_id, a.agreement_id, a.agreement_version,
                a.licensee_id, a.publisher_id, a.work_id, a.usage, a.unit, a.units, a.revenue
           FROM posted p
           JOIN usage_reports r ON r.period_start >= p.period_start AND r.period_end <= p.period_end
           JOIN usage_aggregates a ON a.report_id = r.id
          WHERE a.status = 'matched' AND r.status = 'accepted' AND r.superseded_by_id IS NULL),
       settled AS (
         SELECT u.period_run_id, u.report_id, u.agreement_id, u.agreement_version, u.licensee_id,
                u.publisher_id, u.work_id, u.usage, u.unit, -u.units, -u.revenue
           FROM royalty_run_counted u
           JOIN royalty_runs x ON x.id = u.run_id AND x.status = 'posted')
       SELECT $1::uuid, period_run_id, report_id, agreement_id, agreement_version, licensee_id,
              publisher_id, work_id, usage, unit, sum(units), sum(revenue)
         FROM (SELECT * FROM counting UNION ALL SELECT * FROM settled) d (period_run_id,
               report_id, agreement_id, agreement_version, licensee_id, publisher_id, work_id,
               usage, unit, units, revenue)
        GROUP BY period_run_id, report_id, agreement_id, agreement_version, licensee_id,
                 publisher_id, work_id, usage, unit
       HAVING sum(units) <> 0 OR sum(revenue) <> 0`,
      [run.id],
    );
    await manager.query(
      `CREATE TEMP TABLE run_restated ON COMMIT DROP AS
       SELECT u.period_run_id, p.period_start, p.period_end, u.agreement_id, u.agreement_version,
              u.licensee_id, u.publisher_id, u.work_id, u.usage, u.unit, sum(u.units) AS units,
              sum(u.revenue) AS revenue,
              array_agg(DISTINCT u.report_id ORDER BY u.report_id)
                FILTER (WHERE u.units <> 0) AS unit_reports,
              array_agg(DISTINCT u.report_id ORDER BY u.report_id)
                FILTER (WHERE u.revenue <> 0) AS revenue_reports
         FROM royalty_run_usage u JOIN royalty_runs p ON p.id = u.period_run_id
        WHERE u.run_id = $1 AND u.period_run_id <> $1
        GROUP BY u.period_run_id, p.period_start, p.period_end, u.agreement_id,
                 u.agreement_version, u.licensee_id, u.publisher_id, u.work_id, u.usage, u.unit`,
      [run.id],
    );
  }

  /**
   * Signed adjustment lines: the restated usage priced with the same agreement versions' rates
   * (per unit) and revenue shares as the period it corrects, labelled with that period, its run
   * and the reports whose counting changed. Added after the fees, the minimum guarantee's
   * shortfall and the advance's recoupment, which they leave as they were.
   */
  private async adjustments(manager: EntityManager): Promise<void> {
    await manager.query(
      `ALTER TABLE run_charges ADD COLUMN adjusts_run_id uuid, ADD COLUMN adjusts_period_start date,
         ADD COLUMN adjusts_period_end date, ADD COLUMN adjusts_report_ids uuid[]`,
    );
    await manager.query(
      `INSERT INTO run_charges
       SELECT 'per-unit-adjustment', u.agreement_id, u.agreement_version, u.licensee_id,
              u.publisher_id, u.work_id, u.usage, u.unit, u.units, r.rate, r.per, r.currency,
              u.units * r.rate / r.per, u.period_run_id, u.period_start, u.period_end,
              u.unit_reports
         FROM run_restated u
         JOIN run_rates r ON r.agreement_id = u.agreement_id AND r.version = u.agreement_version
                         AND r.usage = u.usage AND r.unit = u.unit
        WHERE u.units <> 0
       UNION ALL
       SELECT 'revenue-share-adjustment', u.agreement_id, u.agreement_version, u.licensee_id,
              u.publisher_id, u.work_id, u.usage, u.unit, u.revenue, b.bps, 10000, b.currency,
              u.revenue * b.bps / 10000, u.period_run_id, u.period_start, u.period_end,
              u.revenue_reports
         FROM run_restated u
         JOIN run_shares_bps b ON b.agreement_id = u.agreement_id AND b.version = u.agreement_version
        WHERE u.revenue <> 0 AND b.bps <> 0`,
    );
  }

  /**
   * Licence advances: invoiced in full in the first run of the agreement's term (spread like a
   * flat fee), then every charge of the agreement (this run's included) is first recouped against
   * what is left of it — neither invoiced nor credited again — by scaling the agreement's charge
   * lines down by the recouped share, exactly.
   */
  private async advances(manager: EntityManager): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE run_advances ON COMMIT DROP AS
       SELECT f.agreement_id, f.licensee_id, f.publisher_id, f.currency, f.advance,
              COALESCE(p.invoiced, 0) = 0 AS invoice_now,
              f.advance - COALESCE(p.recouped, 0) AS balance,
              COALESCE((SELECT sum(c.exact) FROM run_charges c WHERE c.agreement_id = f.agreement_id), 0)
                AS charges
         FROM run_fixed f
         LEFT JOIN (SELECT i.agreement_id, sum(i.advance_invoiced) AS invoiced,
                           sum(i.advance_recouped) AS recouped
                      FROM invoices i JOIN royalty_runs r ON r.id = i.run_id AND r.status = 'posted'
                     GROUP BY i.agreement_id) p ON p.agreement_id = f.agreement_id
        WHERE f.advance > 0`,
    );
    await manager.query(
      `ALTER TABLE run_advances ADD COLUMN recouped numeric;
       UPDATE run_advances SET recouped = LEAST(charges, GREATEST(balance, 0))`,
    );
    await manager.query(
      `UPDATE run_charges c SET exact = c.exact * (1 - a.recouped / a.charges)
         FROM run_advances a
        WHERE c.agreement_id = a.agreement_id AND a.recouped > 0 AND a.charges > 0`,
    );
    await manager.query(
      `INSERT INTO run_charges
       WITH used AS (
         SELECT agreement_id, work_id, sum(exact) AS exact,
                sum(sum(exact)) OVER (PARTITION BY agreement_id) AS total
           FROM run_charges WHERE kind IN ('per-unit', 'revenue-share')
          GROUP BY agreement_id, work_id)
       SELECT 'advance', a.agreement_id, NULL::int, a.licensee_id, a.publisher_id, u.work_id,
              NULL::text, NULL::text, NULL::numeric, NULL::numeric, NULL::bigint, a.currency,
              CASE WHEN u.total > 0 THEN a.advance * u.exact / u.total ELSE a.advance END
         FROM run_advances a
         LEFT JOIN used u ON u.agreement_id = a.agreement_id AND u.total > 0
        WHERE a.invoice_now`,
    );
  }

  /**
   * One invoice per agreement in two sections, each rounded half-even once: the period's own
   * charges, and the adjustments of earlier periods (signed). The commission is each section's
   * rounded amount × bps, half-even; a negative total makes the invoice a credit note.
   */
  private async invoices(manager: EntityManager, run: RunRow): Promise<void> {
    // Each invoice section (an agreement's own charges; its adjustments) in one pass over the
    // charges: what the invoice sums, and what the allocation needs before it ranks (its lines,
    // the sum of their floors).
    await manager.query(
      `CREATE TEMP TABLE run_sections ON COMMIT DROP AS
       SELECT agreement_id, adjusts_run_id IS NOT NULL AS adj, min(licensee_id::text) AS licensee_id,
              min(publisher_id::text) AS publisher_id, min(currency) AS currency, count(*) AS n,
              sum(exact) AS exact, sum(floor(exact)) AS floors
         FROM run_charges GROUP BY agreement_id, adjusts_run_id IS NOT NULL`,
    );
    await manager.query(
      `INSERT INTO invoices (id, run_id, agreement_id, licensee_id, publisher_id, currency,
              exact_total, amount, commission, payee_total, advance_invoiced, advance_recouped,
              advance_balance, adjustment_exact, adjustment_amount, adjustment_commission)
       SELECT i.id, $1::uuid, i.agreement_id, i.licensee_id, i.publisher_id, i.currency,
              i.own_exact + i.adj_exact, i.own_amount + i.adj_amount,
              i.own_commission + i.adj_commission,
              i.own_amount + i.adj_amount - i.own_commission - i.adj_commission,
              COALESCE(CASE WHEN a.invoice_now THEN a.advance END, 0), COALESCE(a.recouped, 0),
              COALESCE(a.balance - a.recouped, 0), i.adj_exact, i.adj_amount, i.adj_commission
         FROM (SELECT s.*,
                      round_half_even(s.own_amount * $2::numeric / 10000)::bigint AS own_commission,
                      round_half_even(s.adj_amount * $2::numeric / 10000)::bigint AS adj_commission
                 FROM (SELECT md5('invoice:' || $1::text || ':' || agreement_id)::uuid AS id,
                              agreement_id, min(licensee_id::text)::uuid AS licensee_id,
                              min(publisher_id::text)::uuid AS publisher_id,
                              min(currency) AS currency,
                              COALESCE(sum(exact) FILTER (WHERE NOT adj), 0) AS own_exact,
                              round_half_even(COALESCE(sum(exact) FILTER (WHERE NOT adj), 0))::bigint
                                AS own_amount,
                              COALESCE(sum(exact) FILTER (WHERE adj), 0) AS adj_exact,
                              round_half_even(COALESCE(sum(exact) FILTER (WHERE adj), 0))::bigint
                                AS adj_amount
                         FROM run_sections GROUP BY agreement_id) s) i
         LEFT JOIN run_advances a ON a.agreement_id = i.agreement_id`,
      [run.id, run.commission_bps],
    );
  }

  /** The invoice and its commission over its charges, then each charge over the payees. */
  private async allocate(manager: EntityManager, run: RunRow): Promise<void> {
    // Each section of an invoice (its own charges; the adjustments, signed) by largest remainder
    // twice, ties to the earlier line:
    // - its amount: each line's exact amount floored, and the units left (0 to the number of
    //   lines, since the amount is the exact sum rounded) one each to the largest fractions;
    // - its commission: each line's gross × bps / 10000 floored, and the units left (0 to the
    //   number of lines, since the commission is the amount × bps rounded) one each to the
    //   largest remainders — so a line's commission never exceeds its gross.
    // Remainders of the commission are integers (gross × bps mod 10000), floored for negative
    // grosses as for positive ones.
    //
    // Per section: its invoice, the lines before it in the invoice (the own charges come
    // first), the units its floors leave of its amount, and its commission.
    await manager.query(
      `CREATE TEMP TABLE run_section_plan ON COMMIT DROP AS
       SELECT i.id AS invoice_id, s.agreement_id, s.adj,
              CASE WHEN s.adj THEN COALESCE(o.n, 0) ELSE 0 END AS lines_before,
              (CASE WHEN s.adj THEN i.adjustment_amount ELSE i.amount - i.adjustment_amount END
                - s.floors)::bigint AS gross_left,
              CASE WHEN s.adj THEN i.adjustment_commission
                   ELSE i.commission - i.adjustment_commission END AS commission
         FROM run_sections s
         JOIN invoices i ON i.run_id = $1 AND i.agreement_id = s.agreement_id
         LEFT JOIN run_sections o ON o.agreement_id = s.agreement_id AND NOT o.adj`,
      [run.id],
    );
    await manager.query(`ANALYZE run_section_plan`);
    // Written straight into royalty_charges (the payee shares read them from there): a temporary
    // table in between cost a write and a sorted read of the million charges. A run's first
    // calculation writes them into a bare table that becomes the run's partition after
    // (newChargesPartition); a recalculation writes into the partition it has, through the parent.
    const partition = await this.newChargesPartition(manager, run.id);
    await manager.query(
      `INSERT INTO ${partition ?? 'royalty_charges'} (run_id, invoice_id, line_no, kind, agreement_id, agreement_version,
              work_id, usage, unit, units, rate, per, exact, gross, commission, adjusts_run_id,
              adjusts_period_start, adjusts_period_end, adjusts_report_ids, split_version,
              split_shape_id)
       WITH c AS (
         -- The sort keys first, fixed-width: a sort compares keys the rows hold, and reads the
         -- first ones at fixed offsets; a key behind a text or numeric column is found by walking
         -- the row (the first sort below took 2.5 s at 10M lines so, against 1.4 s).
         SELECT s.invoice_id, s.adj,
                -- The fraction of a unit, largest first: 1 − fraction in (0, 1] × 2^62, floored
                -- (fractions alike to 2^-62 fall to the exact comparison after it).
                floor((1 - (rc.exact - floor(rc.exact))) * 4611686018427387904)::bigint
                  AS fraction_key, rc.exact - floor(rc.exact) AS fraction,
                rc.kind, rc.agreement_id, rc.agreement_version, rc.work_id, rc.usage, rc.unit,
                rc.units, rc.rate, rc.per, rc.exact, rc.adjusts_run_id, rc.adjusts_period_start,
                rc.adjusts_period_end, rc.adjusts_report_ids,
                s.gross_left, s.lines_before, s.commission AS invoice_commission,
                -- The units of the floor, and the section's figures, in int8: numeric arithmetic
                -- and comparisons on each line cost ~0.8 s at 10M lines.
                floor(rc.exact)::bigint AS g_base,
                -- The split that shares the line. A work whose splits never changed has one
                -- version, in force on every day, and its row points at that split's shape (read
                -- here rather than by aggregating work_splits: 3 s at 10M lines); the others are
                -- filled in after (multiVersionSplits).
                CASE WHEN w.id IS NOT NULL THEN 1 END AS split_version, w.split_shape_id AS shape_id
           FROM run_charges rc
           JOIN run_section_plan s
             ON s.agreement_id = rc.agreement_id AND s.adj = (rc.adjusts_run_id IS NOT NULL)
           LEFT JOIN works w ON w.id = rc.work_id AND w.split_version = 1
                            AND w.split_shape_id IS NOT NULL),
       g AS (
         -- A line's number is its place in its invoice: the period's own charges, then the
         -- adjustments; in each, the largest fraction of a unit first, then by kind, work, usage
         -- type, unit, agreement version and corrected period (text in byte order: run_charges'
         -- text columns are COLLATE "C", the same on every server). The order the gross is
         -- allocated in, so the numbering and the allocation share one sort (a numbering by work
         -- was a sort of its own, ~2 s at 10M lines); statements list their lines by agreement
         -- and work whatever the numbers.
         -- Per invoice (one per agreement): every sort below and the write's order (invoice,
         -- line) keep the invoice as their first key.
         -- Its rank in its section is all the window computes: the section's size before it and
         -- the units its floors leave come with it (run_section_plan), so the window streams
         -- rather than holding each section to sum it.
         SELECT c.*,
                row_number() OVER (PARTITION BY invoice_id, adj
                                   ORDER BY fraction_key, fraction DESC, kind, work_id, usage,
                                            unit, agreement_version, adjusts_period_start,
                                            adjusts_run_id) AS rank
           FROM c),
       n AS (
         SELECT g.*, (lines_before + rank)::int AS line_no,
                (g_base + CASE WHEN rank <= gross_left THEN 1 ELSE 0 END)::bigint AS gross
           FROM g),
       k AS (
         SELECT n.*, ((gross * $2::bigint) % 10000 + 10000) % 10000 AS c_rem FROM n),
       r AS (
         -- The commission's sort keys first again: the remainder, largest first, then the line.
         SELECT invoice_id, adj, ((9999 - c_rem) << 32) | line_no AS remainder_key, line_no,
                (gross * $2::bigint - c_rem) / 10000 AS c_base, kind, agreement_id,
                agreement_version, work_id, usage, unit, units, rate, per, exact, gross,
                invoice_commission, adjusts_run_id, adjusts_period_start, adjusts_period_end,
                adjusts_report_ids, split_version, shape_id
           FROM k),
       a AS (
         SELECT invoice_id, line_no, kind, agreement_id, agreement_version, work_id, usage,
                unit, units, rate, per, exact, gross,
                (c_base + CASE WHEN row_number() OVER w <= invoice_commission - (sum(c_base) OVER w)::bigint
                               THEN 1 ELSE 0 END)::bigint AS commission,
                adjusts_run_id, adjusts_period_start, adjusts_period_end, adjusts_report_ids,
                split_version, shape_id
           FROM r
         WINDOW w AS (PARTITION BY invoice_id, adj ORDER BY remainder_key
                      ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
          )
       SELECT $1::uuid, invoice_id, line_no, kind, agreement_id, agreement_version, work_id, usage,
              unit, units, rate, per, exact, gross, commission, adjusts_run_id,
              adjusts_period_start, adjusts_period_end, adjusts_report_ids, split_version, shape_id
         FROM a
        -- In key order: the primary key's index is appended to, not split at random pages. The
        -- windows above are per invoice, so this sorts each invoice's lines on their own.
        ORDER BY invoice_id, line_no`,
      [run.id, run.commission_bps],
    );
    if (partition) await this.attachChargesPartition(manager, run.id, partition);
    await this.multiVersionSplits(manager, run);
    await this.payeeShares(manager, run);
  }

  /** The name of a run's charges partition (royalty_charges_partition), and whether it exists. */
  private async chargesPartition(
    manager: EntityManager,
    runId: string,
  ): Promise<{ name: string; exists: boolean }> {
    const [partition] = await manager.query<{ name: string; exists: boolean }[]>(
      `SELECT p.name, to_regclass(p.name) IS NOT NULL AS exists
         FROM (SELECT royalty_charges_partition($1::uuid) AS name) p`,
      [runId],
    );
    return partition;
  }

  /**
   * The table a run's first calculation writes its charges into: bare (no primary key, no
   * trigger), with royalty_charges' columns and checks and one more, its run, so that attaching
   * it needs no scan. Null when the run has its partition already (a recalculation).
   */
  private async newChargesPartition(manager: EntityManager, runId: string): Promise<string | null> {
    const { name, exists } = await this.chargesPartition(manager, runId);
    if (exists) return null;
    await manager.query(
      `CREATE TABLE ${name} (LIKE royalty_charges INCLUDING DEFAULTS INCLUDING CONSTRAINTS,
         CONSTRAINT ${name}_run CHECK (run_id = ${literalUuid(runId)}))`,
    );
    return name;
  }

  /**
   * The checks the shared table's triggers make of rows written into it, made once over the
   * run's charges (every charge's invoice exists in its run, and is locked FOR KEY SHARE as a
   * foreign key would lock it); then the primary key and indexes built in one sorted pass each,
   * and the table attached as the run's partition (from then on, its row trigger too).
   */
  private async attachChargesPartition(
    manager: EntityManager,
    runId: string,
    partition: string,
  ): Promise<void> {
    await manager.query(`SELECT 1 FROM invoices WHERE run_id = $1 FOR KEY SHARE`, [runId]);
    const [{ dangling }] = await manager.query<{ dangling: boolean }[]>(
      `SELECT EXISTS (SELECT 1 FROM (SELECT DISTINCT invoice_id FROM ${partition}) c
                       WHERE NOT EXISTS (SELECT 1 FROM invoices i
                                          WHERE i.id = c.invoice_id AND i.run_id = $1)) AS dangling`,
      [runId],
    );
    if (dangling)
      throw new Error(
        'royalty_charges: a charge refers to an invoice that does not exist in its run',
      );
    await manager.query(
      `ALTER TABLE royalty_charges ATTACH PARTITION ${partition} FOR VALUES IN (${literalUuid(runId)})`,
    );
  }

  /**
   * The split version of the charges whose work has had more than one (few: the allocation took
   * the others' one version from the works row): the version in force at the period's end (the
   * first, for a work whose splits start later); for an adjustment, at the end of the period it
   * corrects. Race-free without a lock: a work's split version only grows, so a work that had one
   * version when the allocation read it and has more now is filled in here, from the versions
   * it has now.
   */
  private async multiVersionSplits(manager: EntityManager, run: RunRow): Promise<void> {
    // An index holds exactly these charges (royalty_charges_split_pending): no scan of the run.
    const missing = `SELECT EXISTS (SELECT 1 FROM royalty_charges
                                     WHERE run_id = $1 AND work_id IS NOT NULL
                                       AND split_version IS NULL) AS missing`;
    const [{ missing: some }] = await manager.query<{ missing: boolean }[]>(missing, [run.id]);
    if (!some) return;
    // The version's shape (split_shapes, found or stored): the charges are grouped and shared by
    // shape whichever way they got it (payeeShares).
    await manager.query(
      `WITH days AS (
         SELECT DISTINCT work_id, COALESCE(adjusts_period_end, $1::date) AS on_date
           FROM royalty_charges
          WHERE run_id = $2 AND work_id IS NOT NULL AND split_version IS NULL),
       versions AS (
         SELECT w.work_id, w.split_version, min(w.effective_from) AS effective_from,
                jsonb_agg(jsonb_build_object('payeeId', w.payee_id, 'shareBps', w.share_bps)
                          ORDER BY w.payee_id) AS splits
           FROM work_splits w
          WHERE w.work_id IN (SELECT work_id FROM days)
          GROUP BY w.work_id, w.split_version),
       chosen AS (
         SELECT DISTINCT ON (d.work_id, d.on_date) d.work_id, d.on_date, v.split_version, v.splits
           FROM days d JOIN versions v ON v.work_id = d.work_id
          ORDER BY d.work_id, d.on_date, v.effective_from <= d.on_date DESC,
                   CASE WHEN v.effective_from <= d.on_date THEN -v.split_version
                        ELSE v.split_version END),
       shaped AS (
         SELECT c.*, split_shape_id(c.splits) AS shape_id
           FROM (SELECT * FROM chosen ORDER BY md5(splits::text)) c)
       UPDATE royalty_charges c SET split_version = v.split_version, split_shape_id = v.shape_id
         FROM shaped v
        WHERE c.run_id = $2 AND c.work_id = v.work_id
          AND COALESCE(c.adjusts_period_end, $1::date) = v.on_date AND c.split_version IS NULL`,
      [run.period_end, run.id],
    );
    const [{ missing: left }] = await manager.query<{ missing: boolean }[]>(missing, [run.id]);
    // Every work has a split (a work is created with one, and never deleted): a charge without
    // one would lose its money, so the run fails instead.
    if (left) throw new Error('a charged work has no split version');
  }

  /**
   * Each charge over its payees, totalled per payee and invoice (the statements' lines are not
   * written: statements.service derives them from the charges). A share is
   * floor(|amount| × bps / 10000) plus one unit to the largest remainders (ties to the lower
   * payee id), given the amount's sign back; a charge without a work goes whole to its
   * publisher's default payee. Charges of an invoice with the same split and the same gross and
   * commission are shared alike, so each such group is shared once and counted n times: amounts
   * repeat a great deal (at 10M lines, 1M charges fall in 34k groups), and the charges × payees
   * are never formed.
   */
  private async payeeShares(manager: EntityManager, run: RunRow): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE run_payee_invoices ON COMMIT DROP AS
       WITH every AS MATERIALIZED (
         -- One read of the run's charges: a charge without a work is its own group (shape null).
         SELECT invoice_id, work_id IS NULL AS publisher_line, split_shape_id AS shape_id, gross,
                commission, count(*) AS n
           FROM royalty_charges WHERE run_id = $1
          GROUP BY invoice_id, work_id IS NULL, split_shape_id, gross, commission),
       groups AS (SELECT * FROM every WHERE NOT publisher_line),
       numbered AS (
         -- A handle for each group's window partition (not part of any figure).
         SELECT g.*, row_number() OVER () AS group_no FROM groups g),
       members AS (
         SELECT n.invoice_id, n.group_no, n.n, n.gross, n.commission, u.payee_id,
                abs(n.gross) * u.bps / 10000 AS g_base, abs(n.gross) * u.bps % 10000 AS g_rem,
                abs(n.commission) * u.bps / 10000 AS c_base,
                abs(n.commission) * u.bps % 10000 AS c_rem
           FROM numbered n
           JOIN split_shapes s ON s.id = n.shape_id
           CROSS JOIN LATERAL (SELECT (e->>'payeeId')::uuid AS payee_id, (e->>'shareBps')::int AS bps
                                 FROM jsonb_array_elements(s.splits) e) u),
       shares AS (
         SELECT m.payee_id, m.invoice_id, m.n,
                CASE WHEN m.gross < 0 THEN -1 ELSE 1 END * (m.g_base + CASE WHEN row_number() OVER (PARTITION BY m.group_no
                                                                         ORDER BY m.g_rem DESC, m.payee_id)
                                                      <= abs(m.gross) - sum(m.g_base) OVER (PARTITION BY m.group_no)
                                                 THEN 1 ELSE 0 END) AS gross,
                CASE WHEN m.commission < 0 THEN -1 ELSE 1 END * (m.c_base + CASE WHEN row_number() OVER (PARTITION BY m.group_no
                                                                              ORDER BY m.c_rem DESC, m.payee_id)
                                                           <= abs(m.commission) - sum(m.c_base) OVER (PARTITION BY m.group_no)
                                                      THEN 1 ELSE 0 END) AS commission
           FROM members m)
       SELECT x.payee_id, x.invoice_id, sum(x.gross) AS gross, sum(x.commission) AS commission
         FROM (SELECT payee_id, invoice_id, n * gross AS gross, n * commission AS commission
                 FROM shares
               UNION ALL
               SELECT p.id, c.invoice_id, c.n * c.gross, c.n * c.commission
                 FROM every c
                 JOIN invoices i ON i.id = c.invoice_id
                 JOIN payees p ON p.organization_id = i.publisher_id AND p.is_default
                WHERE c.publisher_line) x
        GROUP BY x.payee_id, x.invoice_id`,
      [run.id],
    );
  }

  /**
   * Payee advances: a payee's earnings in the run first repay what it owes, to its publisher's
   * default payee. The repayment is spread over the payee's invoices in proportion to its net on
   * each (largest remainder), as a pair of statement lines per invoice (minus for the payee,
   * plus for the default payee), so pay-when-paid releases follow the money.
   */
  private async repayAdvances(manager: EntityManager): Promise<void> {
    // Empty when no payee owes: the statements read it either way.
    await manager.query(
      `CREATE TEMP TABLE run_repayments (invoice_id uuid, agreement_id uuid, payee_id uuid,
              amount bigint) ON COMMIT DROP`,
    );
    const owed = await this.ledger.outstandingPayeeAdvances(manager);
    if (!owed.length) return;
    await manager.query(
      `CREATE TEMP TABLE run_owed ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS o(payee_id uuid, currency text, outstanding numeric)`,
      [
        JSON.stringify(
          owed.map((row) => ({
            payee_id: row.payeeId,
            currency: row.currency,
            outstanding: row.outstanding,
          })),
        ),
      ],
    );
    await manager.query(
      `INSERT INTO run_repayments (invoice_id, agreement_id, payee_id, amount)
       WITH every AS (
         SELECT s.payee_id, i.currency, s.invoice_id, i.agreement_id, i.publisher_id,
                s.gross - s.commission AS net
           FROM run_payee_invoices s JOIN invoices i ON i.id = s.invoice_id),
       net AS (SELECT * FROM every WHERE net > 0),
       -- Up to the payee's net in the run (adjustments included), spread over its positive nets.
       repay AS (
         SELECT n.payee_id, n.currency,
                LEAST(sum(n.net), min(o.outstanding),
                      (SELECT sum(e.net) FROM every e
                        WHERE e.payee_id = n.payee_id AND e.currency = n.currency)) AS amount,
                sum(n.net) AS total
           FROM net n JOIN run_owed o ON o.payee_id = n.payee_id AND o.currency = n.currency
          GROUP BY n.payee_id, n.currency),
       b AS (
         SELECT n.*, r.amount, r.total, div(r.amount * n.net, r.total) AS base,
                r.amount * n.net - div(r.amount * n.net, r.total) * r.total AS rem
           FROM net n JOIN repay r ON r.payee_id = n.payee_id AND r.currency = n.currency
          WHERE r.amount > 0),
       pieces AS (
         SELECT b.*, base + CASE WHEN row_number() OVER (PARTITION BY payee_id, currency
                                                          ORDER BY rem DESC, invoice_id)
                                      <= amount - sum(base) OVER (PARTITION BY payee_id, currency)
                                 THEN 1 ELSE 0 END AS piece
           FROM b)
       SELECT p.invoice_id, p.agreement_id, x.payee_id, x.sign * p.piece
         FROM pieces p
         CROSS JOIN LATERAL (
           SELECT p.payee_id, -1 AS sign
           UNION ALL
           SELECT d.id, 1 FROM payees d WHERE d.organization_id = p.publisher_id AND d.is_default
         ) x
        WHERE p.piece > 0`,
    );
  }

  /**
   * Statements per payee and currency, their totals by invoice, and their advance-repayment lines
   * (the one kind of line stored: the others are derived from the charges when read).
   */
  private async statements(manager: EntityManager, run: RunRow): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE run_statement_invoices ON COMMIT DROP AS
       SELECT x.payee_id, x.invoice_id, i.currency, sum(x.gross) AS gross,
              sum(x.commission) AS commission
         FROM (SELECT payee_id, invoice_id, gross, commission FROM run_payee_invoices
               UNION ALL
               SELECT payee_id, invoice_id, amount, 0 FROM run_repayments) x
         JOIN invoices i ON i.id = x.invoice_id
        GROUP BY x.payee_id, x.invoice_id, i.currency`,
    );
    await manager.query(
      `INSERT INTO statements (id, run_id, payee_id, publisher_id, currency, gross, commission, net)
       SELECT md5('statement:' || $1::text || ':' || s.payee_id || ':' || s.currency)::uuid, $1::uuid,
              s.payee_id, p.organization_id, s.currency, sum(s.gross), sum(s.commission),
              sum(s.gross) - sum(s.commission)
         FROM run_statement_invoices s
         JOIN payees p ON p.id = s.payee_id
        GROUP BY s.payee_id, p.organization_id, s.currency`,
      [run.id],
    );
    await manager.query(
      `INSERT INTO statement_invoices (statement_id, invoice_id, gross, commission, net)
       SELECT t.id, s.invoice_id, s.gross, s.commission, s.gross - s.commission
         FROM run_statement_invoices s
         JOIN statements t ON t.run_id = $1 AND t.payee_id = s.payee_id AND t.currency = s.currency
        ORDER BY t.id, s.invoice_id`,
      [run.id],
    );
    await manager.query(
      `INSERT INTO statement_lines (statement_id, line_no, invoice_id, charge_line_no, kind,
              agreement_id, share_bps, gross, commission, net)
       SELECT t.id,
              row_number() OVER (PARTITION BY t.id ORDER BY r.agreement_id, r.invoice_id, r.amount)::int,
              r.invoice_id, 0, 'advance-repayment', r.agreement_id, 0, r.amount, 0, r.amount
         FROM run_repayments r
         JOIN invoices i ON i.id = r.invoice_id
         JOIN statements t ON t.run_id = $1 AND t.payee_id = r.payee_id AND t.currency = i.currency`,
      [run.id],
    );
  }

  /** Totals by currency, and a hash of every figure in a fixed order (the determinism check). */
  private async summary(
    manager: EntityManager,
    runId: string,
  ): Promise<{ figures: Record<string, unknown>; hash: Buffer }> {
    const totals = await manager.query<
      { currency: string; invoices: string; amount: string; commission: string; payees: string }[]
    >(
      `SELECT currency, count(*) AS invoices, sum(amount) AS amount, sum(commission) AS commission,
              sum(payee_total) AS payees
         FROM invoices WHERE run_id = $1 GROUP BY currency ORDER BY currency`,
      [runId],
    );
    const [{ statements }] = await manager.query<{ statements: string }[]>(
      `SELECT count(*) AS statements FROM statements WHERE run_id = $1`,
      [runId],
    );
    // The charges are read in their primary key's order, (invoice, line), and digested in the
    // order read: an ORDER BY inside the aggregate sorted every charge's bytes again (2.3–3.9 s
    // against 1.3–1.9 s at 10M lines). The table's statistics predate the run's rows, so the
    // planner would take them for a few and sort them: sorting is ruled out for this statement.
    await manager.query(`SET LOCAL enable_sort = off`);
    const [{ digest }] = await manager.query<{ digest: Buffer }[]>(
      // What a statement's lines derive from, in a fixed order: the charges (with the split
      // version each is shared by; split versions never change) digested per invoice, then
      // each statement's totals by invoice and its stored lines. Equal digests, equal statements.
      // A charge is digested in its types' binary forms (*_send), each field unambiguous
      // (text length-prefixed, a null marked): formatting a million charges as text took 4.7 s
      // against 2.9 s.
      `SELECT sha256(
                COALESCE((SELECT string_agg(x.digest, ''::bytea ORDER BY x.invoice_id)
                            FROM (SELECT o.invoice_id, sha256(string_agg(o.bytes, ''::bytea)) AS digest
                                    FROM (SELECT c.invoice_id, ${CHARGE_BYTES} AS bytes
                                            FROM royalty_charges c WHERE c.run_id = $1
                                           ORDER BY c.invoice_id, c.line_no) o
                                   GROUP BY o.invoice_id) x), ''::bytea)
                || convert_to(
                  E'\n--\n'
                  || COALESCE((SELECT string_agg(s.payee_id || '|' || s.currency || '|' || si.invoice_id
                                               || '|' || si.gross || '|' || si.commission, E'\n'
                                               ORDER BY s.payee_id, s.currency COLLATE "C", si.invoice_id)
                               FROM statements s JOIN statement_invoices si ON si.statement_id = s.id
                              WHERE s.run_id = $1), '')
                || E'\n--\n'
                || COALESCE((SELECT string_agg(s.payee_id || '|' || s.currency || '|' || l.line_no
                                               || '|' || l.kind || '|' || l.invoice_id || '|' || l.gross
                                               || '|' || l.commission, E'\n'
                                               ORDER BY s.payee_id, s.currency COLLATE "C", l.line_no)
                               FROM statements s JOIN statement_lines l ON l.statement_id = s.id
                              WHERE s.run_id = $1), ''),
                'UTF8')) AS digest`,
      [runId],
    );
    await manager.query(`RESET enable_sort`);
    return {
      figures: {
        statements: Number(statements),
        byCurrency: totals.map((row) => ({
          currency: row.currency,
          invoices: Number(row.invoices),
          invoiced: Number(row.amount),
          commission: Number(row.commission),
          payees: Number(row.payees),
        })),
      },
      hash: digest,
    };
  }
}
