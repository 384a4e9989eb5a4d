import { INVOICE_PAYMENTS, INVOICES } from '../royalties/royalties.tables';
import { CollectionCreditRow, Db } from './collection.queries';

/**
 * Collection's SQL for credit notes given back through Stripe (collection_credits) and for manual
 * payments told to Stripe as paid out of band.
 */

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
  /**
   * What credit notes already took from it: earlier credits' notes, and the notes that told
   * Stripe of payments finance recorded by hand (out of band) — Stripe credits no invoice beyond
   * its total less every note on it.
   */
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
              WHERE k.corrects_invoice_id = c.invoice_id AND k.id <> $4)
              + LEAST(c.told_out_of_band, c.amount) AS credited_before
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
