import { PAYEES, WORKS } from '../catalogue/catalogue.tables';
import { LEDGER_ACCOUNTS, LEDGER_BALANCES } from '../ledger/ledger.tables';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import { PAYOUT_ITEMS } from '../payouts/payouts.tables';

/**
 * A publisher's earnings (GET /v1/earnings…): what its payees earned, where that money is now,
 * and what it was earned on. Every statement is bound to the publisher ($1, the principal's
 * organization): no row of another organization is read.
 *
 * Reads statements and royalty_runs, invoices and royalty_charges (this module's);
 * ledger_accounts and ledger_balances (the ledger's: the payees' balances), payout_items (the
 * payouts': what was paid out), payees, works and organizations (names). Writes nothing.
 */

/**
 * Per payee of publisher $1 and currency ($2 or null: every one): the net of its statements in
 * posted runs (earned) and in the latest calculation of each period not yet posted (accrued), and
 * the latest posted run's month;
 * the signed balances
 * (debit positive) of its awaiting-collection, payable and payout-pending accounts; and what its
 * settled payout items sent, less what was reversed of them. One row per payee and currency with
 * any of these, by currency, payee name and id.
 * Statements by statements_publisher (publisher_id leads), their runs by primary key; accounts by
 * ledger_accounts_organization, balances by primary key; payout items by
 * payout_items_organization_paid (organization_id, currency; partial: paid).
 */
export const PAYEE_EARNINGS = `
  WITH drafts AS (
    -- The calculated runs that can still be posted, one per period: a draft whose period a posted
    -- run overlaps can never be posted (its money is in earned already), and of drafts that
    -- overlap each other only the latest calculation counts. Runs are one per period: few rows.
    SELECT r.id FROM royalty_runs r
     WHERE r.status = 'calculated'
       AND NOT EXISTS (
             SELECT 1 FROM royalty_runs p
              WHERE p.status = 'posted'
                AND p.period_start <= r.period_end AND p.period_end >= r.period_start)
       AND NOT EXISTS (
             SELECT 1 FROM royalty_runs n
              WHERE n.status = 'calculated' AND n.id <> r.id
                AND n.period_start <= r.period_end AND n.period_end >= r.period_start
                AND (n.calculated_at, n.id) > (r.calculated_at, r.id))),
  stated AS (
    SELECT s.payee_id, s.currency,
           COALESCE(sum(s.net) FILTER (WHERE r.status = 'posted'), 0) AS earned,
           COALESCE(sum(s.net) FILTER (WHERE r.id IN (SELECT id FROM drafts)), 0) AS accrued,
           to_char(max(r.period_start) FILTER (WHERE r.status = 'posted'), 'YYYY-MM') AS last_posted
      FROM statements s
      JOIN royalty_runs r ON r.id = s.run_id
     WHERE s.publisher_id = $1 AND ($2::text IS NULL OR s.currency = $2)
       AND r.status IN ('posted', 'calculated')
     GROUP BY s.payee_id, s.currency),
  balances AS (
    SELECT a.owner_id AS payee_id, a.currency,
           COALESCE(sum(b.balance) FILTER (WHERE a.type = 'payee-awaiting-collection'), 0) AS awaiting,
           COALESCE(sum(b.balance) FILTER (WHERE a.type = 'payee-payable'), 0) AS payable,
           COALESCE(sum(b.balance) FILTER (WHERE a.type = 'payout-pending'), 0) AS pending
      FROM ${LEDGER_ACCOUNTS.name} a
      LEFT JOIN ${LEDGER_BALANCES.name} b ON b.account_id = a.id
     WHERE a.organization_id = $1 AND ($2::text IS NULL OR a.currency = $2)
       AND a.type IN ('payee-awaiting-collection', 'payee-payable', 'payout-pending')
     GROUP BY a.owner_id, a.currency),
  paid AS (
    SELECT payee_id, currency, sum(amount - reversed_amount) AS paid_out
      FROM ${PAYOUT_ITEMS.name}
     WHERE organization_id = $1 AND status = 'paid' AND settled_transaction_id IS NOT NULL
       AND ($2::text IS NULL OR currency = $2)
     GROUP BY payee_id, currency),
  keys AS (
    SELECT payee_id, currency FROM stated
    UNION SELECT payee_id, currency FROM balances
    UNION SELECT payee_id, currency FROM paid)
  SELECT k.payee_id, p.name AS payee_name, k.currency,
         COALESCE(s.earned, 0) AS earned, COALESCE(s.accrued, 0) AS accrued, s.last_posted,
         COALESCE(b.awaiting, 0) AS awaiting, COALESCE(b.payable, 0) AS payable,
         COALESCE(b.pending, 0) AS pending, COALESCE(x.paid_out, 0) AS paid_out
    FROM keys k
    JOIN ${PAYEES.name} p ON p.id = k.payee_id AND p.organization_id = $1
    LEFT JOIN stated s ON s.payee_id = k.payee_id AND s.currency = k.currency
    LEFT JOIN balances b ON b.payee_id = k.payee_id AND b.currency = k.currency
    LEFT JOIN paid x ON x.payee_id = k.payee_id AND x.currency = k.currency
   ORDER BY k.currency, p.name COLLATE "C", k.payee_id`;

