import { EntityManager } from 'typeorm';
import { USAGE_REPORTS } from '../usage.tables';

/**
 * One worker per report at a time: takes the report's lock (a second delivery of the job waits,
 * then finds it done) and answers whether the report is still being matched. The same lock
 * guards re-matching (UsageRematcher).
 */
export const reads = [USAGE_REPORTS];
export const writes: string[] = [];

export const REPORT_LOCK = `SELECT pg_advisory_xact_lock(hashtext('usage-report:' || $1))`;

const STATUS = `SELECT status FROM usage_reports WHERE id = $1 FOR UPDATE`;

export async function lockReport(manager: EntityManager, reportId: string): Promise<boolean> {
  await manager.query(REPORT_LOCK, [reportId]);
  const [current] = await manager.query<{ status: string }[]>(STATUS, [reportId]);
  return current.status === 'processing';
}
