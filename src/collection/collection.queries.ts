import { EntityManager } from 'typeorm';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import {
  INVOICE_PAYMENTS,
  INVOICES,
  ROYALTY_CHARGES,
  ROYALTY_RUNS,
} from '../royalties/royalties.tables';

/**
 * Collection's SQL: collection_invoices (each invoice's Stripe side), collection_credits (each
 * credit note's), collection_syncs (Stripe invoices to read again). Reads royalties' invoices,
 * charges, runs and payments, and organizations' names.
 */

type Db = Pick<EntityManager, 'query'>;

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

// ---- Seeding, in the posting's transaction ---------------------------------------------------

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

// ---- Issuing ----------------------------------------------------------------------------------

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

/** A status's place in a Stripe invoice's life, as SQL over the text `value`. */
const STATUS_RANK = (value: string) =>
  `(CASE ${value}::text WHEN 'issuing' THEN 0 WHEN 'open' THEN 1 WHEN 'uncollectible' THEN 2 ELSE 3 END)`;

/**
 * What Stripe says of the invoice, applied only forwards: a status moves only to a later one
 * (open → uncollectible → paid; void and paid are final), amount paid never shrinks, so a read
 * applied after a newer one changes nothing.
 */
export async function recordState(db: Db, invoiceId: string, s: StripeInvoiceState): Promise<void> {
  await db.query(
    `UPDATE collection_invoices c
        SET status = CASE WHEN ${STATUS_RANK('$2')} > ${STATUS_RANK('c.status')}
                          THEN $2 ELSE c.status END,
            number = COALESCE($3, c.number),
            hosted_invoice_url = COALESCE($4, c.hosted_invoice_url),
            invoice_pdf = COALESCE($5, c.invoice_pdf),
            collection_method = $6,
            due_on = COALESCE($7::date, c.due_on),
            amount_paid = GREATEST(c.amount_paid, $8),
            amount_remaining = CASE WHEN $8 >= c.amount_paid THEN $9 ELSE c.amount_remaining END,
            issued_at = COALESCE(c.issued_at, now()),
            failure = NULL,
            synced_at = now()
      WHERE c.invoice_id = $1 AND c.status <> 'withdrawn'`,
    [
      invoiceId,
      s.status,
      s.number,
      s.hostedInvoiceUrl,
      s.invoicePdf,
      s.collectionMethod,
      s.dueOn,
      s.amountPaid,
      s.amountRemaining,
    ],
  );
}

