import { StripeEventWrite } from '../stripe/stripe-event-router';
import { INVOICE_PAYMENTS } from '../royalties/royalties.tables';
import { CollectionInvoiceRow, Db } from './collection.queries';

/**
 * Collection's SQL for reading Stripe invoices again: the marks of what to read (collection_syncs),
 * each invoice's Stripe state applied forwards, and the money paid twice over pushed to Stripe.
 */

export interface StripeInvoiceState {
  status: CollectionInvoiceRow['status'];
  number: string | null;
  hostedInvoiceUrl: string | null;
  invoicePdf: string | null;
  collectionMethod: string;
  dueOn: string | null;
  amountPaid: number;
  amountRemaining: number;
}

/**
 * Each status's place in a Stripe invoice's life: a status only ever moves to a higher place
 * (paid and void are final; withdrawn, the platform's own, is never left either).
 */
export const STATUS_PLACE: Readonly<Record<string, number>> = {
  issuing: 0,
  open: 1,
  uncollectible: 2,
  paid: 3,
  void: 3,
  withdrawn: 3,
};

/** STATUS_PLACE as SQL over the text `value`. */
const STATUS_RANK = (value: string) =>
  `(CASE ${value}::text ${Object.entries(STATUS_PLACE)
    .map(([status, place]) => `WHEN '${status}' THEN ${place}`)
    .join(' ')} END)`;

/**
 * What Stripe says of each invoice, applied only forwards: a status moves only to a later one
 * (open → uncollectible → paid; void and paid are final), amount paid never shrinks, so a read
 * applied after a newer one changes nothing. Rows locked in the invoices' order.
 */
export async function recordStates(
  db: Db,
  states: { invoiceId: string; state: StripeInvoiceState }[],
): Promise<void> {
  if (!states.length) return;
  const sorted = [...states].sort((a, b) => (a.invoiceId < b.invoiceId ? -1 : 1));
  const column = <K extends keyof StripeInvoiceState>(key: K) =>
    sorted.map(({ state }) => state[key]);
  await db.query(
    `WITH s AS (
       SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::date[], $8::bigint[], $9::bigint[])
                AS s(invoice_id, status, number, hosted_invoice_url, invoice_pdf, collection_method,
                     due_on, amount_paid, amount_remaining)),
     locked AS (SELECT c.invoice_id FROM collection_invoices c JOIN s USING (invoice_id)
                 ORDER BY c.invoice_id FOR UPDATE OF c)
     UPDATE collection_invoices c
        SET status = CASE WHEN ${STATUS_RANK('s.status')} > ${STATUS_RANK('c.status')}
                          THEN s.status ELSE c.status END,
            number = COALESCE(s.number, c.number),
            hosted_invoice_url = COALESCE(s.hosted_invoice_url, c.hosted_invoice_url),
            invoice_pdf = COALESCE(s.invoice_pdf, c.invoice_pdf),
            collection_method = s.collection_method,
            due_on = COALESCE(s.due_on, c.due_on),
            amount_paid = GREATEST(c.amount_paid, s.amount_paid),
            amount_remaining = CASE WHEN s.amount_paid >= c.amount_paid
                                    THEN s.amount_remaining ELSE c.amount_remaining END,
            issued_at = COALESCE(c.issued_at, now()),
            failure = NULL,
            synced_at = now()
       FROM s
      WHERE c.invoice_id = s.invoice_id AND c.status <> 'withdrawn'
        AND c.invoice_id IN (SELECT invoice_id FROM locked)`,
    [
      sorted.map((s) => s.invoiceId),
      column('status'),
      column('number'),
      column('hostedInvoiceUrl'),
      column('invoicePdf'),
      column('collectionMethod'),
      column('dueOn'),
      column('amountPaid'),
      column('amountRemaining'),
    ],
  );
}

/** The platform invoices that are Stripe invoices $1. */
export function collectionsOfStripeInvoices(
  db: Db,
  stripeInvoiceIds: string[],
): Promise<CollectionInvoiceRow[]> {
  return db.query<CollectionInvoiceRow[]>(
    `SELECT * FROM collection_invoices WHERE stripe_invoice_id = ANY ($1::text[])`,
    [stripeInvoiceIds],
  );
}

/** Stripe collected $2 more than invoice $1 still owed (recorded with the payment). */
export async function addOverpaid(db: Db, invoiceId: string, excess: bigint): Promise<void> {
  await db.query(`UPDATE collection_invoices SET overpaid = overpaid + $2 WHERE invoice_id = $1`, [
    invoiceId,
    String(excess),
  ]);
}

/**
 * Claims what of invoice $1's overpaid is not yet on the licensee's Stripe balance: the range
 * (from, to] is this caller's alone (two reads at once never push the same credit twice).
 */
export async function claimOverpaid(
  db: Db,
  invoiceId: string,
): Promise<{ from: string; to: string } | undefined> {
  const [row] = await db.query<{ from: string; to: string }[]>(
    `WITH old AS (SELECT overpaid_on_stripe FROM collection_invoices
                   WHERE invoice_id = $1 AND overpaid_on_stripe < overpaid FOR UPDATE),
          claimed AS (UPDATE collection_invoices c SET overpaid_on_stripe = c.overpaid
                        FROM old WHERE c.invoice_id = $1
                      RETURNING old.overpaid_on_stripe AS "from", c.overpaid AS "to")
     SELECT "from"::text, "to"::text FROM claimed`,
    [invoiceId],
  );
  return row;
}

