import { EntityManager } from 'typeorm';
import { PAYEES } from '../../catalogue/catalogue.tables';
import { INVOICES, STATEMENTS } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * Statements per payee and currency, their totals by invoice, and their advance-repayment lines
 * (the one kind of line stored: the others are derived from the charges when read).
 */
export const reads = ['run_payee_invoices (temp)', 'run_repayments (temp)', INVOICES, PAYEES];
export const writes = [
  'run_statement_invoices (temp)',
  STATEMENTS,
  'statement_invoices',
  'statement_lines',
];

export async function writeStatements(manager: EntityManager, run: RunRow): Promise<void> {
  await manager.query(
    `CREATE TEMP TABLE run_statement_invoices ON COMMIT DROP AS
       SELECT x.payee_id, x.invoice_id, i.currency, sum(x.gross) AS gross,
              sum(x.commission) AS commission
         FROM (SELECT payee_id, invoice_id, gross, commission FROM run_payee_invoices
               UNION ALL
               SELECT payee_id, invoice_id, amount, 0 FROM run_repayments) x
         JOIN invoices i ON i.id = x.invoice_id
        GROUP BY x.payee_id, x.invoice_id, i.currency`,
  );
  await manager.query(
    `INSERT INTO statements (id, run_id, payee_id, publisher_id, currency, gross, commission, net)
       SELECT md5('statement:' || $1::text || ':' || s.payee_id || ':' || s.currency)::uuid, $1::uuid,
              s.payee_id, p.organization_id, s.currency, sum(s.gross), sum(s.commission),
              sum(s.gross) - sum(s.commission)
         FROM run_statement_invoices s
         JOIN ${PAYEES.name} p ON p.id = s.payee_id
        GROUP BY s.payee_id, p.organization_id, s.currency`,
    [run.id],
  );
  await manager.query(
    `INSERT INTO statement_invoices (statement_id, invoice_id, gross, commission, net)
       SELECT t.id, s.invoice_id, s.gross, s.commission, s.gross - s.commission
         FROM run_statement_invoices s
         JOIN statements t ON t.run_id = $1 AND t.payee_id = s.payee_id AND t.currency = s.currency
        ORDER BY t.id, s.invoice_id`,
    [run.id],
  );
  await manager.query(
    `INSERT INTO statement_lines (statement_id, line_no, invoice_id, charge_line_no, kind,
              agreement_id, share_bps, gross, commission, net)
       SELECT t.id,
              row_number() OVER (PARTITION BY t.id ORDER BY r.agreement_id, r.invoice_id, r.amount)::int,
              r.invoice_id, 0, 'advance-repayment', r.agreement_id, 0, r.amount, 0, r.amount
         FROM run_repayments r
         JOIN invoices i ON i.id = r.invoice_id
         JOIN statements t ON t.run_id = $1 AND t.payee_id = r.payee_id AND t.currency = i.currency`,
    [run.id],
  );
}
