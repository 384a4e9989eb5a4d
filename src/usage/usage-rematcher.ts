import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { LicenseeAgreements } from '../licensing/licensee-agreements';
import { matchQuestions, NO_AGREEMENT } from './matching/match-questions';
import { refreshReportCounts } from './report-counts';
import { periodMonth } from './usage-staging';

interface SuspenseReport {
  id: string;
  licensee_id: string;
  period_start: string;
  period_end: string;
}

/**
 * Takes suspended lines (unmatched: the work was unknown) of counting reports out of suspense
 * once the catalogue knows their work: each becomes matched or out-of-scope as if it had been
 * known on arrival, marked `rematched_at`; the report's aggregates gain delta rows (never edits)
 * and its counts follow. One transaction per report, under the report's lock.
 */
@Injectable()
export class UsageRematcher {
  private readonly logger = new Logger(UsageRematcher.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly agreements: LicenseeAgreements,
  ) {}

  /** Every counting report with suspended lines; returns the lines taken out of suspense. */
  async rematchAll(): Promise<number> {
    const reports = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM usage_reports
        WHERE status = 'accepted' AND superseded_by_id IS NULL AND lines_unmatched > 0
        ORDER BY id`,
    );
    let total = 0;
    for (const { id } of reports) total += await this.rematch(id);
    if (total) this.logger.log({ lines: total }, 'suspended usage lines matched');
    return total;
  }

  async rematch(reportId: string): Promise<number> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-report:' || $1))`, [
        reportId,
      ]);
      const [report] = await manager.query<SuspenseReport[]>(
        `SELECT id, licensee_id, period_start, period_end FROM usage_reports
          WHERE id = $1 AND status = 'accepted' AND superseded_by_id IS NULL
            AND lines_unmatched > 0
          FOR UPDATE`,
        [reportId],
      );
      if (!report) return 0;
      const month = periodMonth(report.period_start);
      await manager.query(
        `CREATE TEMP TABLE suspense ON COMMIT DROP AS
         SELECT line_no, named_work_id AS work_id, scheme, value, usage, unit, units, revenue,
                territory, occurred_on, named_agreement_id AS agreement_id,
                NULL::text AS invalid_reason
           FROM usage_line_issues
          WHERE period_month = $1 AND report_id = $2 AND status = 'unmatched'`,
        [month, report.id],
      );
      await matchQuestions(
        manager,
        await this.agreements.all(report.licensee_id),
        'suspense',
        report,
      );
      await manager.query(
        `CREATE TEMP TABLE rematched ON COMMIT DROP AS
         SELECT s.line_no, s.usage, s.unit, s.units, s.revenue, m.work_id, m.publisher_id,
                m.agreement_id, m.version,
                CASE WHEN m.agreement_id IS NULL THEN 'out-of-scope' ELSE 'matched' END AS status,
                m.reason
           FROM suspense s
           LEFT JOIN report_identifiers i ON i.scheme = s.scheme AND i.value = s.value
           JOIN key_matches m
             ON m.work_id = COALESCE(s.work_id, CASE WHEN i.claims = 1 THEN i.work_id END)
            AND m.usage = s.usage
            AND m.territory = COALESCE(s.territory, '')
            AND m.occurred_on = COALESCE(s.occurred_on, '-infinity'::date)
            AND m.agreement_hint = COALESCE(s.agreement_id, '${NO_AGREEMENT}'::uuid)
          WHERE m.publisher_id IS NOT NULL`,
      );
      const [{ n }] = await manager.query<{ n: string }[]>(`SELECT count(*) AS n FROM rematched`);
      if (n === '0') return 0;
      await manager.query(
        `UPDATE usage_line_issues l
            SET status = r.status, reason = r.reason, work_id = r.work_id,
                publisher_id = r.publisher_id, agreement_id = r.agreement_id,
                agreement_version = r.version, rematched_at = now()
           FROM rematched r
          WHERE l.period_month = $1 AND l.report_id = $2 AND l.line_no = r.line_no`,
        [month, report.id],
      );
      // The delta rows are the report's next generation of aggregates: a royalty run records
      // the generation it counted (royalty_run_reports), and holds the report's row FOR SHARE
      // while it calculates, so this waits for it rather than change what it reads.
      const [{ generation }] = await manager.query<{ generation: number }[]>(
        `WITH bumped AS (
           UPDATE usage_reports SET aggregate_generation = aggregate_generation + 1 WHERE id = $1
           RETURNING aggregate_generation)
         SELECT aggregate_generation AS generation FROM bumped`,
        [report.id],
      );
      await manager.query(
        `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
                agreement_version, status, usage, unit, lines, units, revenue, rematched_at,
                generation)
         SELECT $1::uuid, $2::uuid, NULL::uuid, NULL::uuid, NULL::uuid, NULL::int, 'unmatched', usage, unit, -count(*),
                -COALESCE(sum(units), 0), -COALESCE(sum(revenue), 0), now(), $3::int
           FROM rematched GROUP BY usage, unit
         UNION ALL
         SELECT $1::uuid, $2::uuid, publisher_id, work_id, agreement_id, version, status, usage, unit,
                count(*), COALESCE(sum(units), 0), COALESCE(sum(revenue), 0), now(), $3::int
           FROM rematched
          GROUP BY publisher_id, work_id, agreement_id, version, status, usage, unit`,
        [report.id, report.licensee_id, generation],
      );
      await refreshReportCounts(manager, report.id);
      return Number(n);
    });
  }
}
