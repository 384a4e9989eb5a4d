import { DataSource } from 'typeorm';
import { PAYEES, WORK_SPLITS } from '../catalogue/catalogue.tables';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import { USAGE_RECEIPT_CITATIONS } from '../usage/usage.tables';
import { InvoiceResponse } from './dto/royalty-run.dto';
import {
  InvoiceRow as InvoiceTableRow,
  ROYALTY_RUN_REPORTS,
  RoyaltyChargeRow,
  StatementRow as StatementTableRow,
} from './royalties.tables';

/**
 * The statements' and invoices' SQL (statements.service): a statement with its names, its lines
 * (stored, or derived from the run's charges), and invoices with where they stand.
 */

/** A statement with its run's period and whether its lines are stored, and its names. */
export interface StatementRow extends StatementTableRow {
  lines_stored: boolean;
  period_start: string;
  period_end: string;
  payee_name: string;
  publisher_name: string;
}

/** A statement line: its charge's columns, its share of the charge, and its number. */
export interface StatementLineRow extends Pick<
  RoyaltyChargeRow,
  | 'invoice_id'
  | 'kind'
  | 'agreement_id'
  | 'work_id'
  | 'usage'
  | 'unit'
  | 'units'
  | 'rate'
  | 'per'
  | 'gross'
  | 'commission'
  | 'adjusts_run_id'
  | 'adjusts_period_start'
  | 'adjusts_period_end'
  | 'adjusts_report_ids'
> {
  line_no: number;
  share_bps: number;
  net: string;
  receipt_ids: string[];
}

/**
 * A statement's lines, derived from its run's charges ($1 statement, $2 run, $3 payee, $4
 * currency): each charge of a work the payee shares in, split over the members of the split
 * version the charge records, floor(|amount| × bps / 10000) plus one unit to the largest
 * remainders (ties to the lower payee id), given the amount's sign back — the rule the
 * calculator totals by (calculation/share-to-payees.ts); the charges without a work, whole,
 * for the publisher's default payee; and the stored advance-repayment lines. Numbered in the
 * statement's order: agreement, kind, work, usage, unit, corrected period, charge line.
 */
const DERIVED_LINES_SQL = `
  WITH mine AS (
    SELECT c.invoice_id, c.line_no, c.work_id, c.split_version, c.gross, c.commission
      FROM royalty_charges c
      JOIN invoices i ON i.id = c.invoice_id
      JOIN ${WORK_SPLITS.name} me
        ON me.work_id = c.work_id AND me.split_version = c.split_version AND me.payee_id = $3
     WHERE c.run_id = $2 AND i.currency = $4),
  shares AS (
    SELECT m.invoice_id, m.line_no, s.payee_id, s.share_bps,
           CASE WHEN m.gross < 0 THEN -1 ELSE 1 END
             * (abs(m.gross) * s.share_bps / 10000
                + CASE WHEN row_number() OVER (PARTITION BY m.invoice_id, m.line_no
                                              ORDER BY abs(m.gross) * s.share_bps % 10000 DESC, s.payee_id)
                            <= abs(m.gross) - sum(abs(m.gross) * s.share_bps / 10000)
                                                OVER (PARTITION BY m.invoice_id, m.line_no)
                       THEN 1 ELSE 0 END) AS gross,
           CASE WHEN m.commission < 0 THEN -1 ELSE 1 END
             * (abs(m.commission) * s.share_bps / 10000
                + CASE WHEN row_number() OVER (PARTITION BY m.invoice_id, m.line_no
                                              ORDER BY abs(m.commission) * s.share_bps % 10000 DESC, s.payee_id)
                            <= abs(m.commission) - sum(abs(m.commission) * s.share_bps / 10000)
                                                     OVER (PARTITION BY m.invoice_id, m.line_no)
                       THEN 1 ELSE 0 END) AS commission
      FROM mine m
      JOIN ${WORK_SPLITS.name} s ON s.work_id = m.work_id AND s.split_version = m.split_version),
  lines AS (
    SELECT c.invoice_id, c.line_no AS charge_line_no, c.kind, c.agreement_id, c.work_id, c.usage,
           c.unit, c.units, c.rate, c.per, x.share_bps, x.gross, x.commission, c.adjusts_run_id,
           c.adjusts_period_start, c.adjusts_period_end, c.adjusts_report_ids, 0 AS stored_no,
           c.agreement_version
      FROM shares x
      JOIN royalty_charges c ON c.run_id = $2 AND c.invoice_id = x.invoice_id AND c.line_no = x.line_no
     WHERE x.payee_id = $3
    UNION ALL
    SELECT c.invoice_id, c.line_no, c.kind, c.agreement_id, c.work_id, c.usage, c.unit, c.units,
           c.rate, c.per, 10000, c.gross, c.commission, c.adjusts_run_id, c.adjusts_period_start,
           c.adjusts_period_end, c.adjusts_report_ids, 0, c.agreement_version
      FROM royalty_charges c
      JOIN invoices i ON i.id = c.invoice_id
      JOIN ${PAYEES.name} p ON p.organization_id = i.publisher_id AND p.is_default AND p.id = $3
     WHERE c.run_id = $2 AND c.work_id IS NULL AND i.currency = $4
    UNION ALL
    SELECT invoice_id, charge_line_no, kind, agreement_id, work_id, usage, unit, units, rate, per,
           share_bps, gross, commission, adjusts_run_id, adjusts_period_start, adjusts_period_end,
           adjusts_report_ids, line_no, NULL::int
      FROM statement_lines WHERE statement_id = $1)
  SELECT row_number() OVER (ORDER BY agreement_id, kind COLLATE "C", work_id, usage COLLATE "C",
                                     unit COLLATE "C", adjusts_period_start NULLS FIRST,
                                     charge_line_no, invoice_id, stored_no)::int
           AS line_no,
         invoice_id, kind, agreement_id, work_id, usage, unit, units, rate, per, share_bps, gross,
         commission, gross - commission AS net, adjusts_run_id, adjusts_period_start,
         adjusts_period_end, adjusts_report_ids, agreement_version
    FROM lines
   ORDER BY line_no`;

