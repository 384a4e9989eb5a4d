/**
 * Payees' Stripe accounts' SQL (StripeAccountsService). Reads and writes payee_stripe_accounts
 * (this module's).
 */

const COLUMNS = `payee_id, stripe_account_id, payouts_enabled, transfers_capability, details_submitted`;

/**
 * Payee $1's account (of publisher $2): Stripe account $3 and its state ($4 payouts enabled, $5
 * transfers capability, $6 details submitted), unless the payee has one.
 */
export const INSERT_STRIPE_ACCOUNT = `
  INSERT INTO payee_stripe_accounts (payee_id, organization_id, stripe_account_id,
         payouts_enabled, transfers_capability, details_submitted)
  VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (payee_id) DO NOTHING`;

/** Stripe account $1's state as Stripe has it now: $2 payouts enabled, $3 transfers, $4 details. */
export const SYNC_STRIPE_ACCOUNT = `
  UPDATE payee_stripe_accounts
     SET payouts_enabled = $2, transfers_capability = $3, details_submitted = $4, synced_at = now()
   WHERE stripe_account_id = $1`;

/** Payee $1's account. */
export const STRIPE_ACCOUNT_OF = `SELECT ${COLUMNS} FROM payee_stripe_accounts WHERE payee_id = $1`;
