import { EntityManager } from 'typeorm';
import { PAYOUT_ITEMS, PAYOUT_RUNS } from '../payouts/payouts.tables';
import {
  INVOICE_PAYMENT_RELEASES,
  INVOICE_PAYMENTS,
  INVOICES,
  ROYALTY_CHARGES,
  ROYALTY_RUN_REPORTS,
  ROYALTY_RUNS,
  STATEMENT_INVOICES,
  STATEMENTS,
} from '../royalties/royalties.tables';
import {
  USAGE_LINE_ISSUES,
  USAGE_RECEIPT_CITATIONS,
  USAGE_REPORT_LINES,
  USAGE_REPORTS,
} from '../usage/usage.tables';

/**
 * A licence receipt's trail (GET /v1/licence-receipts/:id): the reports citing it, their lines,
 * the charges that priced them, the statements they are on and the payout items that paid them.
 * Reads usage's, royalties' and payouts' tables through their declarations; writes nothing.
 */
type Db = Pick<EntityManager, 'query'>;

export interface CitationRow {
  report_id: string;
  period_start: string;
  licensee_id: string;
  publisher_id: string;
  work_id: string;
  agreement_id: string;
  agreement_version: number;
  usage: string;
  unit: string;
  lines: string;
  units: string;
}

/**
 * The receipt's citations the actor may see ($3 null: all; else its licensee's or publisher's),
 * in the month of its day ($2): a use is reported in the period it happened.
 */
export function citations(db: Db, receiptId: string, day: string, organizationId: string | null) {
  return db.query<CitationRow[]>(
    `SELECT c.report_id, r.period_start::text AS period_start, c.licensee_id, c.publisher_id,
            c.work_id, c.agreement_id, c.agreement_version, c.usage, c.unit,
            sum(c.lines)::text AS lines, sum(c.units)::text AS units
       FROM ${USAGE_RECEIPT_CITATIONS.name} c
       JOIN ${USAGE_REPORTS.name} r ON r.id = c.report_id
      WHERE c.receipt_id = $1 AND c.period_month = date_trunc('month', $2::date)::date
        AND ($3::uuid IS NULL OR c.licensee_id = $3 OR c.publisher_id = $3)
      GROUP BY c.report_id, r.period_start, c.licensee_id, c.publisher_id, c.work_id,
               c.agreement_id, c.agreement_version, c.usage, c.unit
      ORDER BY c.report_id, c.unit
      LIMIT 100`,
    [receiptId, day, organizationId],
  );
}

/**
 * The report's matched lines citing the receipt, first 100 (the report's month partition, by
 * report): a line whose citation was refused, or that matched nothing, is an issue of the
 * report, not part of the citation (a suspended line matched since is).
 */
export function reportLines(db: Db, receiptId: string, c: CitationRow) {
  return db.query<{ line_no: string; line_id: string; units: string }[]>(
    `SELECT l.line_no, l.line_id, l.units::text AS units FROM ${USAGE_REPORT_LINES.name} l
      WHERE l.period_month = date_trunc('month', $3::date)::date AND l.report_id = $2
        AND l.receipt_id = $1 AND l.unit = $4
        AND NOT EXISTS (SELECT 1 FROM ${USAGE_LINE_ISSUES.name} i
                         WHERE i.period_month = l.period_month AND i.report_id = l.report_id
                           AND i.line_no = l.line_no AND i.status <> 'matched')
      ORDER BY l.line_no LIMIT 100`,
    [receiptId, c.report_id, c.period_start, c.unit],
  );
}

export interface ChargeRow {
  run_id: string;
  run_status: string;
  invoice_id: string;
  currency: string;
  line_no: number;
  kind: string;
  units: string;
  gross: string;
}

/**
 * The charges that priced the citation's usage: in each run that counted the report, the
 * invoice of the agreement, its line for the work, version, usage and unit (not a correction's
 * line). Posted runs only unless `previews`.
 */
export function charges(db: Db, c: CitationRow, previews: boolean) {
  return db.query<ChargeRow[]>(
    `SELECT ch.run_id, r.status AS run_status, ch.invoice_id, i.currency, ch.line_no, ch.kind,
            ch.units::text AS units, ch.gross::text AS gross
       FROM ${ROYALTY_RUN_REPORTS.name} rr
       JOIN ${ROYALTY_RUNS.name} r ON r.id = rr.run_id
       JOIN ${INVOICES.name} i ON i.run_id = rr.run_id AND i.agreement_id = $2
       JOIN ${ROYALTY_CHARGES.name} ch ON ch.run_id = i.run_id AND ch.invoice_id = i.id
      WHERE rr.report_id = $1 AND ($7::boolean OR r.status = 'posted')
        AND ch.work_id = $3 AND ch.agreement_version = $4 AND ch.usage = $5 AND ch.unit = $6
        AND ch.kind IN ('per-unit', 'revenue-share') AND ch.adjusts_run_id IS NULL
      ORDER BY r.calculated_at, ch.run_id, ch.invoice_id, ch.line_no`,
    [c.report_id, c.agreement_id, c.work_id, c.agreement_version, c.usage, c.unit, previews],
  );
}

/** The statements (one per payee and currency) that hold the charge's invoice. */
export function statements(db: Db, charge: ChargeRow) {
  return db.query<{ id: string; payee_id: string }[]>(
    `SELECT s.id, s.payee_id FROM ${STATEMENTS.name} s
       JOIN ${STATEMENT_INVOICES.name} si ON si.statement_id = s.id AND si.invoice_id = $2
      WHERE s.run_id = $1 AND s.currency = $3
      ORDER BY s.payee_id`,
    [charge.run_id, charge.invoice_id, charge.currency],
  );
}

export interface PayoutItemRow {
  id: string;
  run_id: string;
  amount: string;
  status: string;
  transfer_id: string | null;
}

/**
 * The payout items that paid what the invoice released to the payee, first in first out: the
 * payee's releases in the currency and its live payout items (pending or paid) are each laid
 * end to end in the order they happened, and an item pays the releases its stretch overlaps.
 * Failed and cancelled items paid nothing; the balance's other movements (reversals, holds) are
 * not in this reckoning.
 */
export function payoutItems(db: Db, payeeId: string, currency: string, invoiceId: string) {
  return db.query<PayoutItemRow[]>(
    `WITH released AS (
       SELECT p.invoice_id, x.amount,
              sum(x.amount) OVER (ORDER BY p.recorded_at, p.id) AS upto
         FROM ${INVOICE_PAYMENT_RELEASES.name} x
         JOIN ${INVOICE_PAYMENTS.name} p ON p.id = x.payment_id
         JOIN ${INVOICES.name} i ON i.id = p.invoice_id
        WHERE x.payee_id = $1 AND i.currency = $2),
     paid AS (
       SELECT pi.id, pi.run_id, pi.amount, pi.status, pi.transfer_id,
              sum(pi.amount) OVER (ORDER BY pr.created_at, pi.id) AS upto
         FROM ${PAYOUT_ITEMS.name} pi
         JOIN ${PAYOUT_RUNS.name} pr ON pr.id = pi.run_id
        WHERE pi.payee_id = $1 AND pi.currency = $2 AND pi.status IN ('pending', 'paid'))
     SELECT DISTINCT paid.id, paid.run_id, paid.amount::text AS amount, paid.status,
            paid.transfer_id
       FROM released
       JOIN paid ON paid.upto - paid.amount < released.upto
                AND paid.upto > released.upto - released.amount
      WHERE released.invoice_id = $3
      ORDER BY paid.id`,
    [payeeId, currency, invoiceId],
  );
}
