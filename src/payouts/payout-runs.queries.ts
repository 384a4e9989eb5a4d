import { PAYEES } from '../catalogue/catalogue.tables';
import { ORGANIZATIONS, PRINCIPALS } from '../organizations/organizations.tables';

/**
 * Payout runs' SQL (PayoutRunsService and the responses): drafting a run, approving and
 * cancelling it, and reading runs, their items and exclusions a page at a time.
 *
 * Reads and writes payout_runs, payout_items and payout_exclusions; reads payee_stripe_accounts
 * and payee_holds (all this module's); reads payees (the catalogue's) and organizations and
 * principals (the organizations module's) for names.
 */

/** Items with their payee's and publisher's names: the FROM clause, items aliased `i`. */
export const PAYOUT_ITEM_SQL = `
  SELECT i.*, p.name AS payee_name, o.name AS publisher_name
    FROM payout_items i
    JOIN ${PAYEES.name} p ON p.id = i.payee_id
    JOIN ${ORGANIZATIONS.name} o ON o.id = i.organization_id`;

/** The names of the principals who drafted and approved the run aliased `r`: a LATERAL select. */
export const PAYOUT_RUN_NAMES_SQL = `
  SELECT (SELECT name FROM ${PRINCIPALS.name} WHERE id = r.created_by_principal_id) AS created_by_name,
         (SELECT name FROM ${PRINCIPALS.name} WHERE id = r.approved_by_principal_id) AS approved_by_name`;

/** The totals of the run aliased `r`, from its items: a LATERAL subquery's select list. */
export const PAYOUT_RUN_TOTALS_SQL = `
  SELECT count(*) AS items, COALESCE(sum(i.amount), 0) AS amount,
         count(*) FILTER (WHERE i.status = 'draft') AS draft,
         count(*) FILTER (WHERE i.status = 'pending') AS pending,
         count(*) FILTER (WHERE i.status = 'paid') AS paid,
         count(*) FILTER (WHERE i.status = 'failed') AS failed,
         count(*) FILTER (WHERE i.status = 'cancelled') AS cancelled,
         COALESCE(sum(i.amount) FILTER (WHERE i.status = 'paid'), 0) AS paid_amount
    FROM payout_items i WHERE i.run_id = r.id`;

/** A draft run: id $1, currency $2, minimum $3, payee filter $4 (or null), drafted by $5. */
export const INSERT_RUN = `
  INSERT INTO payout_runs (id, currency, minimum_amount, payee_filter, status, created_by_principal_id)
    VALUES ($1, $2, $3, $4, 'draft', $5)`;

/**
 * The draft items of run $1 in currency $2, one per element of the parallel arrays $3 (item ids),
 * $4 (payees), $5 (their publishers), $6 (amounts) and $7 (Stripe accounts).
 */
export const INSERT_DRAFT_ITEMS = `
  INSERT INTO payout_items (id, run_id, payee_id, organization_id, currency, amount,
           stripe_account_id, idempotency_key, status)
    SELECT i.id, $1, i.payee_id, i.organization_id, $2, i.amount, i.account,
           'payout-item-' || i.id, 'draft'
      FROM unnest($3::uuid[], $4::uuid[], $5::uuid[], $6::bigint[], $7::text[])
           AS i(id, payee_id, organization_id, amount, account)`;

/**
 * The payees run $1 leaves out, one per element of the parallel arrays $2 (payees), $3 (their
 * publishers), $4 (amounts) and $5 (reasons).
 */
export const INSERT_EXCLUSIONS = `
  INSERT INTO payout_exclusions (run_id, payee_id, organization_id, amount, reason)
    SELECT $1, e.payee_id, e.organization_id, e.amount, e.reason
      FROM unnest($2::uuid[], $3::uuid[], $4::bigint[], $5::text[])
           AS e(payee_id, organization_id, amount, reason)`;

/** The Stripe accounts of payees $1. */
export const STRIPE_ACCOUNTS_OF = `
  SELECT payee_id, stripe_account_id, payouts_enabled, transfers_capability
    FROM payee_stripe_accounts WHERE payee_id = ANY ($1::uuid[])`;

