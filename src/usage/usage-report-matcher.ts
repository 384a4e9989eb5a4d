import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { CandidateAgreement } from '../licensing/licence-check';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { matchQuestions, NO_AGREEMENT } from './match-questions';
import { refreshReportCounts } from './report-counts';
import { coverageBoundaries } from './usage-coverage';
import {
  monthPartition,
  nextMonth,
  periodMonth,
  reportLinesTable,
  stagingTable,
} from './usage-staging';

interface ReportRow {
  id: string;
  licensee_id: string;
  status: string;
  period_start: string;
  period_end: string;
  supersedes_id: string | null;
  lines_received: string;
  repeat_suspects: string[] | null;
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
      `SELECT id, licensee_id, status, period_start, period_end, supersedes_id, lines_received,
              repeat_suspects
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
    // Read once, before the transaction, and used by every step: the stretches the lines are
    // grouped by and the matching must see the same agreement versions.
    const agreements = await this.agreements.all(report.licensee_id);
    // One snapshot for every statement (works withdrawn, identifiers): a change committed
    // between two of them must not give a stretch's lines an answer their grouping did not see.
    await this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      // One worker per report at a time; a second delivery of the job waits, then finds it done.
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-report:' || $1))`, [
        reportId,
      ]);
      const [current] = await manager.query<{ status: string }[]>(
        `SELECT status FROM usage_reports WHERE id = $1 FOR UPDATE`,
        [reportId],
      );
      if (current.status !== 'processing') return;
      // Hash joins and aggregates over millions of lines stay in memory instead of spilling; and
      // hash, not merge: a merge join sorts the staged lines by text keys (seconds per million).
      await manager.query(`SET LOCAL work_mem = '256MB'`);
      await manager.query(`SET LOCAL enable_mergejoin = off`);
      const stage = stagingTable(reportId);
      // Statistics first: without them the planner sorts millions of lines where a hash would do.
      await manager.query(`ANALYZE ${stage}`);
      await this.markDuplicates(manager, stage, report.repeat_suspects);
      await this.gatherQuestions(manager, report, stage, agreements);
      const [{ valid }] = await manager.query<{ valid: string }[]>(
        `SELECT COALESCE(sum(lines), 0) AS valid FROM report_questions`,
      );
      const total = BigInt(report.lines_received);
      const invalid = total - BigInt(valid);
      const maxBps = this.config.get('USAGE_MAX_INVALID_BPS');
      if (invalid * 10000n > BigInt(maxBps) * total) {
        await this.reject(manager, reportId, stage, {
          code: 'too-many-invalid-lines',
          detail: `${invalid} of ${total} lines are invalid, more than the ${maxBps / 100}% allowed`,
          invalidLines: Number(invalid),
          lines: Number(total),
          maxInvalidBps: maxBps,
        });
        return;
      }
      await matchQuestions(manager, agreements, 'report_questions', report);
      await this.answerQuestions(manager, report);
      await this.writeIssues(manager, report, stage, month);
      await this.keepLines(manager, report, stage, month);
      await this.settle(manager, report);
    });
    this.logger.log({ reportId, ms: Date.now() - started }, 'usage report processed');
  }

  /**
   * Marks a repeated lineId invalid on every line after its first. Only the lineIds the upload
   * suspected are looked at (none, usually); without suspects, every line is.
   */
  private async markDuplicates(
    manager: EntityManager,
    stage: string,
    suspects: string[] | null,
  ): Promise<void> {
    if (suspects !== null && suspects.length === 0) return;
    await manager.query(
      `UPDATE ${stage} s SET invalid_reason = 'duplicate lineId (first on line ' || d.first || ')'
         FROM (SELECT line_id, min(line_no) AS first FROM ${stage}
                WHERE invalid_reason IS NULL
                  AND ($1::text[] IS NULL OR line_id = ANY ($1::text[]))
                GROUP BY line_id HAVING count(*) > 1) d
        WHERE s.line_id = d.line_id AND s.line_no > d.first AND s.invalid_reason IS NULL`,
      [suspects],
    );
  }

  /**
   * The distinct questions the valid lines ask (which work, usage, unit, territory, agreement and
   * stretch of the period: see coverageBoundaries), with their lines, units and revenue: one pass
   * over the staged lines, after which matching and counting work on questions, not lines. A
   * question's day is the first of its lines' days: any day of a stretch gets the same answer.
   */
  private async gatherQuestions(
    manager: EntityManager,
    report: ReportRow,
    stage: string,
    agreements: CandidateAgreement[],
  ): Promise<void> {
    const boundaries = coverageBoundaries(agreements, {
      periodStart: report.period_start,
      periodEnd: report.period_end,
    });
    // A work withdrawn inside the period stops being covered on that day.
    await manager.query(
      `CREATE TEMP TABLE report_stretches ON COMMIT DROP AS
       SELECT ARRAY(SELECT day FROM (SELECT unnest($1::date[]) AS day
                                     UNION
                                     SELECT withdrawn_at::date FROM works
                                      WHERE withdrawn_at::date > $2::date
                                        AND withdrawn_at::date <= $3::date) days
                     ORDER BY day) AS boundaries`,
      [`{${boundaries.join(',')}}`, report.period_start, report.period_end],
    );
    await manager.query(
      `CREATE TEMP TABLE report_questions ON COMMIT DROP AS
       SELECT work_id, scheme, value, usage, unit, territory, agreement_id,
              width_bucket(occurred_on, (SELECT boundaries FROM report_stretches)) AS stretch,
              min(occurred_on) AS occurred_on, NULL::text AS invalid_reason, count(*) AS lines,
              COALESCE(sum(units), 0) AS units, COALESCE(sum(revenue), 0) AS revenue
         FROM ${stage}
        WHERE invalid_reason IS NULL
        GROUP BY work_id, scheme, value, usage, unit, territory, agreement_id,
                 width_bucket(occurred_on, (SELECT boundaries FROM report_stretches))`,
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

  /**
   * Each question with its outcome, then the report's aggregates from them. The join keys are
   * the staged columns with their absences made comparable, so that the staged lines can be
   * joined back to their question by a hash join (writeIssues).
   */
  private async answerQuestions(manager: EntityManager, report: ReportRow): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE answered_questions ON COMMIT DROP AS
       SELECT COALESCE(q.work_id, '${NO_AGREEMENT}'::uuid) AS k_work_id,
              COALESCE(q.scheme, '') AS k_scheme, COALESCE(q.value, '') AS k_value,
              q.usage, q.unit, COALESCE(q.territory, '') AS k_territory,
              COALESCE(q.stretch, -1) AS k_stretch,
              COALESCE(q.agreement_id, '${NO_AGREEMENT}'::uuid) AS k_agreement_id,
              CASE WHEN m.publisher_id IS NULL THEN 'unmatched'
                   WHEN m.agreement_id IS NULL THEN 'out-of-scope'
                   ELSE 'matched' END AS status,
              CASE WHEN i.claims > 1 THEN 'identifier-conflict'
                   WHEN m.publisher_id IS NULL THEN 'unknown-work'
                   ELSE m.reason END AS reason,
              CASE WHEN m.publisher_id IS NOT NULL THEN m.work_id END AS work_id,
              m.publisher_id, m.agreement_id, m.version, q.lines, q.units, q.revenue
         FROM report_questions q
         LEFT JOIN report_identifiers i ON i.scheme = q.scheme AND i.value = q.value
         LEFT JOIN key_matches m
           ON m.work_id = COALESCE(q.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
          AND m.usage = q.usage
          AND m.territory = COALESCE(q.territory, '')
          AND m.occurred_on = COALESCE(q.occurred_on, '-infinity'::date)
          AND m.agreement_hint = COALESCE(q.agreement_id, '${NO_AGREEMENT}'::uuid)`,
    );
    await manager.query(`ANALYZE answered_questions`);
    await manager.query(
      `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
              agreement_version, status, usage, unit, lines, units, revenue)
       SELECT $1::uuid, $2::uuid, publisher_id, work_id, agreement_id, version, status, usage, unit,
              sum(lines), sum(units), sum(revenue)
         FROM answered_questions
        GROUP BY publisher_id, work_id, agreement_id, version, status, usage, unit`,
      [report.id, report.licensee_id],
    );
  }

  /**
   * The lines that did not match cleanly (invalid, unmatched, out of scope), with their outcome:
   * the issues list and suspense read them. Matched lines are not written again.
   */
  private async writeIssues(
    manager: EntityManager,
    report: ReportRow,
    stage: string,
    month: string,
  ): Promise<void> {
    await manager.query(
      `CREATE TEMP TABLE open_questions ON COMMIT DROP AS
       SELECT * FROM answered_questions WHERE status <> 'matched'`,
    );
    await manager.query(`ANALYZE open_questions`);
    await manager.query(
      `INSERT INTO usage_line_issues (period_month, licensee_id, report_id, line_no, line_id,
              status, reason, work_ref, work_id, publisher_id, agreement_id, agreement_version,
              usage, unit, units, territory, model, occurred_on, revenue, named_work_id, scheme,
              value, named_agreement_id)
       SELECT $1::date, $2::uuid, $3::uuid, s.line_no, s.line_id,
              CASE WHEN s.invalid_reason IS NOT NULL THEN 'invalid' ELSE o.status END,
              COALESCE(s.invalid_reason, o.reason), s.work_ref,
              CASE WHEN s.invalid_reason IS NULL THEN o.work_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.publisher_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.agreement_id END,
              CASE WHEN s.invalid_reason IS NULL THEN o.version END,
              s.usage, s.unit, s.units, s.territory, s.model, s.occurred_on, s.revenue,
              -- What re-matching a suspended line needs, kept on those lines only.
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.work_id END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.scheme END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.value END,
              CASE WHEN s.invalid_reason IS NULL AND o.status = 'unmatched' THEN s.agreement_id END
         FROM ${stage} s
         LEFT JOIN open_questions o
           ON o.k_work_id = COALESCE(s.work_id, '${NO_AGREEMENT}'::uuid)
          AND o.k_scheme = COALESCE(s.scheme, '')
          AND o.k_value = COALESCE(s.value, '')
          AND o.usage = s.usage
          AND o.unit = s.unit
          AND o.k_territory = COALESCE(s.territory, '')
          AND o.k_stretch = COALESCE(
                width_bucket(s.occurred_on, (SELECT boundaries FROM report_stretches)), -1)
          AND o.k_agreement_id = COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid)
        WHERE s.invalid_reason IS NOT NULL OR o.status IS NOT NULL`,
      [month, report.licensee_id, report.id],
    );
  }

  /**
   * The staged table is the report's lines as received: it becomes the report's partition of
   * usage_report_lines. The partition keys are column defaults, which PostgreSQL stores once for
   * the table rather than writing them into every row.
   */
  private async keepLines(
    manager: EntityManager,
    report: ReportRow,
    stage: string,
    month: string,
  ): Promise<void> {
    const lines = reportLinesTable(report.id);
    await manager.query(
      `ALTER TABLE ${stage}
         ADD COLUMN period_month date NOT NULL DEFAULT ${literal(month)}::date,
         ADD COLUMN licensee_id uuid NOT NULL DEFAULT ${literal(report.licensee_id)}::uuid,
         ADD COLUMN report_id uuid NOT NULL DEFAULT ${literal(report.id)}::uuid`,
    );
    await manager.query(`ALTER TABLE ${stage} SET SCHEMA ${lines.split('.')[0]}`);
    await manager.query(
      `ALTER TABLE ${monthPartition('usage_report_lines', month)}
         ATTACH PARTITION ${lines} FOR VALUES IN (${literal(report.id)}::uuid)`,
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

  /** Month partitions are made when the first report of a month arrives, once, under a lock. */
  private async ensurePartition(month: string): Promise<void> {
    const range = `FOR VALUES FROM (${literal(month)}) TO (${literal(nextMonth(month))})`;
    await this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-lines-partitions'))`);
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${monthPartition('usage_line_issues', month)}
           PARTITION OF usage_line_issues ${range}`,
      );
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${monthPartition('usage_report_lines', month)}
           PARTITION OF usage_report_lines ${range} PARTITION BY LIST (report_id)`,
      );
    });
  }
}

/** A value PostgreSQL reads as a string constant, for DDL, which takes no parameters. */
function literal(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
