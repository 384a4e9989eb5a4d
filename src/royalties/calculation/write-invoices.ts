import { EntityManager } from 'typeorm';
import { INVOICES } from '../royalties.tables';
import { RunRow } from './run-state';

/**
 * One invoice per agreement in two sections, each rounded half-even once: the period's own
 * charges, and the adjustments of earlier periods (signed). The commission is each section's
 * rounded amount × bps, half-even; a negative total makes the invoice a credit note.
 */
export const reads = ['run_charges (temp)', 'run_advances (temp)'];
export const writes = ['run_sections (temp)', INVOICES];

export async function writeInvoices(manager: EntityManager, run: RunRow): Promise<void> {
  // Each invoice section (an agreement's own charges; its adjustments) in one pass over the
  // charges: what the invoice sums, and what the allocation needs before it ranks (its lines,
  // the sum of their floors).
  await manager.query(
    `CREATE TEMP TABLE run_sections ON COMMIT DROP AS
       SELECT agreement_id, adjusts_run_id IS NOT NULL AS adj, min(licensee_id::text) AS licensee_id,
              min(publisher_id::text) AS publisher_id, min(currency) AS currency, count(*) AS n,
              sum(exact) AS exact, sum(floor(exact)) AS floors
         FROM run_charges GROUP BY agreement_id, adjusts_run_id IS NOT NULL`,
  );
  await manager.query(
    `INSERT INTO invoices (id, run_id, agreement_id, licensee_id, publisher_id, currency,
              exact_total, amount, commission, payee_total, advance_invoiced, advance_recouped,
              advance_balance, adjustment_exact, adjustment_amount, adjustment_commission)
       SELECT i.id, $1::uuid, i.agreement_id, i.licensee_id, i.publisher_id, i.currency,
              i.own_exact + i.adj_exact, i.own_amount + i.adj_amount,
              i.own_commission + i.adj_commission,
              i.own_amount + i.adj_amount - i.own_commission - i.adj_commission,
              COALESCE(CASE WHEN a.invoice_now THEN a.advance END, 0), COALESCE(a.recouped, 0),
              COALESCE(a.balance - a.recouped, 0), i.adj_exact, i.adj_amount, i.adj_commission
         FROM (SELECT s.*,
                      round_half_even(s.own_amount * $2::numeric / 10000)::bigint AS own_commission,
                      round_half_even(s.adj_amount * $2::numeric / 10000)::bigint AS adj_commission
                 FROM (SELECT md5('invoice:' || $1::text || ':' || agreement_id)::uuid AS id,
                              agreement_id, min(licensee_id::text)::uuid AS licensee_id,
                              min(publisher_id::text)::uuid AS publisher_id,
                              min(currency) AS currency,
                              COALESCE(sum(exact) FILTER (WHERE NOT adj), 0) AS own_exact,
                              round_half_even(COALESCE(sum(exact) FILTER (WHERE NOT adj), 0))::bigint
                                AS own_amount,
                              COALESCE(sum(exact) FILTER (WHERE adj), 0) AS adj_exact,
                              round_half_even(COALESCE(sum(exact) FILTER (WHERE adj), 0))::bigint
                                AS adj_amount
                         FROM run_sections GROUP BY agreement_id) s) i
         LEFT JOIN run_advances a ON a.agreement_id = i.agreement_id`,
    [run.id, run.commission_bps],
  );
}
