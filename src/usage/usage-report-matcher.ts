import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { coverageRows } from './usage-coverage';
import { nextMonth, partitionName, periodMonth, stagingTable } from './usage-staging';

const NO_AGREEMENT = '00000000-0000-0000-0000-000000000000';

interface ReportRow {
  id: string;
  licensee_id: string;
  status: string;
  period_start: string;
  period_end: string;
  supersedes_id: string | null;
  lines_received: string;
}

/**
 * The worker's half of a usage report: matches every staged line to a work and to the agreement
 * that covers it, writes the lines and their aggregates, and settles the report — all in one
 * transaction, so a worker that dies mid-report leaves nothing behind and the retry counts each
 * line exactly once. Set-based SQL throughout: the lines never pass through JavaScript.
 */
@Injectable()
export class UsageReportMatcher {
  private readonly logger = new Logger(UsageReportMatcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
    private readonly config: AppConfig,
  ) {}

  async unfinished(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM usage_reports WHERE status IN ('received', 'processing') ORDER BY id`,
    );
    return rows.map((row) => row.id);
  }

  async process(reportId: string): Promise<void> {
    const [report] = await this.dataSource.query<ReportRow[]>(
      `SELECT id, licensee_id, status, period_start, period_end, supersedes_id, lines_received
         FROM usage_reports WHERE id = $1`,
      [reportId],
    );
    if (!report || (report.status !== 'received' && report.status !== 'processing')) return;
    const month = periodMonth(report.period_start);
    await this.ensurePartition(month);
    await this.dataSource.query(
      `UPDATE usage_reports SET status = 'processing' WHERE id = $1 AND status = 'received'`,
      [reportId],
    );
    const started = Date.now();
    await this.dataSource.transaction(async (manager) => {
      // One worker per report at a time; a second delivery of the job waits, then finds it done.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-report:' || $1))`, [
        reportId,
      ]);
      const [current] = await manager.query<{ status: string }[]>(
        `SELECT status FROM usage_reports WHERE id = $1 FOR UPDATE`,
        [reportId],
      );
      if (current.status !== 'processing') return;
      const stage = stagingTable(reportId);
      await this.markDuplicates(manager, stage);
      const [{ invalid, total }] = await manager.query<{ invalid: string; total: string }[]>(
        `SELECT count(*) FILTER (WHERE invalid_reason IS NOT NULL) AS invalid, count(*) AS total FROM ${stage}`,
      );
      const maxBps = this.config.get('USAGE_MAX_INVALID_BPS');
      if (BigInt(invalid) * 10000n > BigInt(maxBps) * BigInt(total)) {
        await this.reject(manager, reportId, stage, {
          code: 'too-many-invalid-lines',
          detail: `${invalid} of ${total} lines are invalid, more than the ${maxBps / 100}% allowed`,
          invalidLines: Number(invalid),
          lines: Number(total),
          maxInvalidBps: maxBps,
        });
        return;
      }
      await this.match(manager, report, stage, month);
      await this.settle(manager, report, month);
      await manager.query(`DROP TABLE ${stage}`);
    });
    this.logger.log({ reportId, ms: Date.now() - started }, 'usage report processed');
  }

  /** Marks a repeated lineId invalid on every line after its first. */
  private async markDuplicates(manager: EntityManager, stage: string): Promise<void> {
    await manager.query(
      `UPDATE ${stage} s SET invalid_reason = 'duplicate lineId (first on line ' || d.first || ')'
         FROM (SELECT line_id, min(line_no) AS first FROM ${stage}
                WHERE invalid_reason IS NULL GROUP BY line_id HAVING count(*) > 1) d
        WHERE s.line_id = d.line_id AND s.line_no > d.first AND s.invalid_reason IS NULL`,
    );
  }

  private async reject(
    manager: EntityManager,
    reportId: string,
    stage: string,
    rejection: Record<string, unknown>,
  ): Promise<void> {
    await manager.query(
      `UPDATE usage_reports SET status = 'rejected', rejection = $2, processed_at = now(),
              lines_invalid = $3
        WHERE id = $1`,
      [reportId, JSON.stringify(rejection), rejection.invalidLines ?? 0],
    );
    await manager.query(`DROP TABLE ${stage}`);
  }

  private async match(
    manager: EntityManager,
    report: ReportRow,
    stage: string,
    month: string,
  ): Promise<void> {
    await manager.query(`ANALYZE ${stage}`);
    const usages = (
      await manager.query<{ usage: string }[]>(
        `SELECT DISTINCT usage FROM ${stage} WHERE invalid_reason IS NULL`,
      )
    ).map((row) => row.usage);
    const agreements = [...(await this.agreements.fresh(report.licensee_id)).values()].flat();
    const coverage = coverageRows(agreements, usages);
    await manager.query(`
      CREATE TEMP TABLE coverage (agreement_id uuid, version int, publisher_id uuid, usage text,
        scope_type text, work_ids uuid[], kinds text[], schemes text[], territories text[],
        from_date date, to_date date, priced boolean) ON COMMIT DROP`);
    if (coverage.length) {
      await manager.query(
        `INSERT INTO coverage
         SELECT c.agreement_id, c.version, c.publisher_id, c.usage, c.scope_type,
                c.work_ids, c.kinds, c.schemes, c.territories, c.from_date, c.to_date, c.priced
           FROM jsonb_to_recordset($1::jsonb) AS c(agreement_id uuid, version int,
                publisher_id uuid, usage text, scope_type text, work_ids uuid[], kinds text[],
                schemes text[], territories text[], from_date date, to_date date, priced boolean)`,
        [
          JSON.stringify(
            coverage.map((row) => ({
              agreement_id: row.agreementId,
              version: row.version,
              publisher_id: row.publisherId,
              usage: row.usage,
              scope_type: row.scopeType,
              work_ids: row.workIds === null ? null : `{${row.workIds.join(',')}}`,
              kinds: row.kinds === null ? null : `{${row.kinds.join(',')}}`,
              schemes: row.schemes === null ? null : `{${row.schemes.join(',')}}`,
              territories: row.territories === null ? null : `{${row.territories.join(',')}}`,
              from_date: row.fromDate,
              to_date: row.toDate,
              priced: row.priced,
            })),
          ),
        ],
      );
    }
    // Identifiers the report names, resolved once each: two publishers' claims are a conflict.
    await manager.query(`
      CREATE TEMP TABLE report_identifiers ON COMMIT DROP AS
      SELECT wi.scheme, wi.value, min(wi.work_id::text)::uuid AS work_id, count(*) AS claims
        FROM (SELECT DISTINCT scheme, value FROM ${stage}
               WHERE scheme IS NOT NULL AND invalid_reason IS NULL) named
        JOIN work_identifiers wi ON wi.scheme = named.scheme AND wi.value = named.value
       GROUP BY wi.scheme, wi.value`);
    await manager.query(`ANALYZE report_identifiers`);
    // Each distinct question the lines ask is matched once, then every line takes its answer.
    await manager.query(`
      CREATE TEMP TABLE match_keys ON COMMIT DROP AS
      SELECT DISTINCT COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END) AS work_id,
             s.usage, COALESCE(s.territory, '') AS territory,
             COALESCE(s.occurred_on, '-infinity'::date) AS occurred_on,
             COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid) AS agreement_hint
        FROM ${stage} s
        LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
       WHERE s.invalid_reason IS NULL
         AND COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END) IS NOT NULL`);
    await manager.query(
      `CREATE TEMP TABLE key_matches ON COMMIT DROP AS
      SELECT DISTINCT ON (k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint)
             k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint,
             w.organization_id AS publisher_id, c.agreement_id, c.version,
             CASE WHEN w.id IS NULL THEN 'unknown-work'
                  WHEN c.agreement_id IS NOT NULL THEN NULL
                  WHEN w.withdrawn_at IS NOT NULL
                       AND (CASE WHEN k.occurred_on = '-infinity' THEN $2::date ELSE k.occurred_on END)
                           >= w.withdrawn_at::date THEN 'withdrawn'
                  WHEN k.agreement_hint <> '${NO_AGREEMENT}' THEN 'agreement-does-not-cover'
                  ELSE 'no-agreement' END AS reason
        FROM match_keys k
        LEFT JOIN works w ON w.id = k.work_id
        LEFT JOIN coverage c
          ON c.publisher_id = w.organization_id
         AND c.usage = k.usage
         AND (k.agreement_hint = '${NO_AGREEMENT}' OR c.agreement_id = k.agreement_hint)
         AND CASE WHEN k.occurred_on = '-infinity'
                  THEN c.from_date <= $1::date AND (c.to_date IS NULL OR c.to_date >= $2::date)
                  ELSE c.from_date <= k.occurred_on AND (c.to_date IS NULL OR c.to_date >= k.occurred_on)
             END
         AND (w.withdrawn_at IS NULL
              OR (CASE WHEN k.occurred_on = '-infinity' THEN $2::date ELSE k.occurred_on END)
                 < w.withdrawn_at::date)
         AND (k.territory = '' OR c.territories IS NULL OR k.territory = ANY (c.territories))
         AND (c.scope_type = 'all'
              OR (c.scope_type = 'works' AND w.id = ANY (c.work_ids))
              OR (c.scope_type = 'filter'
                  AND (c.kinds IS NULL OR w.kind = ANY (c.kinds))
                  AND (c.schemes IS NULL OR EXISTS (
                        SELECT 1 FROM unnest(w.identifiers) AS wi(identifier)
                         WHERE split_part(wi.identifier, ':', 1) = ANY (c.schemes)))))
       ORDER BY k.work_id, k.usage, k.territory, k.occurred_on, k.agreement_hint,
                c.priced DESC NULLS LAST, c.agreement_id, c.version`,
      [report.period_start, report.period_end],
    );
    await manager.query(`ANALYZE key_matches`);
    await manager.query(
      `INSERT INTO usage_lines (period_month, licensee_id, report_id, line_no, line_id, status, reason,
              work_ref, work_id, publisher_id, agreement_id, agreement_version, usage, unit, units,
              territory, model, occurred_on, revenue)
       SELECT $1::date, $2::uuid, $3::uuid, s.line_no, s.line_id,
              CASE WHEN s.invalid_reason IS NOT NULL THEN 'invalid'
                   WHEN m.publisher_id IS NULL THEN 'unmatched'
                   WHEN m.agreement_id IS NULL THEN 'out-of-scope'
                   ELSE 'matched' END,
              CASE WHEN s.invalid_reason IS NOT NULL THEN s.invalid_reason
                   WHEN i.claims > 1 THEN 'identifier-conflict'
                   WHEN m.publisher_id IS NULL THEN 'unknown-work'
                   ELSE m.reason END,
              s.work_ref, CASE WHEN m.publisher_id IS NOT NULL THEN m.work_id END, m.publisher_id,
              m.agreement_id, m.version, s.usage, s.unit, s.units, s.territory, s.model,
              s.occurred_on, s.revenue
         FROM ${stage} s
         LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
         LEFT JOIN key_matches m
           ON s.invalid_reason IS NULL
          AND m.work_id = COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
          AND m.usage = s.usage
          AND m.territory = COALESCE(s.territory, '')
          AND m.occurred_on = COALESCE(s.occurred_on, '-infinity'::date)
          AND m.agreement_hint = COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid)`,
      [month, report.licensee_id, report.id],
    );
  }

  /** Aggregates, counts and totals by usage type; the report counts from now; its predecessor stops. */
  private async settle(manager: EntityManager, report: ReportRow, month: string): Promise<void> {
    await manager.query(
      `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
              agreement_version, status, usage, unit, lines, units, revenue)
       SELECT report_id, licensee_id, publisher_id, work_id, agreement_id, agreement_version,
              status, usage, unit, count(*), COALESCE(sum(units), 0), COALESCE(sum(revenue), 0)
         FROM usage_lines
        WHERE period_month = $1 AND report_id = $2 AND status <> 'invalid'
        GROUP BY report_id, licensee_id, publisher_id, work_id, agreement_id, agreement_version,
                 status, usage, unit`,
      [month, report.id],
    );
    const [counts] = await manager.query<
      { matched: string; unmatched: string; out_of_scope: string; invalid: string }[]
    >(
      `SELECT COALESCE(sum(lines) FILTER (WHERE status = 'matched'), 0) AS matched,
              COALESCE(sum(lines) FILTER (WHERE status = 'unmatched'), 0) AS unmatched,
              COALESCE(sum(lines) FILTER (WHERE status = 'out-of-scope'), 0) AS out_of_scope,
              $2::bigint - COALESCE(sum(lines), 0) AS invalid
         FROM usage_aggregates WHERE report_id = $1`,
      [report.id, report.lines_received],
    );
    await manager.query(
      `UPDATE usage_reports r
          SET status = 'accepted', accepted_at = now(), processed_at = now(),
              lines_matched = $2, lines_unmatched = $3, lines_out_of_scope = $4, lines_invalid = $5,
              totals_by_usage = COALESCE((
                SELECT jsonb_agg(jsonb_build_object('usage', usage, 'unit', unit, 'lines', lines,
                         'units', units::text, 'matchedUnits', matched_units::text)
                         ORDER BY usage, unit)
                  FROM (SELECT usage, unit, sum(lines) AS lines, sum(units) AS units,
                               COALESCE(sum(units) FILTER (WHERE status = 'matched'), 0) AS matched_units
                          FROM usage_aggregates WHERE report_id = r.id GROUP BY usage, unit) t
              ), '[]'::jsonb)
        WHERE id = $1`,
      [report.id, counts.matched, counts.unmatched, counts.out_of_scope, counts.invalid],
    );
    if (report.supersedes_id) {
      await manager.query(
        `UPDATE usage_reports SET superseded_by_id = $2, superseded_at = now()
          WHERE id = $1 AND superseded_by_id IS NULL`,
        [report.supersedes_id, report.id],
      );
    }
  }

  /** Partitions are made when the first report of a month arrives, once, under a lock. */
  private async ensurePartition(month: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-lines-partitions'))`);
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${partitionName(month)} PARTITION OF usage_lines
           FOR VALUES FROM ('${month}') TO ('${nextMonth(month)}')`,
      );
    });
  }
}
