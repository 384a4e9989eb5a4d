import { EntityManager } from 'typeorm';
import { PAYEES } from '../catalogue/catalogue.tables';
import { LEDGER_ACCOUNTS, LEDGER_BALANCES } from '../ledger/ledger.tables';

/** The payee advances' SQL (payee-advance.service). */

/** The publisher's default payee (the publisher itself). */
export function defaultPayee(
  manager: EntityManager,
  publisherId: string,
): Promise<{ id: string }[]> {
  return manager.query<{ id: string }[]>(
    `SELECT id FROM ${PAYEES.name} WHERE organization_id = $1 AND is_default`,
    [publisherId],
  );
}

export async function insertPayeeAdvance(
  manager: EntityManager,
  advance: {
    id: string;
    payeeId: string;
    publisherId: string;
    currency: string;
    amount: string;
    paidOn: string;
    reference: string | null;
    transactionId: string;
    recordedBy: string;
  },
): Promise<void> {
  await manager.query(
    `INSERT INTO payee_advances (id, payee_id, publisher_id, currency, amount, paid_on, reference,
                ledger_transaction_id, recorded_by_principal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [
      advance.id,
      advance.payeeId,
      advance.publisherId,
      advance.currency,
      advance.amount,
      advance.paidOn,
      advance.reference,
      advance.transactionId,
      advance.recordedBy,
    ],
  );
}

/** What the payee still owes of its advances in the currency (its payee-advance balance). */
export async function outstandingAdvance(
  manager: EntityManager,
  payeeId: string,
  currency: string,
): Promise<string> {
  const [{ outstanding }] = await manager.query<{ outstanding: string }[]>(
    `SELECT COALESCE(b.balance, 0) AS outstanding FROM ${LEDGER_ACCOUNTS.name} a
           LEFT JOIN ${LEDGER_BALANCES.name} b ON b.account_id = a.id
          WHERE a.type = 'payee-advance' AND a.owner_id = $1 AND a.currency = $2`,
    [payeeId, currency],
  );
  return outstanding;
}