/** A statement with its run's period and its payee's and publisher's names: one join each. */
const STATEMENT_COLUMNS = `s.*, r.period_start, r.period_end, r.lines_stored, p.name AS payee_name,
  o.name AS publisher_name`;
const STATEMENT_FROM = `FROM statements s JOIN royalty_runs r ON r.id = s.run_id
  JOIN ${PAYEES.name} p ON p.id = s.payee_id JOIN ${ORGANIZATIONS.name} o ON o.id = s.publisher_id`;

/** The statement's lines: stored (runs before DerivedStatementLines) or derived. */
function linesSql(row: StatementRow): { sql: string; params: string[] } {
  return row.lines_stored
    ? {
        sql: `SELECT line_no, invoice_id, kind, agreement_id, work_id, usage, unit, units, rate, per,
                     share_bps, gross, commission, net, adjusts_run_id, adjusts_period_start,
                     adjusts_period_end, adjusts_report_ids, NULL::int AS agreement_version
                FROM statement_lines WHERE statement_id = $1`,
        params: [row.id],
      }
    : { sql: DERIVED_LINES_SQL, params: [row.id, row.run_id, row.payee_id, row.currency] };
}

/** An invoice with its run's period and status, its names, and what has been paid on it. */
export interface InvoiceRow extends InvoiceTableRow {
  period_start: string;
  period_end: string;
  licensee_name: string;
  publisher_name: string;
  run_status: string;
  paid: string;
  payment_status: InvoiceResponse['paymentStatus'];
}

/**
 * Where an invoice stands with its licensee (`i` the invoice, `r` its run, `pay.paid` the sum
 * of its payments): the API's word, so no client works it out again.
 */
const PAYMENT_STATUS_SQL = `CASE
  WHEN r.status <> 'posted' THEN 'not-issued'
  WHEN i.amount < 0 THEN 'credit-note'
  WHEN pay.paid >= i.amount THEN 'paid'
  WHEN pay.paid > 0 THEN 'partially-paid'
  ELSE 'outstanding' END`;

/** Filters of a statements list; `finance` sees every publisher's and previews. */
export interface StatementFilter {
  finance: boolean;
  organizationId: string;
  runId: string | null;
  payeeId: string | null;
  after: string | null;
  limit: number;
  publisherId: string | null;
}

export function listStatements(db: DataSource, f: StatementFilter): Promise<StatementRow[]> {
  return db.query<StatementRow[]>(
    `SELECT ${STATEMENT_COLUMNS} ${STATEMENT_FROM}
        WHERE ($1::boolean OR (s.publisher_id = $2 AND r.status = 'posted'))
          AND ($3::uuid IS NULL OR s.run_id = $3) AND ($4::uuid IS NULL OR s.payee_id = $4)
          AND ($5::uuid IS NULL OR s.id > $5) AND ($7::uuid IS NULL OR s.publisher_id = $7)
        ORDER BY s.id LIMIT $6`,
    [f.finance, f.organizationId, f.runId, f.payeeId, f.after, f.limit, f.publisherId],
  );
}

/** A statement the actor may see, or none. */
export function statementHeader(
  db: DataSource,
  id: string,
  finance: boolean,
  organizationId: string,
): Promise<StatementRow[]> {
  return db.query<StatementRow[]>(
    `SELECT ${STATEMENT_COLUMNS} ${STATEMENT_FROM}
            WHERE s.id = $1 AND ($2::boolean OR (s.publisher_id = $3 AND r.status = 'posted'))`,
    [id, finance, organizationId],
  );
}

