import { ORGANIZATIONS } from '../organizations/organizations.tables';
import { PAYOUT_ITEMS } from '../payouts/payouts.tables';
import { INVOICES, ROYALTY_RUNS } from '../royalties/royalties.tables';

/**
 * The finance overview's SQL (GET /v1/ledger/overview…): aggregates only, each bounded by what it
 * reads — never a scan of ledger_postings as a whole, the ledger's largest table.
 *
 * Reads ledger_accounts, ledger_balances, ledger_postings and ledger_transactions (this module's);
 * and where the figures of a royalty run or a transfer live, royalty_runs and invoices (owned by
 * royalties), payout_items (owned by payouts) and organizations (a publisher's name). Writes nothing.
 */

/**
 * Per currency and account type: the balances' signed sum (debit positive) and the sum of the
 * debit-side ones alone (a licensee's receivable may be on either side). $1: currency or null.
 * Reads every account once with its kept balance (ledger_accounts ⋈ ledger_balances on its
 * primary key): as many rows as accounts (owners × currencies), not postings.
 */
export const BALANCES_BY_TYPE = `
  SELECT a.currency, a.type,
         COALESCE(sum(b.balance), 0) AS signed,
         COALESCE(sum(b.balance) FILTER (WHERE b.balance > 0), 0) AS debits
    FROM ledger_accounts a
    LEFT JOIN ledger_balances b ON b.account_id = a.id
   WHERE ($1::text IS NULL OR a.currency = $1)
   GROUP BY a.currency, a.type`;

export interface BalanceByTypeRow {
  currency: string;
  type: string;
  signed: string;
  debits: string;
}

/**
 * Per currency, the cash through the platform's Stripe balance, told apart by what posted it:
 * invoice payments debit `platform-stripe-clearing` (refs.paymentId), payout settlements credit it
 * (refs.payoutSettlementId, one per batch of up to 2,000 transfers), transfer reversals debit it
 * (refs.stripeReversalId). $1: currency or null. The clearing accounts (one per currency) are found
 * by ledger_accounts_type_owner_id_currency_key (type leads); their postings by
 * ledger_postings_account (account_id, transaction_id); each posting's transaction by its primary
 * key — as many rows as payments, settlement batches and reversals.
 */
export const CLEARING_FLOWS = `
  SELECT a.currency,
         COALESCE(sum(p.amount) FILTER (WHERE t.refs ? 'paymentId'), 0) AS collected,
         COALESCE(-sum(p.amount) FILTER (WHERE t.refs ? 'payoutSettlementId'), 0) AS settled,
         COALESCE(sum(p.amount) FILTER (WHERE t.refs ? 'stripeReversalId'), 0) AS reversed
    FROM ledger_accounts a
    JOIN ledger_postings p ON p.account_id = a.id
    JOIN ledger_transactions t ON t.id = p.transaction_id
   WHERE a.type = 'platform-stripe-clearing' AND a.owner_id IS NULL
     AND ($1::text IS NULL OR a.currency = $1)
   GROUP BY a.currency`;

export interface ClearingFlowRow {
  currency: string;
  collected: string;
  settled: string;
  reversed: string;
}

/**
 * Per currency, what posted royalty runs invoiced and kept as commission: each posted invoice's
 * amount is what its run debited to the licensee's receivable, its commission what it credited to
 * `platform-commission`, the difference what it credited to the payees. $1: currency or null.
 * Posted runs come from royalty_runs_one_posted (partial, status = 'posted'); their invoices from
 * invoices_run_id_agreement_id_key (run_id leads) — one row per agreement and posted run.
 */
export const POSTED_INVOICE_TOTALS = `
  SELECT i.currency, sum(i.amount) AS invoiced, sum(i.commission) AS commission
    FROM ${ROYALTY_RUNS.name} r
    JOIN ${INVOICES.name} i ON i.run_id = r.id
   WHERE r.status = 'posted' AND ($1::text IS NULL OR i.currency = $1)
   GROUP BY i.currency`;

export interface InvoiceTotalsRow {
  currency: string;
  invoiced: string;
  commission: string;
}

