import { DataSource, EntityManager } from 'typeorm';
import { ROYALTY_RUNS } from '../royalties.tables';
import { lockPostings } from '../royalty-run.queries';

/**
 * The run's own row: which runs are still calculating, the one being calculated locked, and the
 * run marked calculated with its summary and digest at the end.
 */
export const reads = [ROYALTY_RUNS];
export const writes = [ROYALTY_RUNS];

export interface RunRow {
  id: string;
  status: string;
  period_start: string;
  period_end: string;
  commission_bps: number;
}

/** What the run's digest step found: its totals, and a hash of every figure. */
export interface RunSummary {
  figures: Record<string, unknown>;
  hash: Buffer;
}

/** The runs a calculation was started for and has not finished, in id order. */
export async function unfinishedRuns(dataSource: DataSource): Promise<string[]> {
  const rows = await dataSource.query<{ id: string }[]>(
    `SELECT id FROM royalty_runs WHERE status = 'calculating' ORDER BY id`,
  );
  return rows.map((row) => row.id);
}

/**
 * The run locked for its calculation, or null when it is not calculating (any more); and every
 * posting held off until the transaction ends.
 */
export async function lockRun(manager: EntityManager, runId: string): Promise<RunRow | null> {
  const [run] = await manager.query<RunRow[]>(
    `SELECT id, status, period_start, period_end, commission_bps FROM royalty_runs
          WHERE id = $1 FOR UPDATE`,
    [runId],
  );
  if (!run || run.status !== 'calculating') return null;
  // Not beside a posting: the settled state the adjustments are taken against holds still,
  // and a run posted later has a later posted_at than this calculated_at.
  await lockPostings(manager);
  return run;
}

/** The run calculated: its summary and digest recorded, its statement lines not stored. */
export async function markCalculated(
  manager: EntityManager,
  runId: string,
  summary: RunSummary,
): Promise<void> {
  await manager.query(
    `UPDATE royalty_runs SET status = 'calculated', calculated_at = clock_timestamp(), summary = $2,
                lines_stored = false,
                calculation_hash = $3, failure = NULL
          WHERE id = $1`,
    [runId, JSON.stringify(summary.figures), summary.hash],
  );
}
