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
import { USAGE_RECEIPT_CITATIONS, USAGE_REPORTS } from '../usage/usage.tables';

/**
 * A licence receipt's trail (GET /v1/licence-receipts/:id): the reports citing it, where their
 * lines are, the charges that priced them, the statements they are on and the payout items that paid them.
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
  first_line_no: string;
  last_line_no: string;
}

/**
 * The receipt's citations the actor may see ($3 null: all; else its licensee's or publisher's),
 * in the month of its day ($2): a use is reported in the period it happened.
 */
export function citations(db: Db, receiptId: string, day: string, organizationId: string | null) {
  return db.query<CitationRow[]>(
    `SELECT c.report_id, r.period_start::text AS period_start, c.licensee_id, c.publisher_id,
            c.work_id, c.agreement_id, c.agreement_version, c.usage, c.unit,
            sum(c.lines)::text AS lines, sum(c.units)::text AS units,
            min(c.first_line_no)::text AS first_line_no, max(c.last_line_no)::text AS last_line_no
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

/** A row of a batched query, told to its citation (its index in the citations, from 1). */
interface OfCitation {
  citation: number;
}

export interface ChargeRow extends OfCitation {
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
 * The charges that priced each citation's usage: in each run that counted the report, the
 * invoice of the agreement, its line for the work, version, usage and unit (not a correction's
 * line). Posted runs only unless `previews`. One query for every citation.
 */
export function charges(db: Db, cs: readonly CitationRow[], previews: boolean) {
  return db.query<ChargeRow[]>(
    `SELECT c.citation::int AS citation, ch.run_id, r.status AS run_status, ch.invoice_id,
            i.currency, ch.line_no, ch.kind, ch.units::text AS units, ch.gross::text AS gross
       FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[])
              WITH ORDINALITY AS c(report_id, agreement_id, work_id, version, usage, unit, citation)
       JOIN ${ROYALTY_RUN_REPORTS.name} rr ON rr.report_id = c.report_id
       JOIN ${ROYALTY_RUNS.name} r ON r.id = rr.run_id
       JOIN ${INVOICES.name} i ON i.run_id = rr.run_id AND i.agreement_id = c.agreement_id
       JOIN ${ROYALTY_CHARGES.name} ch ON ch.run_id = i.run_id AND ch.invoice_id = i.id
      WHERE ($7::boolean OR r.status = 'posted')
        AND ch.work_id = c.work_id AND ch.agreement_version = c.version
        AND ch.usage = c.usage AND ch.unit = c.unit
        AND ch.kind IN ('per-unit', 'revenue-share') AND ch.adjusts_run_id IS NULL
      ORDER BY c.citation, r.calculated_at, ch.run_id, ch.invoice_id, ch.line_no`,
    [
      cs.map((c) => c.report_id),
      cs.map((c) => c.agreement_id),
      cs.map((c) => c.work_id),
      cs.map((c) => c.agreement_version),
      cs.map((c) => c.usage),
      cs.map((c) => c.unit),
      previews,
    ],
  );
}

export interface StatementPayoutRow {
  /** The charge's index in the charges asked about, from 1. */
  charge: number;
  statement_id: string;
  payee_id: string;
  /** Null: a statement none of whose payee's payout items has paid the invoice yet. */
  item_id: string | null;
  item_run_id: string | null;
  item_amount: string | null;
  item_status: string | null;
  item_transfer_id: string | null;
}

/**
 * For each charge, the statements (one per payee and currency) holding its invoice, each with
 * the payout items that paid what the invoice released to the payee, first in first out: the
 * payee's releases in the currency and its live payout items (pending or paid) are each laid
 * end to end in the order they happened, and an item pays the releases its stretch overlaps.
 * Failed and cancelled items paid nothing; the balance's other movements (reversals, holds) are
 * not in this reckoning. One query for every charge.
 */
export function statementsAndPayouts(db: Db, held: readonly ChargeRow[]) {
  return db.query<StatementPayoutRow[]>(
    `SELECT x.charge::int AS charge, s.id AS statement_id, s.payee_id, p.id AS item_id,
            p.run_id AS item_run_id, p.amount::text AS item_amount, p.status AS item_status,
            p.transfer_id AS item_transfer_id
       FROM unnest($1::uuid[], $2::uuid[], $3::text[]) WITH ORDINALITY
              AS x(run_id, invoice_id, currency, charge)
       JOIN ${STATEMENTS.name} s ON s.run_id = x.run_id AND s.currency = x.currency
       JOIN ${STATEMENT_INVOICES.name} si ON si.statement_id = s.id AND si.invoice_id = x.invoice_id
       LEFT JOIN LATERAL (
         SELECT DISTINCT paid.id, paid.run_id, paid.amount, paid.status, paid.transfer_id
           FROM (SELECT p.invoice_id, r.amount,
                        sum(r.amount) OVER (ORDER BY p.recorded_at, p.id) AS upto
                   FROM ${INVOICE_PAYMENT_RELEASES.name} r
                   JOIN ${INVOICE_PAYMENTS.name} p ON p.id = r.payment_id
                   JOIN ${INVOICES.name} i ON i.id = p.invoice_id
                  WHERE r.payee_id = s.payee_id AND i.currency = x.currency) released
           JOIN (SELECT pi.id, pi.run_id, pi.amount, pi.status, pi.transfer_id,
                        sum(pi.amount) OVER (ORDER BY pr.created_at, pi.id) AS upto
                   FROM ${PAYOUT_ITEMS.name} pi
                   JOIN ${PAYOUT_RUNS.name} pr ON pr.id = pi.run_id
                  WHERE pi.payee_id = s.payee_id AND pi.currency = x.currency
                    AND pi.status IN ('pending', 'paid')) paid
             ON paid.upto - paid.amount < released.upto
            AND paid.upto > released.upto - released.amount
          WHERE released.invoice_id = x.invoice_id) p ON true
      ORDER BY x.charge, s.payee_id, p.id`,
    [held.map((c) => c.run_id), held.map((c) => c.invoice_id), held.map((c) => c.currency)],
  );
}
