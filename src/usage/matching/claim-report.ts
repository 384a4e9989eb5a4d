import { EntityManager } from 'typeorm';
import { USAGE_REPORTS } from '../usage.tables';

/**
 * Finds the reports left to match, reads the one to match, and marks it as being matched
 * (before the matching transaction, so the report shows `processing` while it runs).
 */
export const reads = [USAGE_REPORTS];
export const writes = [USAGE_REPORTS];

const UNFINISHED = `SELECT id FROM usage_reports WHERE status IN ('received', 'processing') ORDER BY id`;

const REPORT = `SELECT id, licensee_id, status, period_start, period_end, supersedes_id, lines_received,
              repeat_suspects, lines_citing
         FROM usage_reports WHERE id = $1`;

const MARK_PROCESSING = `UPDATE usage_reports SET status = 'processing' WHERE id = $1 AND status = 'received'`;

/** The report as matching reads it. */
export interface ReportRow {
  id: string;
  licensee_id: string;
  status: string;
  period_start: string;
  period_end: string;
  supersedes_id: string | null;
  lines_received: string;
  repeat_suspects: string[] | null;
  /** Lines citing a licence receipt ('0': none to check). */
  lines_citing: string;
}

export async function unfinishedReports(manager: EntityManager): Promise<string[]> {
  const rows = await manager.query<{ id: string }[]>(UNFINISHED);
  return rows.map((row) => row.id);
}

/** The report, when it is still to be matched (received, or processing when a worker died). */
export async function reportToMatch(
  manager: EntityManager,
  reportId: string,
): Promise<ReportRow | undefined> {
  const [report] = await manager.query<ReportRow[]>(REPORT, [reportId]);
  if (!report || (report.status !== 'received' && report.status !== 'processing')) return undefined;
  return report;
}

export async function markProcessing(manager: EntityManager, reportId: string): Promise<void> {
  await manager.query(MARK_PROCESSING, [reportId]);
}
