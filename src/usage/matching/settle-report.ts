import { EntityManager } from 'typeorm';
import { refreshReportCounts } from '../report-counts';
import { USAGE_AGGREGATES, USAGE_REPORTS } from '../usage.tables';
import { ReportRow } from './claim-report';

/**
 * Aggregates, counts and totals by usage type; the report counts from now; its predecessor
 * stops.
 */
export const reads = [USAGE_AGGREGATES];
export const writes = [USAGE_REPORTS];

const ACCEPT = `UPDATE usage_reports SET status = 'accepted', accepted_at = now(), processed_at = now()
        WHERE id = $1`;

const SUPERSEDE = `UPDATE usage_reports SET superseded_by_id = $2, superseded_at = now()
          WHERE id = $1 AND superseded_by_id IS NULL`;

export async function settleReport(manager: EntityManager, report: ReportRow): Promise<void> {
  await refreshReportCounts(manager, report.id);
  await manager.query(ACCEPT, [report.id]);
  if (report.supersedes_id) {
    await manager.query(SUPERSEDE, [report.supersedes_id, report.id]);
  }
}
