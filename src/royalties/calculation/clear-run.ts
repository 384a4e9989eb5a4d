import { EntityManager } from 'typeorm';
import { INVOICES, ROYALTY_RUN_REPORTS, STATEMENTS } from '../royalties.tables';
import { chargesPartition } from './charges-partition';

/**
 * What an earlier calculation of the run wrote, removed: its statements (their invoice totals
 * and stored lines), charges, invoices, restated usage and counted reports.
 */
export const reads = [STATEMENTS];
export const writes = [
  'statement_invoices',
  'statement_lines',
  STATEMENTS,
  'royalty_charges_<run> (the run’s partition)',
  INVOICES,
  'royalty_run_usage',
  ROYALTY_RUN_REPORTS,
];

export async function clearRun(manager: EntityManager, runId: string): Promise<void> {
  await manager.query(
    `DELETE FROM statement_invoices l USING statements s WHERE l.statement_id = s.id AND s.run_id = $1`,
    [runId],
  );
  await manager.query(
    `DELETE FROM statement_lines l USING statements s WHERE l.statement_id = s.id AND s.run_id = $1`,
    [runId],
  );
  await manager.query(`DELETE FROM statements WHERE run_id = $1`, [runId]);
  // A run's charges are a partition of their own: emptied whole. Only a run still calculating
  // is cleared (its charges not posted: the calculator checked).
  const partition = await chargesPartition(manager, runId);
  if (partition.exists) await manager.query(`TRUNCATE ${partition.name}`);
  await manager.query(`DELETE FROM invoices WHERE run_id = $1`, [runId]);
  await manager.query(`DELETE FROM royalty_run_usage WHERE run_id = $1`, [runId]);
  await manager.query(`DELETE FROM royalty_run_reports WHERE run_id = $1`, [runId]);
}