/** A claim whose Stripe call failed, given back (only if nothing was claimed after it). */
export async function unclaimOverpaid(
  db: Db,
  invoiceId: string,
  claim: { from: string; to: string },
): Promise<void> {
  await db.query(
    `UPDATE collection_invoices SET overpaid_on_stripe = $2
      WHERE invoice_id = $1 AND overpaid_on_stripe = $3`,
    [invoiceId, claim.from, claim.to],
  );
}

/** A mark made anew when there is one: due now again (also one put back after a failed read). */
const MARK = `ON CONFLICT (stripe_invoice_id)
       DO UPDATE SET mark = nextval('collection_sync_marks'), marked_at = now(), due_at = now()`;

/**
 * Stripe invoice $1 is to be read again, now (an event says it changed), written with the
 * event's storing.
 */
export function markSync(stripeInvoiceId: string): StripeEventWrite {
  return {
    sql: `INSERT INTO collection_syncs (stripe_invoice_id) VALUES ($1) ${MARK}`,
    params: [stripeInvoiceId],
  };
}

/**
 * The open (or uncollectible) invoices of Stripe customer $1 marked to be read again: a bank
 * transfer to the customer's balance may have paid any of them (at most 1,000, the oldest mark
 * first served by the drain).
 */
export function markOpenInvoicesOfCustomer(stripeCustomerId: string): StripeEventWrite {
  return {
    sql: `INSERT INTO collection_syncs (stripe_invoice_id)
          SELECT c.stripe_invoice_id FROM collection_invoices c
            JOIN licensee_customers lc ON lc.licensee_id = c.licensee_id
           WHERE lc.stripe_customer_id = $1 AND c.status IN ('open', 'uncollectible')
             AND c.stripe_invoice_id IS NOT NULL
           LIMIT 1000
          ${MARK}`,
    params: [stripeCustomerId],
  };
}

export interface ClaimedSync {
  stripe_invoice_id: string;
  mark: string;
  failures: number;
  /** The Stripe customer the invoice was issued to (null: not one of the platform's). */
  stripe_customer_id: string | null;
}

/**
 * Up to $1 marks that are due taken off the list to read, oldest mark first, by the one drain
 * lane that reads them now. Marks another lane is taking are skipped.
 */
export function claimSyncs(db: Db, limit: number): Promise<ClaimedSync[]> {
  return db.query(
    `WITH claimed AS (
       DELETE FROM collection_syncs WHERE stripe_invoice_id IN (
         SELECT stripe_invoice_id FROM collection_syncs WHERE due_at <= now()
          ORDER BY due_at, mark LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING stripe_invoice_id, mark, failures)
     SELECT c.stripe_invoice_id, c.mark, c.failures, lc.stripe_customer_id
       FROM claimed c
       LEFT JOIN collection_invoices ci ON ci.stripe_invoice_id = c.stripe_invoice_id
       LEFT JOIN licensee_customers lc ON lc.licensee_id = ci.licensee_id
      ORDER BY c.mark`,
    [limit],
  );
}

/**
 * Claimed marks whose read failed, put back due after $2 milliseconds × 2^failures (at most
 * $3), their failures counted; a mark made meanwhile by an event stands (it is due now).
 */
export async function putBackSyncs(
  db: Db,
  failed: ClaimedSync[],
  backoffMs: number,
  maxBackoffMs: number,
): Promise<void> {
  if (!failed.length) return;
  await db.query(
    `INSERT INTO collection_syncs (stripe_invoice_id, due_at, failures)
     SELECT id, now() + make_interval(secs => LEAST($2::float8 * 2 ^ f, $3::float8) / 1000), f + 1
       FROM unnest($1::text[], $4::int[]) AS s(id, f)
     ON CONFLICT (stripe_invoice_id) DO NOTHING`,
    [
      failed.map((s) => s.stripe_invoice_id),
      backoffMs,
      maxBackoffMs,
      failed.map((s) => Math.min(s.failures, 30)),
    ],
  );
}

/** Milliseconds until the earliest mark is due (0 or less: one is due now); null: none is left. */
export async function nextSyncDue(db: Db): Promise<number | null> {
  const [row] = await db.query<{ wait: number | null }[]>(
    `SELECT (extract(epoch FROM min(due_at) - now()) * 1000)::float8 AS wait FROM collection_syncs`,
  );
  return row.wait === null ? null : Number(row.wait);
}

/** Of invoices $1, those with money paid twice over not yet on the licensee's Stripe balance. */
export async function overpaidNotOnStripe(db: Db, invoiceIds: string[]): Promise<string[]> {
  const rows = await db.query<{ invoice_id: string }[]>(
    `SELECT invoice_id FROM collection_invoices
      WHERE invoice_id = ANY ($1::uuid[]) AND overpaid_on_stripe < overpaid`,
    [invoiceIds],
  );
  return rows.map((row) => row.invoice_id);
}

/** The invoice a Stripe charge paid, found by the payment that recorded it. */
export async function invoiceOfCharge(db: Db, chargeId: string): Promise<string | undefined> {
  const [row] = await db.query<{ invoice_id: string }[]>(
    `SELECT invoice_id FROM ${INVOICE_PAYMENTS.name}
      WHERE reference = $1 AND source = 'stripe' LIMIT 1`,
    [chargeId],
  );
  return row?.invoice_id;
}
