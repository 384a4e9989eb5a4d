/**
 * An approved payout item's life, statement by statement: claimed before each attempt, recorded
 * as paid (the settler's outbox), failed or cancelled (its reservation released), settled in
 * batches, reversed; and found again by the recovery sweep. Used by PayoutSender, PayoutSettler,
 * PayoutReversals and PayoutRecovery.
 *
 * Reads and writes payout_items and payout_runs; reads payee_holds; writes
 * stripe_transfer_reversals (all this module's).
 */

/**
 * The usual claim in one statement (one commit): a pending item, sent before or free to send
 * (its run not cancelled, its payee not held), gets its attempt marked. $1: the item. Returns
 * the item after the update and when it was first sent before it; no row for every other case
 * (PayoutSender's slow claim). (An UPDATE answers [rows, count] through TypeORM.)
 */
export const CLAIM_ITEM = `
  WITH old AS (
    SELECT i.id, i.first_sent_at FROM payout_items i
     WHERE i.id = $1 AND i.status = 'pending'
       AND (i.first_sent_at IS NOT NULL OR (
            (SELECT r.status FROM payout_runs r WHERE r.id = i.run_id) <> 'cancelled'
            AND NOT EXISTS (SELECT 1 FROM payee_holds h
                             WHERE h.payee_id = i.payee_id AND h.released_at IS NULL)))
     FOR UPDATE OF i)
  UPDATE payout_items p SET attempts = p.attempts + 1, last_attempt_at = now(),
         first_sent_at = COALESCE(p.first_sent_at, now())
    FROM old WHERE p.id = old.id
  RETURNING p.*, old.first_sent_at AS previously_sent_at`;

/** The item $1, locked for the caller's transaction. */
export const LOCK_ITEM = `SELECT * FROM payout_items WHERE id = $1 FOR UPDATE`;

/** The status of run $1. */
export const RUN_STATUS = `SELECT status FROM payout_runs WHERE id = $1`;

/** The reason of payee $1's open hold, if any. */
export const OPEN_HOLD_REASON = `SELECT reason FROM payee_holds WHERE payee_id = $1 AND released_at IS NULL`;

/** Marks an attempt of item $1 (locked by the caller). */
export const MARK_ATTEMPT = `
  UPDATE payout_items SET attempts = attempts + 1, last_attempt_at = now(),
         first_sent_at = COALESCE(first_sent_at, now())
   WHERE id = $1`;

/**
 * After a 429 on the first attempt: item $1 is unsent again, unless another attempt ($2 is the
 * attempt count this one set) has started since.
 */
export const UNMARK_SENT = `
  UPDATE payout_items SET first_sent_at = NULL
   WHERE id = $1 AND status = 'pending' AND attempts = $2`;

/** An unknown outcome noted on the pending item $1: code $2, message $3. */
export const NOTE_UNKNOWN_OUTCOME = `UPDATE payout_items SET error_code = $2, error_message = $3 WHERE id = $1 AND status = 'pending'`;

/** Pending item $1 paid by transfer $2 (created at $3, Unix seconds): the settler's outbox. */
export const RECORD_PAID = `
  UPDATE payout_items SET status = 'paid', transfer_id = $2,
         transfer_created_at = to_timestamp($3), paid_at = now(),
         error_code = NULL, error_message = NULL
   WHERE id = $1 AND status = 'pending'`;

/** Item $1 finished unpaid: status $2 ('failed' or 'cancelled'), code $3, message $4, release $5. */
export const FINISH_UNPAID = `
  UPDATE payout_items SET status = $2, error_code = $3, error_message = $4,
         released_transaction_id = $5,
         failed_at = CASE WHEN $2 = 'failed' THEN now() END,
         cancelled_at = CASE WHEN $2 = 'cancelled' THEN now() END
   WHERE id = $1`;

/** Up to `limit` paid items not yet settled, locked; those another settler holds are skipped. */
export const UNSETTLED_PAID_ITEMS = (limit: number) => `
  SELECT * FROM payout_items WHERE status = 'paid' AND settled_transaction_id IS NULL
   ORDER BY id LIMIT ${limit} FOR UPDATE SKIP LOCKED`;

/** Items $2 settled by ledger transaction $1. */
export const MARK_SETTLED = `UPDATE payout_items SET settled_transaction_id = $1 WHERE id = ANY ($2::uuid[])`;

/** Run $1 completed if executing and none of its items is pending or paid but unsettled. */
export const COMPLETE_RUN = `
  UPDATE payout_runs SET status = 'completed', completed_at = now()
   WHERE id = $1 AND status = 'executing'
     AND NOT EXISTS (SELECT 1 FROM payout_items WHERE run_id = $1
                      AND (status = 'pending' OR (status = 'paid' AND settled_transaction_id IS NULL)))`;

/** The item paid by transfer $1, locked. */
export const LOCK_ITEM_OF_TRANSFER = `SELECT * FROM payout_items WHERE transfer_id = $1 FOR UPDATE`;

/** The reversals of transfer $1 already recorded. */
export const RECORDED_REVERSALS = `SELECT id FROM stripe_transfer_reversals WHERE transfer_id = $1`;

/** Reversal $1 of transfer $2 (item $3): amount $4 in currency $5, posted as ledger transaction $6. */
export const RECORD_REVERSAL = `
  INSERT INTO stripe_transfer_reversals (id, transfer_id, item_id, amount, currency, ledger_transaction_id)
  VALUES ($1, $2, $3, $4, $5, $6)`;

/** $2 more of item $1 reversed. */
export const ADD_REVERSED = `UPDATE payout_items SET reversed_amount = reversed_amount + $2 WHERE id = $1`;

/**
 * The recovery sweep's items: pending items of executing or cancelled runs not attempted in the
 * last two minutes; at start ($1 true), every one of them, however recent its attempt.
 */
export const DUE_ITEMS = `
  SELECT i.id FROM payout_items i JOIN payout_runs r ON r.id = i.run_id
   WHERE i.status = 'pending' AND r.status IN ('executing', 'cancelled')
     AND ($1 OR i.last_attempt_at IS NULL OR i.last_attempt_at < now() - interval '2 minutes')
   ORDER BY i.id`;

/** Runs still executing: the recovery sweep completes those left with nothing pending. */
export const EXECUTING_RUNS = `SELECT id FROM payout_runs WHERE status = 'executing'`;

/** Item $1's id if it is pending (a transfer event's hint). */
export const PENDING_ITEM_ID = `SELECT id FROM payout_items WHERE id = $1 AND status = 'pending'`;

/** Item $1 if it is pending. */
export const PENDING_ITEM = `SELECT * FROM payout_items WHERE id = $1 AND status = 'pending'`;