export async function collectionOfStripeInvoice(
  db: Db,
  stripeInvoiceId: string,
): Promise<CollectionInvoiceRow | undefined> {
  const [row] = await db.query<CollectionInvoiceRow[]>(
    `SELECT * FROM collection_invoices WHERE stripe_invoice_id = $1`,
    [stripeInvoiceId],
  );
  return row;
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

// ---- Syncing from Stripe's events -------------------------------------------------------------

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

/** Stripe invoice $1 is to be read again; returns this mark. */
export async function markSync(db: Db, stripeInvoiceId: string): Promise<string> {
  const [{ mark }] = await db.query<{ mark: string }[]>(
    `INSERT INTO collection_syncs (stripe_invoice_id) VALUES ($1)
     ON CONFLICT (stripe_invoice_id)
       DO UPDATE SET mark = nextval('collection_sync_marks'), marked_at = now()
     RETURNING mark`,
    [stripeInvoiceId],
  );
  return mark;
}

/** Stripe invoice $1 taken off the list to read (by the one job that reads it now): its mark. */
export async function claimSync(db: Db, stripeInvoiceId: string): Promise<string | undefined> {
  const [row] = await db.query<{ mark: string }[]>(
    `WITH claimed AS (DELETE FROM collection_syncs WHERE stripe_invoice_id = $1 RETURNING mark)
     SELECT mark FROM claimed`,
    [stripeInvoiceId],
  );
  return row?.mark;
}

/** Marks older than $1 seconds, whose jobs Redis may have lost. */
export function staleSyncs(
  db: Db,
  olderThanSeconds: number,
): Promise<{ stripe_invoice_id: string; mark: string }[]> {
  return db.query(
    `SELECT stripe_invoice_id, mark FROM collection_syncs
      WHERE marked_at < now() - make_interval(secs => $1) ORDER BY mark LIMIT 10000`,
    [olderThanSeconds],
  );
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

// ---- Recovery ---------------------------------------------------------------------------------

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

export function dueToCredit(db: Db, olderThanSeconds: number): Promise<{ id: string }[]> {
  return db.query(
    `SELECT id FROM collection_credits
      WHERE status = 'pending' AND failure IS NULL
        AND created_at < now() - make_interval(secs => $1)
      ORDER BY created_at LIMIT 10000`,
    [olderThanSeconds],
  );
}

// ---- Credits ----------------------------------------------------------------------------------

export async function creditOf(db: Db, creditId: string): Promise<CollectionCreditRow | undefined> {
  const [row] = await db.query<CollectionCreditRow[]>(
    `SELECT * FROM collection_credits WHERE id = $1`,
    [creditId],
  );
  return row;
}

export async function creditOfInvoice(
  db: Db,
  invoiceId: string,
): Promise<CollectionCreditRow | undefined> {
  const [row] = await db.query<CollectionCreditRow[]>(
    `SELECT * FROM collection_credits WHERE invoice_id = $1`,
    [invoiceId],
  );
  return row;
}

export interface CreditTarget {
  invoice_id: string;
  stripe_invoice_id: string;
  amount: string;
  /** What Stripe collected on it by charge (a card or debit: refundable), less what was refunded since. */
  refundable: string;
  /** What credit notes already took from it. */
  credited_before: string;
}

/**
 * The paid invoice a credit note corrects: the licensee's paid Stripe invoice in the currency,
 * of the same agreement when there is one, the newest first; with what is left to credit on it.
 */
export async function creditTarget(
  db: Db,
  credit: CollectionCreditRow,
): Promise<CreditTarget | undefined> {
  const [row] = await db.query<CreditTarget[]>(
    `SELECT c.invoice_id, c.stripe_invoice_id, c.amount,
            (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
              WHERE p.invoice_id = c.invoice_id
                AND (p.source = 'refund' OR (p.source = 'stripe' AND p.reference LIKE 'ch\\_%')))
              - (SELECT COALESCE(sum(k.refunded), 0) FROM collection_credits k
                  WHERE k.corrects_invoice_id = c.invoice_id AND k.id <> $4) AS refundable,
            (SELECT COALESCE(sum(k.refunded + k.credited), 0) FROM collection_credits k
              WHERE k.corrects_invoice_id = c.invoice_id AND k.id <> $4) AS credited_before
       FROM collection_invoices c
       JOIN ${INVOICES.name} i ON i.id = c.invoice_id
       JOIN ${INVOICES.name} note ON note.id = $3
      WHERE c.licensee_id = $1 AND c.currency = $2 AND c.status = 'paid'
      ORDER BY (i.agreement_id = note.agreement_id) DESC, c.issued_at DESC
      LIMIT 1`,
    [credit.licensee_id, credit.currency, credit.invoice_id, credit.id],
  );
  return row;
}

/** The credit note Stripe made for credit $1, against invoice $3. */
export async function recordCreditNote(
  db: Db,
  creditId: string,
  creditNoteId: string,
  correctsInvoiceId: string,
  refunded: bigint,
  credited: bigint,
): Promise<void> {
  await db.query(
    `UPDATE collection_credits
        SET stripe_credit_note_id = $2, corrects_invoice_id = $3, refunded = $4, credited = $5
      WHERE id = $1 AND stripe_credit_note_id IS NULL`,
    [creditId, creditNoteId, correctsInvoiceId, String(refunded), String(credited)],
  );
}

/** The rest of credit $1 held on the licensee's Stripe balance (transaction $2). */
export async function recordBalanceCredit(
  db: Db,
  creditId: string,
  transactionId: string,
  amount: bigint,
): Promise<void> {
  await db.query(
    `UPDATE collection_credits
        SET stripe_balance_transaction_id = $2, credited = credited + $3
      WHERE id = $1 AND stripe_balance_transaction_id IS NULL`,
    [creditId, transactionId, String(amount)],
  );
}

export async function markCreditIssued(db: Db, creditId: string): Promise<void> {
  await db.query(
    `UPDATE collection_credits SET status = 'issued', issued_at = now(), failure = NULL
      WHERE id = $1 AND status = 'pending'`,
    [creditId],
  );
}

export async function recordCreditAttempt(
  db: Db,
  creditId: string,
  failure: string | null,
): Promise<void> {
  await db.query(
    `UPDATE collection_credits SET attempts = attempts + 1, failure = $2 WHERE id = $1`,
    [creditId, failure?.slice(0, 1000) ?? null],
  );
}

// ---- Out of band --------------------------------------------------------------------------------

/** What finance recorded by hand on invoice $1, and what Stripe was told of. */
export async function manualPaid(
  db: Db,
  invoiceId: string,
): Promise<{ manual: string; told: string } | undefined> {
  const [row] = await db.query<{ manual: string; told: string }[]>(
    `SELECT (SELECT COALESCE(sum(p.amount), 0) FROM ${INVOICE_PAYMENTS.name} p
              WHERE p.invoice_id = c.invoice_id AND p.source = 'manual') AS manual,
            c.told_out_of_band AS told
       FROM collection_invoices c WHERE c.invoice_id = $1`,
    [invoiceId],
  );
  return row;
}

export async function recordToldOutOfBand(db: Db, invoiceId: string, told: bigint): Promise<void> {
  await db.query(
    `UPDATE collection_invoices SET told_out_of_band = GREATEST(told_out_of_band, $2)
      WHERE invoice_id = $1`,
    [invoiceId, String(told)],
  );
}

// ---- Reading ----------------------------------------------------------------------------------

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

/** The open Stripe invoices of a Stripe customer (a bank transfer may have paid them). */
export function openInvoicesOfCustomer(
  db: Db,
  stripeCustomerId: string,
): Promise<{ stripe_invoice_id: string }[]> {
  return db.query(
    `SELECT c.stripe_invoice_id FROM collection_invoices c
       JOIN licensee_customers lc ON lc.licensee_id = c.licensee_id
      WHERE lc.stripe_customer_id = $1 AND c.status IN ('open', 'uncollectible')
        AND c.stripe_invoice_id IS NOT NULL
      LIMIT 1000`,
    [stripeCustomerId],
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
