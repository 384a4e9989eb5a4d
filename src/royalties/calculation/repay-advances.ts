import { EntityManager } from 'typeorm';
import { PAYEES } from '../../catalogue/catalogue.tables';
import { LEDGER_ACCOUNTS, LEDGER_BALANCES } from '../../ledger/ledger.tables';
import { LedgerService } from '../../ledger/ledger.service';
import { INVOICES } from '../royalties.tables';

/**
 * Payee advances: a payee's earnings in the run first repay what it owes, to its publisher's
 * default payee. The repayment is spread over the payee's invoices in proportion to its net on
 * each (largest remainder), as a pair of statement lines per invoice (minus for the payee,
 * plus for the default payee), so pay-when-paid releases follow the money.
 */
export const reads = [
  // The ledger's, through LedgerService.outstandingPayeeAdvances.
  LEDGER_ACCOUNTS,
  LEDGER_BALANCES,
  'run_payee_invoices (temp)',
  INVOICES,
  PAYEES,
];
export const writes = ['run_owed (temp)', 'run_repayments (temp)'];

export async function repayAdvances(manager: EntityManager, ledger: LedgerService): Promise<void> {
  // Empty when no payee owes: the statements read it either way.
  await manager.query(
    `CREATE TEMP TABLE run_repayments (invoice_id uuid, agreement_id uuid, payee_id uuid,
              amount bigint) ON COMMIT DROP`,
  );
  const owed = await ledger.outstandingPayeeAdvances(manager);
  if (!owed.length) return;
  await manager.query(
    `CREATE TEMP TABLE run_owed ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb) AS o(payee_id uuid, currency text, outstanding numeric)`,
    [
      JSON.stringify(
        owed.map((row) => ({
          payee_id: row.payeeId,
          currency: row.currency,
          outstanding: row.outstanding,
        })),
      ),
    ],
  );
  await manager.query(
    `INSERT INTO run_repayments (invoice_id, agreement_id, payee_id, amount)
       WITH every AS (
         SELECT s.payee_id, i.currency, s.invoice_id, i.agreement_id, i.publisher_id,
                s.gross - s.commission AS net
           FROM run_payee_invoices s JOIN invoices i ON i.id = s.invoice_id),
       net AS (SELECT * FROM every WHERE net > 0),
       -- Up to the payee's net in the run (adjustments included), spread over its positive nets.
       repay AS (
         SELECT n.payee_id, n.currency,
                LEAST(sum(n.net), min(o.outstanding),
                      (SELECT sum(e.net) FROM every e
                        WHERE e.payee_id = n.payee_id AND e.currency = n.currency)) AS amount,
                sum(n.net) AS total
           FROM net n JOIN run_owed o ON o.payee_id = n.payee_id AND o.currency = n.currency
          GROUP BY n.payee_id, n.currency),
       b AS (
         SELECT n.*, r.amount, r.total, div(r.amount * n.net, r.total) AS base,
                r.amount * n.net - div(r.amount * n.net, r.total) * r.total AS rem
           FROM net n JOIN repay r ON r.payee_id = n.payee_id AND r.currency = n.currency
          WHERE r.amount > 0),
       pieces AS (
         SELECT b.*, base + CASE WHEN row_number() OVER (PARTITION BY payee_id, currency
                                                          ORDER BY rem DESC, invoice_id)
                                      <= amount - sum(base) OVER (PARTITION BY payee_id, currency)
                                 THEN 1 ELSE 0 END AS piece
           FROM b)
       SELECT p.invoice_id, p.agreement_id, x.payee_id, x.sign * p.piece
         FROM pieces p
         CROSS JOIN LATERAL (
           SELECT p.payee_id, -1 AS sign
           UNION ALL
           SELECT d.id, 1 FROM ${PAYEES.name} d WHERE d.organization_id = p.publisher_id AND d.is_default
         ) x
        WHERE p.piece > 0`,
  );
}
