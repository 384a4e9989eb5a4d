import { table } from '../database/table';

/** A period's royalty run: calculating → calculated → posted. Written by royalties; read by the ledger's overview. */
export const ROYALTY_RUNS = table('royalty_runs', [
  'id',
  'period_start',
  'period_end',
  'status',
  'commission_bps',
  'summary',
  'calculation_hash',
  'failure',
  'created_by_principal_id',
  'created_at',
  'calculated_at',
  'posted_by_principal_id',
  'posted_at',
  'lines_stored',
]);

/** A row of royalty_runs as `SELECT *` returns it. */
export interface RoyaltyRunRow {
  id: string;
  period_start: string;
  period_end: string;
  status: string;
  commission_bps: number;
  summary: unknown;
  calculation_hash: Buffer | null;
  failure: string | null;
  created_by_principal_id: string;
  created_at: Date;
  calculated_at: Date | null;
  posted_by_principal_id: string | null;
  posted_at: Date | null;
  lines_stored: boolean;
}

/** The usage reports a run counts, with the aggregate generation counted. Written by royalties; read by usage (a report counted by a posted run is settled). */
export const ROYALTY_RUN_REPORTS = table('royalty_run_reports', [
  'run_id',
  'report_id',
  'generation',
]);

/** A row of royalty_run_reports as `SELECT *` returns it. */
export interface RoyaltyRunReportRow {
  run_id: string;
  report_id: string;
  generation: number;
}

/** A run's charges, partitioned by run: per agreement, work, usage type and unit, with their gross and commission. Written by royalties; read by its statements and earnings. */
export const ROYALTY_CHARGES = table('royalty_charges', [
  'run_id',
  'invoice_id',
  'line_no',
  'kind',
  'agreement_id',
  'agreement_version',
  'work_id',
  'usage',
  'unit',
  'units',
  'rate',
  'per',
  'exact',
  'gross',
  'commission',
  'adjusts_run_id',
  'adjusts_period_start',
  'adjusts_period_end',
  'adjusts_report_ids',
  'split_version',
  'split_shape_id',
]);

/** A row of royalty_charges as `SELECT *` returns it. */
export interface RoyaltyChargeRow {
  run_id: string;
  invoice_id: string;
  line_no: number;
  kind: string;
  agreement_id: string;
  agreement_version: number | null;
  work_id: string | null;
  usage: string | null;
  unit: string | null;
  units: string | null;
  rate: string | null;
  per: string | null;
  exact: string;
  gross: string;
  commission: string;
  adjusts_run_id: string | null;
  adjusts_period_start: string | null;
  adjusts_period_end: string | null;
  adjusts_report_ids: string[] | null;
  split_version: number | null;
  split_shape_id: number | null;
}

/** What a licensee owes for a run's agreement and period. Written by royalties; read by the ledger's reports. */
export const INVOICES = table('invoices', [
  'id',
  'run_id',
  'agreement_id',
  'licensee_id',
  'publisher_id',
  'currency',
  'exact_total',
  'amount',
  'commission',
  'payee_total',
  'advance_invoiced',
  'advance_recouped',
  'advance_balance',
  'adjustment_exact',
  'adjustment_amount',
  'adjustment_commission',
]);

/** A row of invoices as `SELECT *` returns it. */
export interface InvoiceRow {
  id: string;
  run_id: string;
  agreement_id: string;
  licensee_id: string;
  publisher_id: string;
  currency: string;
  exact_total: string;
  amount: string;
  commission: string;
  payee_total: string;
  advance_invoiced: string;
  advance_recouped: string;
  advance_balance: string;
  adjustment_exact: string;
  adjustment_amount: string;
  adjustment_commission: string;
}

/** A payment recorded against an invoice. Written by royalties; read by the ledger's reports and collection. */
export const INVOICE_PAYMENTS = table('invoice_payments', [
  'id',
  'invoice_id',
  'amount',
  'received_on',
  'reference',
  'ledger_transaction_id',
  'recorded_by_principal_id',
  'recorded_at',
  'source',
  'stripe_reference',
]);

/** A row of invoice_payments as `SELECT *` returns it. */
export interface InvoicePaymentRow {
  id: string;
  invoice_id: string;
  amount: string;
  received_on: string;
  reference: string | null;
  ledger_transaction_id: string;
  /** Null for what Stripe recorded (source other than manual). */
  recorded_by_principal_id: string | null;
  recorded_at: Date;
  source: 'manual' | 'stripe' | 'credit' | 'refund';
  /** Stripe's id of what was paid; null for manual payments. */
  stripe_reference: string | null;
}

/** What a payee earned in a run, per currency. Written by royalties; read by the ledger and payouts. */
export const STATEMENTS = table('statements', [
  'id',
  'run_id',
  'payee_id',
  'publisher_id',
  'currency',
  'gross',
  'commission',
  'net',
]);

/** A row of statements as `SELECT *` returns it. */
export interface StatementRow {
  id: string;
  run_id: string;
  payee_id: string;
  publisher_id: string;
  currency: string;
  gross: string;
  commission: string;
  net: string;
}

/** A statement's total per invoice. Written by royalties; read by receipts (a receipt's trail). */
export const STATEMENT_INVOICES = table('statement_invoices', [
  'statement_id',
  'invoice_id',
  'gross',
  'commission',
  'net',
]);

/** What a payment released to each payee. Written by royalties; read by receipts (a receipt's trail). */
export const INVOICE_PAYMENT_RELEASES = table('invoice_payment_releases', [
  'payment_id',
  'payee_id',
  'amount',
]);