/**
 * One row per month from $2 (a first-of-month date) for $3 months: the invoices in currency $1 of
 * the runs posted for a period that starts in that month. Per month, the runs by a range scan of
 * royalty_runs_one_posted (period_start leads; its predicate is the join's status = 'posted'),
 * their invoices by invoices_run_id_agreement_id_key.
 */
export const ROYALTIES_BY_MONTH = `
  SELECT to_char(m.month, 'YYYY-MM') AS key,
         COALESCE(sum(i.amount), 0) AS invoiced,
         COALESCE(sum(i.commission), 0) AS commission
    FROM generate_series($2::date, $2::date + ($3::int - 1) * interval '1 month', interval '1 month')
         AS m(month)
    LEFT JOIN ${ROYALTY_RUNS.name} r
           ON r.status = 'posted' AND r.period_start >= m.month
          AND r.period_start < m.month + interval '1 month'
    LEFT JOIN ${INVOICES.name} i ON i.run_id = r.id AND i.currency = $1
   GROUP BY m.month
   ORDER BY m.month`;

export interface RoyaltyMonthRow {
  key: string;
  invoiced: string;
  commission: string;
}

/**
 * The invoices in currency $1 of runs posted for periods starting in [$2, $3), per publisher,
 * ranked by invoiced (then id, so ties rank the same way each time): the first $4 one row each,
 * the rest in one row (position $4 + 1). Indexes as ROYALTIES_BY_MONTH, with one range scan of
 * royalty_runs_one_posted for the whole window; names by organizations_pkey.
 */
export const ROYALTIES_BY_PUBLISHER = `
  WITH per AS (
    SELECT i.publisher_id, sum(i.amount) AS invoiced, sum(i.commission) AS commission
      FROM ${ROYALTY_RUNS.name} r
      JOIN ${INVOICES.name} i ON i.run_id = r.id
     WHERE r.status = 'posted' AND r.period_start >= $2::date AND r.period_start < $3::date
       AND i.currency = $1
     GROUP BY i.publisher_id),
  ranked AS (
    SELECT per.*, row_number() OVER (ORDER BY invoiced DESC, publisher_id) AS rank FROM per)
  SELECT least(ranked.rank, $4::int + 1) AS position,
         min(ranked.publisher_id::text) AS publisher_id,
         min(o.name) AS name,
         count(*) AS publishers,
         sum(ranked.invoiced) AS invoiced,
         sum(ranked.commission) AS commission
    FROM ranked
    LEFT JOIN ${ORGANIZATIONS.name} o ON o.id = ranked.publisher_id
   GROUP BY 1
   ORDER BY 1`;

export interface RoyaltyPublisherRow {
  position: string;
  publisher_id: string;
  name: string | null;
  publishers: string;
  invoiced: string;
  commission: string;
}

/**
 * One row per bucket ($4: '1 day' or '1 month') from $2 to $3 (UTC timestamps, both bucket
 * starts): the transfers Stripe made for payout items in currency $1 created in it, their amount
 * and what was reversed of them since. $5: the key's to_char format. Per bucket, a range scan of
 * payout_items_transfer_created (transfer_created_at, partial: transfer_id IS NOT NULL, which an
 * item has exactly when it is paid).
 */
export const PAYOUTS_BY_BUCKET = `
  SELECT to_char(b.bucket, $5) AS key,
         COALESCE(sum(p.amount), 0) AS paid,
         COALESCE(sum(p.reversed_amount), 0) AS reversed,
         count(p.id) AS transfers
    FROM generate_series($2::timestamp, $3::timestamp, $4::interval) AS b(bucket)
    LEFT JOIN ${PAYOUT_ITEMS.name} p
           ON p.transfer_id IS NOT NULL AND p.currency = $1
          AND p.transfer_created_at >= b.bucket AT TIME ZONE 'UTC'
          AND p.transfer_created_at < (b.bucket + $4::interval) AT TIME ZONE 'UTC'
   GROUP BY b.bucket
   ORDER BY b.bucket`;

export interface PayoutBucketRow {
  key: string;
  paid: string;
  reversed: string;
  transfers: string;
}
