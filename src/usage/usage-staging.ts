/** Where a report's lines wait, as validated, between upload and matching: a table per report. */
export function stagingTable(reportId: string): string {
  return `usage_staging.r_${reportId.replace(/-/g, '')}`;
}

export const STAGING_COLUMNS = `line_no bigint NOT NULL, line_id text, work_id uuid, scheme text, value text,
  work_ref text, usage text, unit text, units bigint, agreement_id uuid, model text, territory text,
  occurred_on date, revenue bigint, receipt_id text COLLATE "C", invalid_reason text`;

export const STAGING_COPY_COLUMNS = `line_no, line_id, work_id, scheme, value, work_ref, usage, unit,
  units, agreement_id, model, territory, occurred_on, revenue, receipt_id, invalid_reason`;

/**
 * Where the staged table lives once its report is accepted: the same table, moved and attached
 * as the report's partition of usage_report_lines (never copied).
 */
export function reportLinesTable(reportId: string): string {
  return `usage_evidence.r_${reportId.replace(/-/g, '')}`;
}

/** Where a report's receipt citations are built before they are attached to usage_receipt_citations. */
export function citationsTable(reportId: string): string {
  return `usage_evidence.c_${reportId.replace(/-/g, '')}`;
}

/** The first day of the month a date falls in: the report's month partitions. */
export function periodMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

/** A month's partition of a table partitioned by period_month (usage_line_issues, usage_report_lines). */
export function monthPartition(table: string, month: string): string {
  return `${table}_y${month.slice(0, 4)}m${month.slice(5, 7)}`;
}

export function nextMonth(month: string): string {
  const year = Number(month.slice(0, 4));
  const next = Number(month.slice(5, 7)) + 1;
  return next > 12 ? `${year + 1}-01-01` : `${year}-${String(next).padStart(2, '0')}-01`;
}

/** A value PostgreSQL reads as a string constant, for DDL, which takes no parameters. */
export function sqlLiteral(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}
