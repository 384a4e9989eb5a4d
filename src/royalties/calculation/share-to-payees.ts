import { EntityManager } from 'typeorm';
import { PAYEES, SPLIT_SHAPES } from '../../catalogue/catalogue.tables';
import { INVOICES, ROYALTY_CHARGES } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * Each charge over its payees, totalled per payee and invoice (the statements' lines are not
 * written: statements.service derives them from the charges). A share is
 * floor(|amount| × bps / 10000) plus one unit to the largest remainders (ties to the lower
 * payee id), given the amount's sign back; a charge without a work goes whole to its
 * publisher's default payee. Charges of an invoice with the same split and the same gross and
 * commission are shared alike, so each such group is shared once and counted n times: amounts
 * repeat a great deal (at 10M lines, 1M charges fall in 34k groups), and the charges × payees
 * are never formed.
 */
export const reads = [ROYALTY_CHARGES, SPLIT_SHAPES, INVOICES, PAYEES];
export const writes = ['run_payee_invoices (temp)'];

export async function shareToPayees(manager: EntityManager, run: RunRow): Promise<void> {
  await manager.query(
    `CREATE TEMP TABLE run_payee_invoices ON COMMIT DROP AS
       WITH every AS MATERIALIZED (
         -- One read of the run's charges: a charge without a work is its own group (shape null).
         SELECT invoice_id, work_id IS NULL AS publisher_line, split_shape_id AS shape_id, gross,
                commission, count(*) AS n
           FROM royalty_charges WHERE run_id = $1
          GROUP BY invoice_id, work_id IS NULL, split_shape_id, gross, commission),
       groups AS (SELECT * FROM every WHERE NOT publisher_line),
       numbered AS (
         -- A handle for each group's window partition (not part of any figure).
         SELECT g.*, row_number() OVER () AS group_no FROM groups g),
       members AS (
         SELECT n.invoice_id, n.group_no, n.n, n.gross, n.commission, u.payee_id,
                abs(n.gross) * u.bps / 10000 AS g_base, abs(n.gross) * u.bps % 10000 AS g_rem,
                abs(n.commission) * u.bps / 10000 AS c_base,
                abs(n.commission) * u.bps % 10000 AS c_rem
           FROM numbered n
           JOIN ${SPLIT_SHAPES.name} s ON s.id = n.shape_id
           CROSS JOIN LATERAL (SELECT (e->>'payeeId')::uuid AS payee_id, (e->>'shareBps')::int AS bps
                                 FROM jsonb_array_elements(s.splits) e) u),
       shares AS (
         SELECT m.payee_id, m.invoice_id, m.n,
                CASE WHEN m.gross < 0 THEN -1 ELSE 1 END * (m.g_base + CASE WHEN row_number() OVER (PARTITION BY m.group_no
                                                                         ORDER BY m.g_rem DESC, m.payee_id)
                                                      <= abs(m.gross) - sum(m.g_base) OVER (PARTITION BY m.group_no)
                                                 THEN 1 ELSE 0 END) AS gross,
                CASE WHEN m.commission < 0 THEN -1 ELSE 1 END * (m.c_base + CASE WHEN row_number() OVER (PARTITION BY m.group_no
                                                                              ORDER BY m.c_rem DESC, m.payee_id)
                                                           <= abs(m.commission) - sum(m.c_base) OVER (PARTITION BY m.group_no)
                                                      THEN 1 ELSE 0 END) AS commission
           FROM members m)
       SELECT x.payee_id, x.invoice_id, sum(x.gross) AS gross, sum(x.commission) AS commission
         FROM (SELECT payee_id, invoice_id, n * gross AS gross, n * commission AS commission
                 FROM shares
               UNION ALL
               SELECT p.id, c.invoice_id, c.n * c.gross, c.n * c.commission
                 FROM every c
                 JOIN invoices i ON i.id = c.invoice_id
                 JOIN ${PAYEES.name} p ON p.organization_id = i.publisher_id AND p.is_default
                WHERE c.publisher_line) x
        GROUP BY x.payee_id, x.invoice_id`,
    [run.id],
  );
}
