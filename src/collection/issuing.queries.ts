import {
  INVOICE_PAYMENTS,
  INVOICES,
  ROYALTY_CHARGES,
  ROYALTY_RUNS,
} from '../royalties/royalties.tables';
import { CollectionInvoiceRow, Db } from './collection.queries';

/**
 * Collection's SQL for issuing: the rows seeded in a run's posting transaction (collection_invoices,
 * collection_credits), what issuing an invoice reads and records, and what recovery finds undone.
 */

/** Each positive invoice of run $1, to be issued; returns their ids. */
export function seedInvoices(db: Db, runId: string): Promise<{ invoice_id: string }[]> {
  return db.query(
    `INSERT INTO collection_invoices (invoice_id, run_id, licensee_id, currency, amount)
     SELECT i.id, i.run_id, i.licensee_id, i.currency, i.amount
       FROM ${INVOICES.name} i WHERE i.run_id = $1 AND i.amount > 0
     ON CONFLICT (invoice_id) DO NOTHING
     RETURNING invoice_id`,
    [runId],
  );
}

/** Each credit note (negative invoice) of run $1, to be given back as its licensee prefers. */
export function seedCredits(db: Db, runId: string): Promise<{ id: string }[]> {
  return db.query(
    `INSERT INTO collection_credits (id, invoice_id, run_id, licensee_id, currency, amount, method)
     SELECT gen_random_uuid(), i.id, i.run_id, i.licensee_id, i.currency, -i.amount,
            COALESCE(lc.credit_preference, 'balance')
       FROM ${INVOICES.name} i
       LEFT JOIN licensee_customers lc ON lc.licensee_id = i.licensee_id
      WHERE i.run_id = $1 AND i.amount < 0
     ON CONFLICT (invoice_id) DO NOTHING
     RETURNING id`,
    [runId],
  );
}

export interface IssueContext extends CollectionInvoiceRow {
  agreement_id: string;
  period_start: string;
  period_end: string;
  paid: string;
}

/** The invoice to issue, with its period and what is already paid on it. */
export async function issueContext(db: Db, invoiceId: string): Promise<IssueContext | undefined> {
  const [row] = await db.query<IssueContext[]>(
    `SELECT c.*, i.agreement_id, r.period_start::text AS period_start,
            r.period_end::text AS period_end,
            (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
              WHERE p.invoice_id = c.invoice_id) AS paid
       FROM collection_invoices c
       JOIN ${INVOICES.name} i ON i.id = c.invoice_id
       JOIN ${ROYALTY_RUNS.name} r ON r.id = c.run_id
      WHERE c.invoice_id = $1`,
    [invoiceId],
  );
  return row;
}

/** The invoice's charges summed per kind (one Stripe line each). */
export function chargeSums(
  db: Db,
  runId: string,
  invoiceId: string,
): Promise<{ kind: string; amount: string; charges: number }[]> {
  return db.query(
    `SELECT kind, sum(gross)::text AS amount, count(*)::int AS charges
       FROM ${ROYALTY_CHARGES.name} WHERE run_id = $1 AND invoice_id = $2
      GROUP BY kind ORDER BY kind`,
    [runId, invoiceId],
  );
}

/** Stripe's invoice $2 (made at Unix second $3) is invoice $1's; kept if one is already. */
export async function recordStripeInvoice(
  db: Db,
  invoiceId: string,
  stripeInvoiceId: string,
  created: number,
): Promise<void> {
  await db.query(
    `UPDATE collection_invoices SET stripe_invoice_id = $2, stripe_created = $3
      WHERE invoice_id = $1 AND stripe_invoice_id IS NULL`,
    [invoiceId, stripeInvoiceId, created],
  );
}

/** One more attempt at issuing; failure: what Stripe refused (null: retried later). */
export async function recordAttempt(
  db: Db,
  invoiceId: string,
  failure: string | null,
): Promise<void> {
  await db.query(
    `UPDATE collection_invoices
        SET attempts = attempts + 1, failure = $2,
            failed_at = CASE WHEN $2::text IS NULL THEN failed_at ELSE now() END
      WHERE invoice_id = $1`,
    [invoiceId, failure?.slice(0, 1000) ?? null],
  );
}

/** Paid in full by hand before Stripe had it: never issued there. */
export async function withdraw(db: Db, invoiceId: string): Promise<void> {
  await db.query(
    `UPDATE collection_invoices SET status = 'withdrawn', failure = NULL
      WHERE invoice_id = $1 AND status = 'issuing' AND stripe_invoice_id IS NULL`,
    [invoiceId],
  );
}

/** Finance asks for another try at an invoice Stripe refused. */
export function retryIssuing(db: Db, invoiceId: string): Promise<CollectionInvoiceRow[]> {
  return db.query(
    `WITH retried AS (
       UPDATE collection_invoices SET failure = NULL, failed_at = NULL
        WHERE invoice_id = $1 AND status = 'issuing' RETURNING *)
     SELECT * FROM retried`,
    [invoiceId],
  );
}

/** Invoices still to issue whose last try is older than $1 seconds (Stripe refusals wait for finance). */
export function dueToIssue(db: Db, olderThanSeconds: number): Promise<{ invoice_id: string }[]> {
  return db.query(
    `SELECT invoice_id FROM collection_invoices
      WHERE status = 'issuing' AND failure IS NULL
        AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT 10000`,
    [olderThanSeconds],
  );
}

/** Credit notes still to give back whose last try is older than $1 seconds. */
export function dueToCredit(db: Db, olderThanSeconds: number): Promise<{ id: string }[]> {
  return db.query(
    `SELECT id FROM collection_credits
      WHERE status = 'pending' AND failure IS NULL
        AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT 10000`,
    [olderThanSeconds],
  );
}
