import { table } from '../database/table';

/** A licensee's report of use for a period, with its counts. Written by usage; read by royalties (the reports a run counts). */
export const USAGE_REPORTS = table('usage_reports', [
  'id',
  'licensee_id',
  'report_id',
  'content_hash',
  'format',
  'period_start',
  'period_end',
  'currency',
  'supersedes_id',
  'superseded_by_id',
  'status',
  'declared_line_count',
  'declared_units',
  'lines_received',
  'units_received',
  'lines_matched',
  'lines_unmatched',
  'lines_out_of_scope',
  'lines_invalid',
  'totals_by_usage',
  'rejection',
  'created_by_principal_id',
  'received_at',
  'processed_at',
  'accepted_at',
  'superseded_at',
  'repeat_suspects',
  'aggregate_generation',
  'lines_citing',
]);

/** A row of usage_reports as `SELECT *` returns it. */
export interface UsageReportRow {
  id: string;
  licensee_id: string;
  report_id: string;
  content_hash: Buffer;
  format: string;
  period_start: string;
  period_end: string;
  currency: string | null;
  supersedes_id: string | null;
  superseded_by_id: string | null;
  status: string;
  declared_line_count: string;
  declared_units: string;
  lines_received: string;
  units_received: string;
  lines_matched: string;
  lines_unmatched: string;
  lines_out_of_scope: string;
  lines_invalid: string;
  totals_by_usage: unknown;
  rejection: unknown;
  created_by_principal_id: string;
  received_at: Date;
  processed_at: Date | null;
  accepted_at: Date | null;
  superseded_at: Date | null;
  repeat_suspects: string[] | null;
  aggregate_generation: number;
  lines_citing: string;
}

/** Every line of a report as received, partitioned by month. Written by usage (staging); read by usage's matching and its issues. */
export const USAGE_REPORT_LINES = table('usage_report_lines', [
  'period_month',
  'licensee_id',
  'report_id',
  'line_no',
  'line_id',
  'work_id',
  'scheme',
  'value',
  'work_ref',
  'usage',
  'unit',
  'units',
  'agreement_id',
  'model',
  'territory',
  'occurred_on',
  'revenue',
  'invalid_reason',
  'receipt_id',
]);

/** A row of usage_report_lines as `SELECT *` returns it. */
export interface UsageReportLineRow {
  period_month: string;
  licensee_id: string;
  report_id: string;
  line_no: string;
  line_id: string | null;
  work_id: string | null;
  scheme: string | null;
  value: string | null;
  work_ref: string | null;
  usage: string | null;
  unit: string | null;
  units: string | null;
  agreement_id: string | null;
  model: string | null;
  territory: string | null;
  occurred_on: string | null;
  revenue: string | null;
  invalid_reason: string | null;
  receipt_id: string | null;
}

/** A report's matched usage summed by agreement version, work, usage type and unit. Written by usage's matching; read by royalties (the usage a run prices). */
export const USAGE_AGGREGATES = table('usage_aggregates', [
  'report_id',
  'licensee_id',
  'publisher_id',
  'work_id',
  'agreement_id',
  'agreement_version',
  'status',
  'usage',
  'unit',
  'lines',
  'units',
  'revenue',
  'rematched_at',
  'generation',
]);

/** A row of usage_aggregates as `SELECT *` returns it. */
export interface UsageAggregateRow {
  report_id: string;
  licensee_id: string;
  publisher_id: string | null;
  work_id: string | null;
  agreement_id: string | null;
  agreement_version: number | null;
  status: string;
  usage: string;
  unit: string;
  lines: string;
  units: string;
  revenue: string;
  rematched_at: Date | null;
  generation: number;
}

/** The licence receipts a report's matched lines cite, a row per group of lines (report, receipt, work, version, usage, unit, day; only ever added to, readers sum). Written by usage's matching and re-matching; read by receipts (a receipt's trail) and royalties (a statement line's receipts). */
export const USAGE_RECEIPT_CITATIONS = table('usage_receipt_citations', [
  'period_month',
  'report_id',
  'licensee_id',
  'receipt_id',
  'publisher_id',
  'work_id',
  'agreement_id',
  'agreement_version',
  'usage',
  'unit',
  'day',
  'lines',
  'units',
  'first_line_no',
  'last_line_no',
]);

/** The lines of a report that did not match cleanly, with their outcome (partitioned by month). Written by usage's matching and re-matching; read by usage's issues. */
export const USAGE_LINE_ISSUES = table('usage_line_issues', [
  'period_month',
  'licensee_id',
  'report_id',
  'line_no',
  'line_id',
  'status',
  'reason',
  'work_ref',
  'work_id',
  'publisher_id',
  'agreement_id',
  'agreement_version',
  'usage',
  'unit',
  'units',
  'territory',
  'model',
  'occurred_on',
  'revenue',
  'named_work_id',
  'scheme',
  'value',
  'named_agreement_id',
  'rematched_at',
  'receipt_id',
]);
