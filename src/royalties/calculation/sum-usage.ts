import { EntityManager } from 'typeorm';
import { USAGE_AGGREGATES, USAGE_REPORTS } from '../../usage/usage.tables';
import { ROYALTY_RUN_REPORTS } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * The run's usage: the matched usage of the reports it counts, by agreement version, work, usage
 * type and unit. Read straight from usage_aggregates where the counted aggregates can be taken
 * as they lie; otherwise summed into run_usage first (summedUsage).
 */
export const reads = [ROYALTY_RUN_REPORTS, USAGE_REPORTS, USAGE_AGGREGATES];
export const writes = ['run_counted (temp)', 'run_usage (temp)'];

/** Where the run's usage is read from: a source for FROM, and the parameters it takes. */
export interface RunUsage {
  from: string;
  params: string[];
}

export async function sumUsage(manager: EntityManager, run: RunRow): Promise<RunUsage> {
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
                         FROM royalty_run_reports c JOIN ${USAGE_REPORTS.name} r ON r.id = c.report_id
                        WHERE c.run_id = $1
                        GROUP BY r.licensee_id) r) AS "oneReportEach",
              EXISTS (SELECT 1 FROM ${USAGE_AGGREGATES.name} a
                       WHERE a.rematched_at IS NOT NULL
                         AND a.report_id IN (SELECT report_id FROM royalty_run_reports
                                              WHERE run_id = $1)) AS rematched`,
    [run.id],
  );
  const direct = oneReportEach !== false && !rematched;
  if (!direct) await summedUsage(manager, run, oneReportEach !== false);
  return direct
    ? {
        from: `(SELECT a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id, a.work_id,
                 a.usage, a.unit, a.units, a.revenue
            FROM ${USAGE_AGGREGATES.name} a
           WHERE a.status = 'matched' AND (a.units <> 0 OR a.revenue <> 0)
             AND a.report_id IN (SELECT report_id FROM royalty_run_reports WHERE run_id = $1))`,
        params: [run.id],
      }
    : { from: 'run_usage', params: [] };
}

/**
 * The run's usage (run_usage) where it is not the counted aggregates as they lie: the keys a
 * re-match added delta rows to are grouped and summed (the million others taken as they are:
 * grouping them all by eight columns was ~5 s at 10M lines), and with several reports of a
 * licensee in the period, their usage summed over them.
 */
async function summedUsage(
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
           FROM ${USAGE_AGGREGATES.name} a
          WHERE a.rematched_at IS NOT NULL AND a.status = 'matched'
            AND a.report_id IN (SELECT id FROM counting)),
       counted AS (
       SELECT a.report_id, a.agreement_id, a.agreement_version, a.licensee_id, a.publisher_id,
              a.work_id, a.usage, a.unit, a.units, a.revenue
         FROM ${USAGE_AGGREGATES.name} a
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
         FROM ${USAGE_AGGREGATES.name} a
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