export interface PayeeEarningsRow {
  payee_id: string;
  payee_name: string;
  currency: string;
  earned: string;
  accrued: string;
  /** The month (YYYY-MM) the latest posted run with a statement of the payee's starts in. */
  last_posted: string | null;
  awaiting: string;
  payable: string;
  pending: string;
  paid_out: string;
}

/**
 * What publisher $1 earned in currency $2 from the runs posted for periods starting in
 * [$3, $4) (first-of-month dates), net of commission, from the charges of its invoices: summed
 * over all its payees, a statement line is its charge (the shares of a charge add up to it
 * exactly; a charge without a work is its default payee's whole; advance repayments move money
 * between two of its payees and add up to zero), so these are the sums of its payees' statement
 * lines. Grouped once by month, usage type, work and licensee, then:
 *   part 'month'    one row per month and usage type (key: YYYY-MM, label: the usage or null);
 *   part 'work'     the $5 works earning most (then by id), key: work id, label: its title;
 *   part 'licensee' the $5 licensees paying most (then by id), key: id, label: its name.
 * Posted runs by a range scan of royalty_runs_one_posted (period_start leads); the publisher's
 * invoices of them by invoices_publisher_run (publisher_id, run_id); each invoice's charges by its run's partition
 * of royalty_charges and its primary key (run_id, invoice_id, …); names by primary keys.
 */
export const EARNINGS_BREAKDOWN = `
  WITH charged AS MATERIALIZED (
    SELECT date_trunc('month', r.period_start)::date AS month, c.usage, c.work_id, i.licensee_id,
           sum(c.gross - c.commission) AS amount
      FROM royalty_runs r
      JOIN invoices i ON i.run_id = r.id
      JOIN royalty_charges c ON c.run_id = r.id AND c.invoice_id = i.id
     WHERE r.status = 'posted' AND r.period_start >= $3::date AND r.period_start < $4::date
       AND i.publisher_id = $1 AND i.currency = $2
     GROUP BY 1, 2, 3, 4),
  top_works AS (
    SELECT work_id, sum(amount) AS amount FROM charged WHERE work_id IS NOT NULL
     GROUP BY work_id ORDER BY sum(amount) DESC, work_id LIMIT $5),
  top_licensees AS (
    SELECT licensee_id, sum(amount) AS amount FROM charged
     GROUP BY licensee_id ORDER BY sum(amount) DESC, licensee_id LIMIT $5)
  SELECT 'month' AS part, to_char(month, 'YYYY-MM') AS key, usage AS label, sum(amount) AS amount
    FROM charged GROUP BY month, usage
  UNION ALL
  SELECT 'work', t.work_id::text, w.title, t.amount
    FROM top_works t JOIN ${WORKS.name} w ON w.id = t.work_id AND w.organization_id = $1
  UNION ALL
  SELECT 'licensee', t.licensee_id::text, o.name, t.amount
    FROM top_licensees t JOIN ${ORGANIZATIONS.name} o ON o.id = t.licensee_id`;

export interface EarningsBreakdownRow {
  part: 'month' | 'work' | 'licensee';
  key: string;
  label: string | null;
  amount: string;
}
