import { EntityManager } from 'typeorm';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import { INVOICE_PAYMENTS, INVOICES, ROYALTY_RUNS } from '../royalties/royalties.tables';

/**
 * Collection's rows and its reads: collection_invoices (each invoice's Stripe side) and
 * collection_credits (each credit note's), what finance and licensees read of them (overdue,
 * posted invoices with their collection). The jobs' SQL is beside them: issuing.queries (seeding,
 * issuing, recovery), syncing.queries (reading Stripe invoices again), credits.queries (credit
 * notes, payments told out of band). Reads royalties' invoices, charges, runs and payments, and
 * organizations' names.
 */

export type Db = Pick<EntityManager, 'query'>;

export interface CollectionInvoiceRow {
  invoice_id: string;
  run_id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  status: 'issuing' | 'withdrawn' | 'open' | 'paid' | 'void' | 'uncollectible';
  stripe_invoice_id: string | null;
  stripe_created: string | null;
  number: string | null;
  hosted_invoice_url: string | null;
  invoice_pdf: string | null;
  collection_method: string | null;
  due_on: string | null;
  amount_paid: string;
  amount_remaining: string | null;
  told_out_of_band: string;
  overpaid: string;
  overpaid_on_stripe: string;
  attempts: number;
  failure: string | null;
  failed_at: Date | null;
  created_at: Date;
  issued_at: Date | null;
  synced_at: Date | null;
}

export interface CollectionCreditRow {
  id: string;
  invoice_id: string;
  run_id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  method: 'refund' | 'balance';
  status: 'pending' | 'issued';
  corrects_invoice_id: string | null;
  stripe_credit_note_id: string | null;
  refunded: string;
  credited: string;
  stripe_balance_transaction_id: string | null;
  attempts: number;
  failure: string | null;
  created_at: Date;
  issued_at: Date | null;
}

export async function collectionOf(
  db: Db,
  invoiceId: string,
): Promise<CollectionInvoiceRow | undefined> {
  const [row] = await db.query<CollectionInvoiceRow[]>(
    `SELECT * FROM collection_invoices WHERE invoice_id = $1`,
    [invoiceId],
  );
  return row;
}

export interface OverdueRow {
  invoice_id: string;
  licensee_id: string;
  licensee_name: string;
  currency: string;
  amount: string;
  outstanding: string;
  due_on: string;
  days_overdue: number;
  status: string;
  number: string | null;
  hosted_invoice_url: string | null;
}

/**
 * Invoices past their due day on $1 with something still owed, most overdue first, after the
 * cursor ($2 days overdue, $3 invoice id); $4 one licensee or all; $5 rows.
 */
export function overdueInvoices(
  db: Db,
  asOf: string,
  after: { days: number; invoiceId: string } | null,
  licenseeId: string | null,
  limit: number,
): Promise<OverdueRow[]> {
  return db.query(
    `SELECT * FROM (
       SELECT c.invoice_id, c.licensee_id, o.name AS licensee_name, c.currency, c.amount,
              (c.amount - (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
                            WHERE p.invoice_id = c.invoice_id))::text AS outstanding,
              c.due_on::text AS due_on, ($1::date - c.due_on) AS days_overdue, c.status,
              c.number, c.hosted_invoice_url
         FROM collection_invoices c JOIN ${ORGANIZATIONS.name} o ON o.id = c.licensee_id
        WHERE c.status IN ('open', 'uncollectible') AND c.due_on < $1::date
          AND ($4::uuid IS NULL OR c.licensee_id = $4)) x
      WHERE x.outstanding::bigint > 0
        AND ($2::int IS NULL OR (x.days_overdue, x.invoice_id) < ($2::int, $3::uuid))
      ORDER BY x.days_overdue DESC, x.invoice_id DESC
      LIMIT $5`,
    [asOf, after?.days ?? null, after?.invoiceId ?? null, licenseeId, limit],
  );
}

export interface OverdueByLicenseeRow {
  licensee_id: string;
  licensee_name: string;
  currency: string;
  invoices: number;
  outstanding: string;
  oldest_days_overdue: number;
}

/** What each licensee owes past due on $1, per currency, largest first. */
export function overdueByLicensee(db: Db, asOf: string): Promise<OverdueByLicenseeRow[]> {
  return db.query(
    `SELECT x.licensee_id, x.licensee_name, x.currency, count(*)::int AS invoices,
            sum(x.outstanding)::text AS outstanding, max(x.days_overdue)::int AS oldest_days_overdue
       FROM (SELECT c.licensee_id, o.name AS licensee_name, c.currency,
                    c.amount - (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
                                 WHERE p.invoice_id = c.invoice_id) AS outstanding,
                    ($1::date - c.due_on) AS days_overdue
               FROM collection_invoices c JOIN ${ORGANIZATIONS.name} o ON o.id = c.licensee_id
              WHERE c.status IN ('open', 'uncollectible') AND c.due_on < $1::date) x
      WHERE x.outstanding > 0
      GROUP BY x.licensee_id, x.licensee_name, x.currency
      ORDER BY sum(x.outstanding) DESC, x.licensee_id
      LIMIT 1000`,
    [asOf],
  );
}

export interface PostedInvoiceRow {
  id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  paid: string;
}

/** Posted runs' invoices $1 (of licensee $2, or any), with what is recorded as paid on each. */
export function postedInvoices(
  db: Db,
  invoiceIds: string[],
  licenseeId: string | null,
): Promise<PostedInvoiceRow[]> {
  return db.query<PostedInvoiceRow[]>(
    `SELECT i.id, i.licensee_id, i.currency, i.amount,
            (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
              WHERE p.invoice_id = i.id) AS paid
       FROM ${INVOICES.name} i JOIN ${ROYALTY_RUNS.name} r ON r.id = i.run_id
      WHERE i.id = ANY($1::uuid[]) AND r.status = 'posted'
        AND ($2::uuid IS NULL OR i.licensee_id = $2)`,
    [invoiceIds, licenseeId],
  );
}

export function collectionsOf(db: Db, invoiceIds: string[]): Promise<CollectionInvoiceRow[]> {
  return db.query(`SELECT * FROM collection_invoices WHERE invoice_id = ANY($1::uuid[])`, [
    invoiceIds,
  ]);
}

export function creditsOf(db: Db, invoiceIds: string[]): Promise<CollectionCreditRow[]> {
  return db.query(`SELECT * FROM collection_credits WHERE invoice_id = ANY($1::uuid[])`, [
    invoiceIds,
  ]);
}
