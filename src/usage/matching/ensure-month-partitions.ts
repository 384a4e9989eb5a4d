import { EntityManager } from 'typeorm';
import { USAGE_RECEIPT_CITATIONS, USAGE_REPORT_LINES } from '../usage.tables';
import { monthPartition, nextMonth, sqlLiteral } from '../usage-staging';

/**
 * Month partitions are made when the first report of a month arrives, once, under a lock, in a
 * transaction of their own (before the report's).
 */
export const reads: string[] = [];
export const writes = [
  'usage_line_issues (month partition)',
  `${USAGE_REPORT_LINES.name} (month partition)`,
  `${USAGE_RECEIPT_CITATIONS.name} (month partition)`,
];

export async function ensureMonthPartitions(manager: EntityManager, month: string): Promise<void> {
  const range = `FOR VALUES FROM (${sqlLiteral(month)}) TO (${sqlLiteral(nextMonth(month))})`;
  await manager.transaction(async (manager) => {
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('usage-lines-partitions'))`);
    await manager.query(
      `CREATE TABLE IF NOT EXISTS ${monthPartition('usage_line_issues', month)}
           PARTITION OF usage_line_issues ${range}`,
    );
    for (const table of ['usage_report_lines', 'usage_receipt_citations']) {
      await manager.query(
        `CREATE TABLE IF NOT EXISTS ${monthPartition(table, month)}
             PARTITION OF ${table} ${range} PARTITION BY LIST (report_id)`,
      );
    }
  });
}
