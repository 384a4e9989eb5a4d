import { EntityManager } from 'typeorm';
import { INVOICES, ROYALTY_RUNS } from '../royalties.tables';
import { spreadOverWorks } from './spread-over-works';

/**
 * Licence advances: invoiced in full in the first run of the agreement's term (spread like a
 * flat fee), then every charge of the agreement (this run's included) is first recouped against
 * what is left of it — neither invoiced nor credited again — by scaling the agreement's charge
 * lines down by the recouped share, exactly. What each agreement's advance comes to in the run
 * is kept (run_advances) for its invoice.
 */
export const reads = ['run_fixed (temp)', 'run_charges (temp)', INVOICES, ROYALTY_RUNS];
export const writes = ['run_advances (temp)', 'run_charges (temp)'];

export async function chargeAdvances(manager: EntityManager): Promise<void> {
  await manager.query(
    `CREATE TEMP TABLE run_advances ON COMMIT DROP AS
       SELECT f.agreement_id, f.licensee_id, f.publisher_id, f.currency, f.advance,
              COALESCE(p.invoiced, 0) = 0 AS invoice_now,
              f.advance - COALESCE(p.recouped, 0) AS balance,
              COALESCE((SELECT sum(c.exact) FROM run_charges c WHERE c.agreement_id = f.agreement_id), 0)
                AS charges
         FROM run_fixed f
         LEFT JOIN (SELECT i.agreement_id, sum(i.advance_invoiced) AS invoiced,
                           sum(i.advance_recouped) AS recouped
                      FROM invoices i JOIN royalty_runs r ON r.id = i.run_id AND r.status = 'posted'
                     GROUP BY i.agreement_id) p ON p.agreement_id = f.agreement_id
        WHERE f.advance > 0`,
  );
  await manager.query(
    `ALTER TABLE run_advances ADD COLUMN recouped numeric;
       UPDATE run_advances SET recouped = LEAST(charges, GREATEST(balance, 0))`,
  );
  await manager.query(
    `UPDATE run_charges c SET exact = c.exact * (1 - a.recouped / a.charges)
         FROM run_advances a
        WHERE c.agreement_id = a.agreement_id AND a.recouped > 0 AND a.charges > 0`,
  );
  await manager.query(
    spreadOverWorks({
      kind: `'advance'`,
      from: { source: 'run_advances', alias: 'a' },
      amount: 'a.advance',
      where: 'a.invoice_now',
    }),
  );
}
