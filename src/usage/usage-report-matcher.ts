import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { matchQuestions, NO_AGREEMENT } from './match-questions';
import { refreshReportCounts } from './report-counts';
import { nextMonth, partitionName, periodMonth, stagingTable } from './usage-staging';

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
      // Hash joins and aggregates over millions of lines stay in memory instead of spilling.
      await manager.query(`SET LOCAL work_mem = '256MB'`);
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
      await this.settle(manager, report);
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
    await matchQuestions(manager, this.agreements, stage, report);
    // The lines are written and aggregated in one pass: the aggregates read the inserted rows as
    // they are returned, not the table back.
    await manager.query(
      `WITH written AS (
       INSERT INTO usage_lines (period_month, licensee_id, report_id, line_no, line_id, status, reason,
              work_ref, work_id, publisher_id, agreement_id, agreement_version, usage, unit, units,
              territory, model, occurred_on, revenue, named_work_id, scheme, value,
              named_agreement_id)
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
              s.occurred_on, s.revenue,
              -- What re-matching a suspended line needs, kept on those lines only.
              CASE WHEN s.invalid_reason IS NULL AND m.publisher_id IS NULL THEN s.work_id END,
              CASE WHEN s.invalid_reason IS NULL AND m.publisher_id IS NULL THEN s.scheme END,
              CASE WHEN s.invalid_reason IS NULL AND m.publisher_id IS NULL THEN s.value END,
              CASE WHEN s.invalid_reason IS NULL AND m.publisher_id IS NULL THEN s.agreement_id END
         FROM ${stage} s
         LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
         LEFT JOIN key_matches m
           ON s.invalid_reason IS NULL
          AND m.work_id = COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
          AND m.usage = s.usage
          AND m.territory = COALESCE(s.territory, '')
          AND m.occurred_on = COALESCE(s.occurred_on, '-infinity'::date)
          AND m.agreement_hint = COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid)
       RETURNING licensee_id, publisher_id, work_id, agreement_id, agreement_version, status,
                 usage, unit, units, revenue)
       INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
              agreement_version, status, usage, unit, lines, units, revenue)
       SELECT $3::uuid, licensee_id, publisher_id, work_id, agreement_id, agreement_version,
              status, usage, unit, count(*), COALESCE(sum(units), 0), COALESCE(sum(revenue), 0)
         FROM written
        WHERE status <> 'invalid'
        GROUP BY licensee_id, publisher_id, work_id, agreement_id, agreement_version, status,
                 usage, unit`,
      [month, report.licensee_id, report.id],
    );
  }

  /** Aggregates, counts and totals by usage type; the report counts from now; its predecessor stops. */
  private async settle(manager: EntityManager, report: ReportRow): Promise<void> {
    await refreshReportCounts(manager, report.id);
    await manager.query(
      `UPDATE usage_reports SET status = 'accepted', accepted_at = now(), processed_at = now()
        WHERE id = $1`,
      [report.id],
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
