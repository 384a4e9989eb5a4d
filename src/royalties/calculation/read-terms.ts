import { EntityManager } from 'typeorm';
import { AGREEMENTS } from '../../licensing/licensing.tables';
import { LicenseeAgreements } from '../../licensing/licensee-agreements';
import { fixedCharges, FixedCharge, revenueShares, RevenueShare } from '../fixed-charges';
import { RunRate, runRates } from '../run-rates';
import { RunRow } from './run-state';
import { RunUsage } from './sum-usage';

/**
 * The terms the run prices by, for every licensee with usage in the run (counted or restated) or
 * with an agreement in force during it (fees accrue without usage): each agreement version's
 * per-unit rates for the usage types the licensee used, its revenue shares, and each agreement's
 * fixed charges for the period (flat fee, minimum guarantee, advance).
 */
export const reads = [
  'the run’s usage (sum-usage)',
  'run_restated (temp)',
  AGREEMENTS,
  'the licensees’ agreements (LicenseeAgreements)',
];
export const writes: string[] = [];

export interface RunTerms {
  rates: RunRate[];
  shares: RevenueShare[];
  fixed: FixedCharge[];
}

export async function readTerms(
  manager: EntityManager,
  agreements: LicenseeAgreements,
  run: RunRow,
  usage: RunUsage,
): Promise<RunTerms> {
  // The usage types each licensee used.
  const used = await manager.query<{ licensee_id: string; usage: string }[]>(
    `SELECT licensee_id, usage FROM ${usage.from} u
       UNION
       SELECT licensee_id, usage FROM run_restated
       ORDER BY licensee_id, usage`,
    usage.params,
  );
  // Every licensee with usage, or with an agreement in force during the run (fees accrue
  // without usage).
  const inForce = await manager.query<{ licensee_id: string }[]>(
    `SELECT DISTINCT licensee_id FROM ${AGREEMENTS.name}
        WHERE status <> 'proposed' AND starts_on <= $2
          AND (LEAST(ends_on, terminated_on) IS NULL OR LEAST(ends_on, terminated_on) >= $1)`,
    [run.period_start, run.period_end],
  );
  const licensees = [...new Set([...used, ...inForce].map((row) => row.licensee_id))].sort();
  const terms: RunTerms = { rates: [], shares: [], fixed: [] };
  for (const licensee of licensees) {
    const usages = used.filter((row) => row.licensee_id === licensee).map((row) => row.usage);
    const theirs = await agreements.all(licensee);
    terms.rates.push(...runRates(theirs, usages));
    terms.shares.push(...revenueShares(theirs));
    terms.fixed.push(
      ...fixedCharges(theirs, licensee, { start: run.period_start, end: run.period_end }),
    );
  }
  return terms;
}
