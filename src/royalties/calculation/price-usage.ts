import { EntityManager } from 'typeorm';
import { RunTerms } from './read-terms';
import { RunUsage } from './sum-usage';

/**
 * The run's usage priced, exactly (numeric), into run_charges: per unit, units / per × rate, by
 * the rate of the agreement version the usage was matched to; and revenue share, per work,
 * revenue × bps / 10000. The rates and shares are kept (run_rates, run_shares_bps) for the
 * adjustments, priced after the fixed charges.
 */
export const reads = ['the run’s usage (sum-usage)'];
export const writes = ['run_rates (temp)', 'run_shares_bps (temp)', 'run_charges (temp)'];

export async function priceUsage(
  manager: EntityManager,
  usage: RunUsage,
  { rates, shares }: RunTerms,
): Promise<void> {
  await manager.query(
    `CREATE TEMP TABLE run_rates ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(agreement_id uuid, version int, usage text, unit text, per bigint, rate numeric, currency text)`,
    [
      JSON.stringify(
        rates.map((rate) => ({
          agreement_id: rate.agreementId,
          version: rate.version,
          usage: rate.usage,
          unit: rate.unit,
          per: rate.per,
          rate: rate.rate,
          currency: rate.currency,
        })),
      ),
    ],
  );
  await manager.query(
    `CREATE TEMP TABLE run_shares_bps ON COMMIT DROP AS
       SELECT * FROM jsonb_to_recordset($1::jsonb)
         AS r(agreement_id uuid, version int, bps int, currency text)`,
    [
      JSON.stringify(
        shares.map((share) => ({
          agreement_id: share.agreementId,
          version: share.version,
          bps: share.bps,
          currency: share.currency,
        })),
      ),
    ],
  );
  // Analysed: without statistics the planner takes these few rows for hundreds and sorts the
  // million usage rows for a merge join (1 s at 10M lines) where a hash join reads them as
  // they lie.
  await manager.query(`ANALYZE run_rates, run_shares_bps`);
  // The text columns in byte order (COLLATE "C"), which the line order sorts them by: an
  // ORDER BY … COLLATE "C" on a column of another collation sorted a relabelled copy of each.
  await manager.query(
    `CREATE TEMP TABLE run_charges ON COMMIT DROP AS
       SELECT 'per-unit'::text COLLATE "C" AS kind, u.agreement_id, u.agreement_version,
              u.licensee_id, u.publisher_id, u.work_id, u.usage COLLATE "C" AS usage,
              u.unit COLLATE "C" AS unit, u.units, r.rate, r.per, r.currency,
              u.units * r.rate / r.per AS exact
         FROM ${usage.from} u
         JOIN run_rates r ON r.agreement_id = u.agreement_id AND r.version = u.agreement_version
                         AND r.usage = u.usage AND r.unit = u.unit
       ${
         // Revenue share, per work: units is the revenue, rate the bps, per 10000. Only when an
         // agreement has one: the branch reads all the usage again (0.3 s at 10M lines) to find
         // no revenue to share.
         shares.length
           ? `UNION ALL
              SELECT 'revenue-share', u.agreement_id, u.agreement_version, u.licensee_id,
                     u.publisher_id, u.work_id, u.usage, u.unit, u.revenue, b.bps, 10000,
                     b.currency, u.revenue * b.bps / 10000
                FROM ${usage.from} u
                JOIN run_shares_bps b ON b.agreement_id = u.agreement_id
                                     AND b.version = u.agreement_version
               WHERE u.revenue > 0`
           : ''
       }`,
    usage.params,
  );
}
