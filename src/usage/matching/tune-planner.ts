import { EntityManager } from 'typeorm';

/** Sets up the transaction for millions of staged lines: memory, join kind, statistics. */
export const reads = ['usage_staging.r_<report> (statistics)'];
export const writes: string[] = [];

export async function tunePlanner(manager: EntityManager, stage: string): Promise<void> {
  // Hash joins and aggregates over millions of lines stay in memory instead of spilling; and
  // hash, not merge: a merge join sorts the staged lines by text keys (seconds per million).
  await manager.query(`SET LOCAL work_mem = '256MB'`);
  await manager.query(`SET LOCAL enable_mergejoin = off`);
  // Statistics first: without them the planner sorts millions of lines where a hash would do.
  await manager.query(`ANALYZE ${stage}`);
}