/** The statement's lines after line `after`, at most `limit`. */
export function statementLines(
  db: DataSource,
  row: StatementRow,
  after: number,
  limit: number,
): Promise<StatementLineRow[]> {
  const { sql, params } = linesSql(row);
  const n = params.length;
  return db.query<StatementLineRow[]>(
    `SELECT p.*, ${receiptIds('p', `$${n + 3}`)} AS receipt_ids
       FROM (SELECT * FROM (${sql}) l WHERE line_no > $${n + 1} ORDER BY line_no LIMIT $${n + 2}) p
      ORDER BY line_no`,
    [...params, after, limit, row.run_id],
  );
}

/**
 * The licence receipts a line's usage rests on (SQL, for line `l` of run `run`): the citations,
 * in the reports the run counted, of the line's work, agreement version, usage and unit. Only
 * usage-priced lines of the period itself (a correction's line has its own run's receipts).
 */
function receiptIds(l: string, run: string): string {
  return `CASE WHEN ${l}.kind IN ('per-unit', 'revenue-share') AND ${l}.adjusts_run_id IS NULL
                    AND ${l}.work_id IS NOT NULL
               THEN ARRAY(SELECT DISTINCT rc.receipt_id
                            FROM ${ROYALTY_RUN_REPORTS.name} rr
                            JOIN ${USAGE_RECEIPT_CITATIONS.name} rc ON rc.report_id = rr.report_id
                           WHERE rr.run_id = ${run} AND rc.work_id = ${l}.work_id
                             AND rc.agreement_id = ${l}.agreement_id
                             AND rc.agreement_version = ${l}.agreement_version
                             AND rc.usage = ${l}.usage AND rc.unit = ${l}.unit
                           ORDER BY 1)
               ELSE '{}'::text[] END`;
}

/**
 * One SELECT of the statement's lines in the CSV export's columns, with its parameters written
 * in as literals by `quote` (COPY takes no parameters).
 */
export function statementCsvSql(row: StatementRow, quote: (value: string) => string): string {
  const { sql, params } = linesSql(row);
  const inlined = sql.replace(/\$(\d)\b/g, (_, n: string) => quote(params[Number(n) - 1]));
  return `SELECT line_no, kind, agreement_id, work_id, usage, unit, units, rate, per, share_bps,
                   gross, commission, net, adjusts_period_start, adjusts_period_end,
                   adjusts_run_id, array_to_string(adjusts_report_ids, ' '),
                   NULLIF(array_to_string(${receiptIds('l', quote(row.run_id))}, ' '), '')
              FROM (${inlined}) l ORDER BY line_no`;
}

/** Filters of an invoices list; `finance` sees every licensee's and previews. */
export interface InvoiceFilter {
  finance: boolean;
  organizationId: string;
  runId: string | null;
  agreementId: string | null;
  after: string | null;
  limit: number;
  adjusted: boolean | null;
  status: string;
}

export function listInvoices(db: DataSource, f: InvoiceFilter): Promise<InvoiceRow[]> {
  return db.query<InvoiceRow[]>(
    `SELECT * FROM (
         SELECT i.*, r.period_start, r.period_end, r.status AS run_status,
                l.name AS licensee_name, o.name AS publisher_name, pay.paid,
                ${PAYMENT_STATUS_SQL} AS payment_status
           FROM invoices i JOIN royalty_runs r ON r.id = i.run_id
           JOIN ${ORGANIZATIONS.name} l ON l.id = i.licensee_id
           JOIN ${ORGANIZATIONS.name} o ON o.id = i.publisher_id
           CROSS JOIN LATERAL (SELECT COALESCE(sum(p.amount), 0) AS paid
                                 FROM invoice_payments p WHERE p.invoice_id = i.id) pay
          WHERE ($1::boolean OR (i.licensee_id = $2 AND r.status = 'posted'))
            AND ($3::uuid IS NULL OR i.run_id = $3) AND ($4::uuid IS NULL OR i.agreement_id = $4)
            AND ($5::uuid IS NULL OR i.id > $5)
            AND ($7::boolean IS NULL OR (i.adjustment_exact <> 0) = $7)) x
        WHERE $8::text = 'all'
           OR ($8 = 'outstanding' AND payment_status IN ('outstanding', 'partially-paid'))
           OR ($8 = 'paid' AND payment_status = 'paid')
        ORDER BY id LIMIT $6`,
    [f.finance, f.organizationId, f.runId, f.agreementId, f.after, f.limit, f.adjusted, f.status],
  );
}
