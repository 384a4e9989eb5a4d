import { PRINCIPALS } from '../organizations/organizations.tables';

/**
 * Reconciliations' SQL (ReconciliationService): requesting one, reading them, and the paid items
 * a run compares with Stripe.
 *
 * Reads and writes reconciliations; reads payout_items (this module's) and principals (the
 * organizations module's, for the requester's name).
 */

/** Reconciliation $1 of [$2, $3) in currency $4 (or every one), requested by $5 (or the schedule). */
export const INSERT_RECONCILIATION = `
  INSERT INTO reconciliations (id, range_from, range_to, currency, status, requested_by_principal_id)
  VALUES ($1, $2, $3, $4, 'running', $5)`;

/** The scheduled reconciliation $1 of [$2, $3), unless that range has one; returns its id if new. */
export const INSERT_SCHEDULED_RECONCILIATION = `
  INSERT INTO reconciliations (id, range_from, range_to, status)
  VALUES ($1, $2, $3, 'running') ON CONFLICT DO NOTHING RETURNING id`;

/** Reconciliation $1 with its requester's name. */
export const RECONCILIATION = `
  SELECT r.*, p.name AS requested_by_name
    FROM reconciliations r LEFT JOIN ${PRINCIPALS.name} p ON p.id = r.requested_by_principal_id
   WHERE r.id = $1`;

/**
 * A page of reconciliations without their differences, newest first: status $1 and currency $2
 * (each or null), before id $3 (or null), $4 rows.
 */
export const RECONCILIATIONS_PAGE = `
  SELECT r.id, r.range_from, r.range_to, r.currency, r.status, r.requested_by_principal_id,
         p.name AS requested_by_name, r.created_at, r.completed_at, r.summary, r.error
    FROM reconciliations r LEFT JOIN ${PRINCIPALS.name} p ON p.id = r.requested_by_principal_id
   WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.currency = $2)
     AND ($3::uuid IS NULL OR r.id < $3)
   ORDER BY r.id DESC LIMIT $4`;

/** Reconciliation $1 if it is still to run. */
export const RUNNING_RECONCILIATION = `SELECT * FROM reconciliations WHERE id = $1 AND status = 'running'`;

/**
 * The items paid by a transfer Stripe created in [$1, $2) (Unix seconds), in currency $3 (or
 * every one), by transfer.
 */
export const TRANSFERRED_ITEMS = `
  SELECT id, transfer_id, amount, currency, stripe_account_id FROM payout_items
   WHERE transfer_id IS NOT NULL
     AND transfer_created_at >= to_timestamp($1) AND transfer_created_at < to_timestamp($2)
     AND ($3::text IS NULL OR currency = $3)
   ORDER BY transfer_id`;

/** Reconciliation $1 completed with summary $2 and differences $3 (JSON). */
export const COMPLETE_RECONCILIATION = `
  UPDATE reconciliations SET status = 'completed', completed_at = now(), summary = $2, differences = $3
   WHERE id = $1`;

/** Reconciliation $1 failed with error $2. */
export const FAIL_RECONCILIATION = `UPDATE reconciliations SET status = 'failed', completed_at = now(), error = $2 WHERE id = $1`;
