import { EntityManager } from 'typeorm';
import { USAGE_REPORT_LINES } from '../usage.tables';
import { monthPartition, reportLinesTable, sqlLiteral } from '../usage-staging';
import { ReportRow } from './claim-report';

/**
 * The staged table is the report's lines as received: it becomes the report's partition of
 * usage_report_lines. The partition keys are column defaults, which PostgreSQL stores once for
 * the table rather than writing them into every row.
 */
export const reads: string[] = [];
export const writes = [
  'usage_staging.r_<report> (moved to usage_evidence.r_<report>)',
  `${USAGE_REPORT_LINES.name} (the report's partition)`,
];

export async function keepLines(
  manager: EntityManager,
  report: ReportRow,
  stage: string,
  month: string,
): Promise<void> {
  const lines = reportLinesTable(report.id);
  await manager.query(
    `ALTER TABLE ${stage}
         ADD COLUMN period_month date NOT NULL DEFAULT ${sqlLiteral(month)}::date,
         ADD COLUMN licensee_id uuid NOT NULL DEFAULT ${sqlLiteral(report.licensee_id)}::uuid,
         ADD COLUMN report_id uuid NOT NULL DEFAULT ${sqlLiteral(report.id)}::uuid`,
  );
  await manager.query(`ALTER TABLE ${stage} SET SCHEMA ${lines.split('.')[0]}`);
  await manager.query(
    `ALTER TABLE ${monthPartition('usage_report_lines', month)}
         ATTACH PARTITION ${lines} FOR VALUES IN (${sqlLiteral(report.id)}::uuid)`,
  );
}
