import { EntityManager } from 'typeorm';

/** The invoice payments' SQL (invoice-payment.service): an invoice, its payments, their releases. */

export interface InvoiceRow {
  id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  payee_total: string;
}

/** The invoice with its run's status; none when there is no such invoice. */
export function invoiceWithRun(
  manager: EntityManager,
  invoiceId: string,
): Promise<(InvoiceRow & { run_status: string })[]> {
  return manager.query<(InvoiceRow & { run_status: string })[]>(
    `SELECT i.id, i.licensee_id, i.currency, i.amount, i.payee_total, r.status AS run_status
             FROM invoices i JOIN royalty_runs r ON r.id = i.run_id WHERE i.id = $1`,
    [invoiceId],
  );
}

/** Payments on one invoice one at a time: held until the transaction ends. */
export async function lockInvoicePayments(
  manager: EntityManager,
  invoiceId: string,
): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('invoice-payments:' || $1))`, [
    invoiceId,
  ]);
}

/** What the invoice's payments come to. */
export async function paidOn(manager: EntityManager, invoiceId: string): Promise<string> {
  const [{ paid }] = await manager.query<{ paid: string }[]>(
    `SELECT COALESCE(sum(amount), 0) AS paid FROM invoice_payments WHERE invoice_id = $1`,
    [invoiceId],
  );
  return paid;
}

/** Where a payment came from (invoice_payments.source). */
export type PaymentSource = 'manual' | 'stripe' | 'credit' | 'refund';

/** The most the invoice's payments ever came to (refunds lower what is paid, not this). */
export async function mostEverPaid(manager: EntityManager, invoiceId: string): Promise<string> {
  const [{ most }] = await manager.query<{ most: string }[]>(
    `SELECT COALESCE(max(running), 0) AS most
       FROM (SELECT sum(amount) OVER (ORDER BY recorded_at, id) AS running
               FROM invoice_payments WHERE invoice_id = $1) r`,
    [invoiceId],
  );
  return most;
}

/** Whether a payment with Stripe's reference $1 is recorded. */
export async function paymentWithReference(
  manager: EntityManager,
  stripeReference: string,
): Promise<boolean> {
  const rows = await manager.query<unknown[]>(
    `SELECT 1 FROM invoice_payments WHERE stripe_reference = $1`,
    [stripeReference],
  );
  return rows.length > 0;
}

export async function insertPayment(
  manager: EntityManager,
  payment: {
    id: string;
    invoiceId: string;
    amount: string;
    receivedOn: string;
    reference: string | null;
    transactionId: string;
    recordedBy: string | null;
    source: PaymentSource;
    stripeReference: string | null;
  },
): Promise<void> {
  await manager.query(
    `INSERT INTO invoice_payments (id, invoice_id, amount, received_on, reference,
                  ledger_transaction_id, recorded_by_principal_id, source, stripe_reference)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      payment.id,
      payment.invoiceId,
      payment.amount,
      payment.receivedOn,
      payment.reference,
      payment.transactionId,
      payment.recordedBy,
      payment.source,
      payment.stripeReference,
    ],
  );
}

/** What a payment released to each payee (awaiting → payable). */
export async function insertReleases(
  manager: EntityManager,
  paymentId: string,
  payeeIds: string[],
  amounts: string[],
): Promise<void> {
  await manager.query(
    `INSERT INTO invoice_payment_releases (payment_id, payee_id, amount)
             SELECT $1, payee_id, amount FROM unnest($2::uuid[], $3::bigint[]) AS r(payee_id, amount)`,
    [paymentId, payeeIds, amounts],
  );
}

/** Each payee of the invoice: what it earned on it, and what payments have released to it. */
export function invoicePayees(
  manager: EntityManager,
  invoiceId: string,
): Promise<{ payee_id: string; publisher_id: string; earned: string; released: string }[]> {
  return manager.query<
    { payee_id: string; publisher_id: string; earned: string; released: string }[]
  >(
    `SELECT s.payee_id, s.publisher_id, l.net AS earned,
              COALESCE((SELECT sum(r.amount) FROM invoice_payment_releases r
                          JOIN invoice_payments p ON p.id = r.payment_id
                         WHERE p.invoice_id = $1 AND r.payee_id = s.payee_id), 0) AS released
         FROM statement_invoices l JOIN statements s ON s.id = l.statement_id
        WHERE l.invoice_id = $1
        ORDER BY s.payee_id`,
    [invoiceId],
  );
}