/** Which of payees $1 are on hold. */
export const HELD_PAYEES_OF = `SELECT payee_id FROM payee_holds WHERE payee_id = ANY ($1::uuid[]) AND released_at IS NULL`;

/** Run $1, locked for the caller's transaction when `lock`. */
export const RUN = (lock: boolean) =>
  `SELECT * FROM payout_runs WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`;

/** Run $1's items, by payee. */
export const RUN_ITEMS = `SELECT * FROM payout_items WHERE run_id = $1 ORDER BY payee_id`;

/** Approval: run $1's items become pending. */
export const MARK_ITEMS_PENDING = `UPDATE payout_items SET status = 'pending' WHERE run_id = $1`;

/**
 * Approval: run $1 becomes $2 ('executing', or 'completed' when it has no items), approved by $3,
 * its reservation ledger transaction $4.
 */
export const APPROVE_RUN = `
  UPDATE payout_runs SET status = $2, approved_by_principal_id = $3, approved_at = now(),
         reservation_transaction_id = $4, completed_at = CASE WHEN $2 = 'completed' THEN now() END
   WHERE id = $1`;

/** Cancellation: run $1's items never sent are cancelled; returns them. */
export const CANCEL_UNSENT_ITEMS = `
  UPDATE payout_items SET status = 'cancelled', cancelled_at = now()
   WHERE run_id = $1 AND status IN ('draft', 'pending') AND first_sent_at IS NULL
   RETURNING *`;

/** Item $1's reservation released by ledger transaction $2. */
export const SET_RELEASE = `UPDATE payout_items SET released_transaction_id = $2 WHERE id = $1`;

/** Run $1 cancelled by principal $2. */
export const CANCEL_RUN = `
  UPDATE payout_runs SET status = 'cancelled', cancelled_at = now(),
         cancelled_by_principal_id = $2 WHERE id = $1`;

/** Run $1 with its totals and names. */
export const RUN_WITH_TOTALS = `
  SELECT r.*, t.*, n.* FROM payout_runs r CROSS JOIN LATERAL (${PAYOUT_RUN_TOTALS_SQL}) t
    CROSS JOIN LATERAL (${PAYOUT_RUN_NAMES_SQL}) n
   WHERE r.id = $1`;

/**
 * A page of runs with their totals and names, by id: status $1 and currency $2 (each or null),
 * after id $3 (or null), $4 rows.
 */
export const RUNS_PAGE = `
  SELECT r.*, t.*, n.* FROM payout_runs r CROSS JOIN LATERAL (${PAYOUT_RUN_TOTALS_SQL}) t
    CROSS JOIN LATERAL (${PAYOUT_RUN_NAMES_SQL}) n
   WHERE ($1::text IS NULL OR r.status = $1) AND ($2::text IS NULL OR r.currency = $2)
     AND ($3::uuid IS NULL OR r.id > $3)
   ORDER BY r.id LIMIT $4`;

/** A page of run $1's items with names, by id: status $2 (or null), after id $3 (or null), $4 rows. */
export const ITEMS_PAGE = `${PAYOUT_ITEM_SQL}
   WHERE i.run_id = $1 AND ($2::text IS NULL OR i.status = $2)
     AND ($3::uuid IS NULL OR i.id > $3)
   ORDER BY i.id LIMIT $4`;

/** A page of the payees run $1 left out, with names, by payee: after payee $2 (or null), $3 rows. */
export const EXCLUSIONS_PAGE = `
  SELECT e.payee_id, p.name AS payee_name, o.name AS publisher_name, e.amount, e.reason
    FROM payout_exclusions e
    JOIN ${PAYEES.name} p ON p.id = e.payee_id
    JOIN ${ORGANIZATIONS.name} o ON o.id = e.organization_id
   WHERE e.run_id = $1 AND ($2::uuid IS NULL OR e.payee_id > $2)
   ORDER BY e.payee_id LIMIT $3`;

/** Run $1's pending items: resume queues them again. */
export const PENDING_ITEM_IDS = `SELECT id FROM payout_items WHERE run_id = $1 AND status = 'pending' ORDER BY id`;
