import { DataSource, EntityManager } from 'typeorm';
import { PAYEES } from '../catalogue/catalogue.tables';
import { RoyaltyRunResponse } from './dto/royalty-run.dto';

/** The royalty runs' SQL (royalty-run.service): a run's row and its states, and what posting reads. */

export interface RunRow {
  id: string;
  period_start: string;
  period_end: string;
  status: RoyaltyRunResponse['status'];
  commission_bps: number;
  summary: Record<string, unknown>;
  calculation_hash: Buffer | null;
  failure: string | null;
  created_at: Date;
  calculated_at: Date | null;
  posted_at: Date | null;
}

export async function insertRun(
  manager: EntityManager,
  run: { id: string; start: string; end: string; commissionBps: number; createdBy: string },
): Promise<void> {
  await manager.query(
    `INSERT INTO royalty_runs (id, period_start, period_end, status, commission_bps, created_by_principal_id)
         VALUES ($1, $2, $3, 'calculating', $4, $5)`,
    [run.id, run.start, run.end, run.commissionBps, run.createdBy],
  );
}

/** The run, locked FOR UPDATE when `lock`; none when there is no such run. */
export function readRun(manager: EntityManager, id: string, lock: boolean): Promise<RunRow[]> {
  return manager.query<RunRow[]>(
    `SELECT * FROM royalty_runs WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
    [id],
  );
}

/** Every run before `before` (all when null), newest first. */
export function listRuns(db: DataSource, before: string | null, limit: number): Promise<RunRow[]> {
  return db.query<RunRow[]>(
    `SELECT * FROM royalty_runs WHERE ($1::uuid IS NULL OR id < $1) ORDER BY id DESC LIMIT $2`,
    [before, limit],
  );
}

export async function markCalculating(manager: EntityManager, id: string): Promise<void> {
  await manager.query(`UPDATE royalty_runs SET status = 'calculating' WHERE id = $1`, [id]);
}

export async function markPosted(manager: EntityManager, id: string, by: string): Promise<void> {
  await manager.query(
    `UPDATE royalty_runs SET status = 'posted', posted_at = clock_timestamp(), posted_by_principal_id = $2
          WHERE id = $1`,
    [id, by],
  );
}

/** A run still calculating marked failed, with why. */
export async function markFailed(db: DataSource, runId: string, reason: string): Promise<void> {
  await db.query(
    `UPDATE royalty_runs SET status = 'failed', failure = $2 WHERE id = $1 AND status = 'calculating'`,
    [runId, reason],
  );
}

/**
 * Holds every posting (and every calculation, which takes the same lock) off until the
 * transaction ends.
 */
export async function lockPostings(manager: EntityManager): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(hashtext('royalty-run-posting'))`);
}

/** A posted run whose period overlaps start..end, if any. */
export function postedOverlapping(
  manager: EntityManager,
  start: string,
  end: string,
): Promise<{ id: string; period_start: string; period_end: string }[]> {
  return manager.query<{ id: string; period_start: string; period_end: string }[]>(
    `SELECT id, period_start, period_end FROM royalty_runs
        WHERE status = 'posted' AND period_start <= $2 AND period_end >= $1 LIMIT 1`,
    [start, end],
  );
}

/** A run posted after this one was calculated with adjustments of the same periods, if any. */
export function staleAdjustments(manager: EntityManager, runId: string): Promise<{ id: string }[]> {
  return manager.query<{ id: string }[]>(
    `SELECT DISTINCT x.id FROM royalty_run_usage mine
         JOIN royalty_run_usage theirs ON theirs.period_run_id = mine.period_run_id
         JOIN royalty_runs x ON x.id = theirs.run_id
        WHERE mine.run_id = $1 AND mine.period_run_id <> $1 AND x.id <> $1
          AND x.status = 'posted'
          -- Compared in the database: microseconds, not a JavaScript Date's milliseconds.
          AND x.posted_at > (SELECT calculated_at FROM royalty_runs WHERE id = $1)
        LIMIT 1`,
    [runId],
  );
}

/** What posting a run reads: its invoices, each payee's net on each, and the repayments. */
export interface PostingInvoiceRow {
  id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  commission: string;
}

export function postingInvoices(
  manager: EntityManager,
  runId: string,
): Promise<PostingInvoiceRow[]> {
  return manager.query<PostingInvoiceRow[]>(
    `SELECT id, licensee_id, currency, amount, commission FROM invoices
        WHERE run_id = $1 ORDER BY id`,
    [runId],
  );
}

export function postingShares(
  manager: EntityManager,
  runId: string,
): Promise<{ invoice_id: string; payee_id: string; publisher_id: string; net: string }[]> {
  return manager.query<
    { invoice_id: string; payee_id: string; publisher_id: string; net: string }[]
  >(
    `SELECT l.invoice_id, s.payee_id, s.publisher_id, l.net
         FROM statement_invoices l JOIN statements s ON s.id = l.statement_id
        WHERE s.run_id = $1
        ORDER BY l.invoice_id, s.payee_id`,
    [runId],
  );
}

/** An advance repaid by a payee's earnings: from the payee to its publisher's default payee. */
export interface RepaymentRow {
  invoice_id: string;
  payee_id: string;
  publisher_id: string;
  default_payee_id: string;
  amount: string;
}

export function postingRepayments(manager: EntityManager, runId: string): Promise<RepaymentRow[]> {
  return manager.query<RepaymentRow[]>(
    `SELECT l.invoice_id, s.payee_id, s.publisher_id, d.id AS default_payee_id, -l.net AS amount
         FROM statement_lines l
         JOIN statements s ON s.id = l.statement_id
         JOIN ${PAYEES.name} d ON d.organization_id = s.publisher_id AND d.is_default
        WHERE s.run_id = $1 AND l.kind = 'advance-repayment' AND l.net < 0
        ORDER BY l.invoice_id, s.payee_id`,
    [runId],
  );
}
