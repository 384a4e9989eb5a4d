import { EntityManager } from 'typeorm';

/** The invoice payments' SQL (invoice-payment.service): an invoice, its payments, their releases. */

export interface InvoiceRow {
  id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  payee_total: string;
}

/** The invoices $1 with their runs' statuses (those that exist). */
export function invoicesWithRun(
  manager: EntityManager,
  invoiceIds: string[],
): Promise<(InvoiceRow & { run_status: string })[]> {
  return manager.query<(InvoiceRow & { run_status: string })[]>(
    `SELECT i.id, i.licensee_id, i.currency, i.amount, i.payee_total, r.status AS run_status
       FROM invoices i JOIN royalty_runs r ON r.id = i.run_id WHERE i.id = ANY ($1::uuid[])`,
    [invoiceIds],
  );
}

/**
 * Payments on each invoice one at a time: held until the transaction ends. Taken in the
 * invoices' order, so two writers of overlapping invoices never wait for each other in a circle.
 */
export async function lockInvoicePayments(
  manager: EntityManager,
  invoiceIds: string[],
): Promise<void> {
  await manager.query(
    `SELECT pg_advisory_xact_lock(hashtext('invoice-payments:' || id))
       FROM (SELECT id FROM unnest($1::text[]) AS id ORDER BY id) ordered`,
    [[...new Set(invoiceIds)].sort()],
  );
}

/**
 * What each of invoices $1's payments come to, and the most they ever came to (refunds lower what
 * is paid, not this); invoices without payments are left out.
 */
export function paymentTotals(
  manager: EntityManager,
  invoiceIds: string[],
): Promise<{ invoice_id: string; paid: string; most: string }[]> {
  return manager.query(
    `SELECT invoice_id, sum(amount) AS paid, max(running) AS most
       FROM (SELECT invoice_id, amount,
                    sum(amount) OVER (PARTITION BY invoice_id ORDER BY recorded_at, id) AS running
               FROM invoice_payments WHERE invoice_id = ANY ($1::uuid[])) r
      GROUP BY invoice_id`,
    [invoiceIds],
  );
}

/** Where a payment came from (invoice_payments.source). */
export type PaymentSource = 'manual' | 'stripe' | 'credit' | 'refund';

/** Which of Stripe's references $1 a payment is recorded under already. */
export async function recordedReferences(
  manager: EntityManager,
  stripeReferences: string[],
): Promise<Set<string>> {
  const rows = await manager.query<{ stripe_reference: string }[]>(
    `SELECT stripe_reference FROM invoice_payments WHERE stripe_reference = ANY ($1::text[])`,
    [stripeReferences],
  );
  return new Set(rows.map((row) => row.stripe_reference));
}

export interface PaymentRow {
  id: string;
  invoiceId: string;
  amount: string;
  receivedOn: string;
  reference: string | null;
  transactionId: string;
  recordedBy: string | null;
  source: PaymentSource;
  stripeReference: string | null;
}

/** Payments, in their order (which is their order among payments recorded at the same moment). */
export async function insertPayments(
  manager: EntityManager,
  payments: PaymentRow[],
): Promise<void> {
  const column = <K extends keyof PaymentRow>(key: K) => payments.map((payment) => payment[key]);
  await manager.query(
    `INSERT INTO invoice_payments (id, invoice_id, amount, received_on, reference,
                  ledger_transaction_id, recorded_by_principal_id, source, stripe_reference)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[], $4::date[], $5::text[], $6::uuid[],
                          $7::uuid[], $8::text[], $9::text[])`,
    [
      column('id'),
      column('invoiceId'),
      column('amount'),
      column('receivedOn'),
      column('reference'),
      column('transactionId'),
      column('recordedBy'),
      column('source'),
      column('stripeReference'),
    ],
  );
}

/** What payments released to each payee (awaiting → payable). */
export async function insertReleases(
  manager: EntityManager,
  releases: { paymentId: string; payeeId: string; amount: string }[],
): Promise<void> {
  if (!releases.length) return;
  await manager.query(
    `INSERT INTO invoice_payment_releases (payment_id, payee_id, amount)
     SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::bigint[])`,
    [
      releases.map((r) => r.paymentId),
      releases.map((r) => r.payeeId),
      releases.map((r) => r.amount),
    ],
  );
}

/** Each payee of invoices $1: what it earned on the invoice, and what payments released to it. */
export function invoicesPayees(
  manager: EntityManager,
  invoiceIds: string[],
): Promise<
  { invoice_id: string; payee_id: string; publisher_id: string; earned: string; released: string }[]
> {
  return manager.query(
    `SELECT l.invoice_id, s.payee_id, s.publisher_id, l.net AS earned, COALESCE(r.released, 0) AS released
       FROM statement_invoices l JOIN statements s ON s.id = l.statement_id
       LEFT JOIN (SELECT p.invoice_id, r.payee_id, sum(r.amount) AS released
                    FROM invoice_payment_releases r JOIN invoice_payments p ON p.id = r.payment_id
                   WHERE p.invoice_id = ANY ($1::uuid[])
                   GROUP BY p.invoice_id, r.payee_id) r
         ON r.invoice_id = l.invoice_id AND r.payee_id = s.payee_id
      WHERE l.invoice_id = ANY ($1::uuid[])
      ORDER BY l.invoice_id, s.payee_id`,
    [invoiceIds],
  );
}
