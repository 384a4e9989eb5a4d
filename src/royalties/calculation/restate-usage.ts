import { EntityManager } from 'typeorm';
import { USAGE_AGGREGATES, USAGE_REPORTS } from '../../usage/usage.tables';
import { ROYALTY_RUNS } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * Restatements: for every posted run, the usage counting now for its period (per report)
 * less what it has been settled on (its own counted usage plus the adjustments posted since).
 * Exact whatever changed it: a superseding or late report, a re-matched suspense line. The
 * difference is recorded as this run's, and priced by charge-adjustments.
 */
export const reads = [ROYALTY_RUNS, USAGE_REPORTS, USAGE_AGGREGATES, 'royalty_run_counted'];
export const writes = ['royalty_run_usage', 'run_restated (temp)'];

export async function restateUsage(manager: EntityManager, run: RunRow): Promise<void> {
  await manager.query(
    `INSERT INTO royalty_run_usage (run_id, period_run_id, report_id, agreement_id,
              agreement_version, licensee_id, publisher_id, work_id, usage, unit, units, revenue)
       WITH posted AS (
         SELECT id, period_start, period_end FROM royalty_runs WHERE status = 'posted'),
       counting AS (
         SELECT p.id AS period_run_id, a.report_id, a.agreement_id, a.agreement_version,
                a.licensee_id, a.publisher_id, a.work_id, a.usage, a.unit, a.units, a.revenue
           FROM posted p
           JOIN ${USAGE_REPORTS.name} r ON r.period_start >= p.period_start AND r.period_end <= p.period_end
           JOIN ${USAGE_AGGREGATES.name} a ON a.report_id = r.id
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
