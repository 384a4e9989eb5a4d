import { EntityManager } from 'typeorm';
import { USAGE_REPORTS } from '../../usage/usage.tables';
import { ROYALTY_RUN_REPORTS } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * The reports the run counts, each with the generation of its aggregates it reads, recorded so
 * a later run can restate the difference (royalty_run_counted); held FOR SHARE until the run
 * commits, so neither a re-match nor a supersession changes them under it. A supersession
 * committed while the lock waited drops the old report from the locked set, and its successor,
 * accepted in the same commit, is not in that statement's snapshot: so the set is read again
 * (a new snapshot) and locked again until no counting report is missing.
 */
export const reads = [USAGE_REPORTS];
export const writes = [ROYALTY_RUN_REPORTS];

export async function countReports(manager: EntityManager, run: RunRow): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await manager.query(`DELETE FROM royalty_run_reports WHERE run_id = $1`, [run.id]);
    await manager.query(
      `WITH counting AS (
           SELECT id, aggregate_generation FROM ${USAGE_REPORTS.name}
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
           SELECT 1 FROM ${USAGE_REPORTS.name} r
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
