import { EntityManager } from 'typeorm';

/**
 * The planner settings the calculation runs under (SET LOCAL: until the transaction ends), and
 * the statistics of the run's charges it needs before allocating them.
 */
export const reads = ['run_charges (temp)'];
export const writes: string[] = [];

/** Before the first statement of the calculation. */
export async function tuneSession(manager: EntityManager): Promise<void> {
  // Set-based over a million charges and millions of statement lines: hash joins and
  // aggregates and sorts in memory, and no JIT compilation (it costs more than it saves on
  // these short statements).
  await manager.query(`SET LOCAL work_mem = '1GB'`);
  await manager.query(`SET LOCAL jit = off`);
  // Nor parallel workers: the few statements that read shared tables move a million rows
  // each, and a Gather shipping them through its queues took 3.5 s where one process took
  // 0.9 s (the counted usage priced, at 10M lines; 2 cores).
  await manager.query(`SET LOCAL max_parallel_workers_per_gather = 0`);
}

/** After the invoices are written, before the charges are allocated. */
export async function analyzeCharges(manager: EntityManager): Promise<void> {
  // Without statistics the planner takes the run's million charges for a few thousand rows
  // and probes the works one by one for them (3 s at 10M lines). Row counts and widths are
  // what it needs: a small sample gives them (the default one took 0.17 s).
  await manager.query(`SET LOCAL default_statistics_target = 10`);
  await manager.query(`ANALYZE run_charges`);
  await manager.query(`RESET default_statistics_target`);
}
