import { EntityManager } from 'typeorm';

/**
 * Signed adjustment lines: the restated usage priced with the same agreement versions' rates
 * (per unit) and revenue shares as the period it corrects, labelled with that period, its run
 * and the reports whose counting changed. Added after the fees, the minimum guarantee's
 * shortfall and the advance's recoupment, which they leave as they were.
 */
export const reads = ['run_restated (temp)', 'run_rates (temp)', 'run_shares_bps (temp)'];
export const writes = ['run_charges (temp)'];

export async function chargeAdjustments(manager: EntityManager): Promise<void> {
  await manager.query(
    `ALTER TABLE run_charges ADD COLUMN adjusts_run_id uuid, ADD COLUMN adjusts_period_start date,
         ADD COLUMN adjusts_period_end date, ADD COLUMN adjusts_report_ids uuid[]`,
  );
  await manager.query(
    `INSERT INTO run_charges
       SELECT 'per-unit-adjustment', u.agreement_id, u.agreement_version, u.licensee_id,
              u.publisher_id, u.work_id, u.usage, u.unit, u.units, r.rate, r.per, r.currency,
              u.units * r.rate / r.per, u.period_run_id, u.period_start, u.period_end,
              u.unit_reports
         FROM run_restated u
         JOIN run_rates r ON r.agreement_id = u.agreement_id AND r.version = u.agreement_version
                         AND r.usage = u.usage AND r.unit = u.unit
        WHERE u.units <> 0
       UNION ALL
       SELECT 'revenue-share-adjustment', u.agreement_id, u.agreement_version, u.licensee_id,
              u.publisher_id, u.work_id, u.usage, u.unit, u.revenue, b.bps, 10000, b.currency,
              u.revenue * b.bps / 10000, u.period_run_id, u.period_start, u.period_end,
              u.revenue_reports
         FROM run_restated u
         JOIN run_shares_bps b ON b.agreement_id = u.agreement_id AND b.version = u.agreement_version
        WHERE u.revenue <> 0 AND b.bps <> 0`,
  );
}
