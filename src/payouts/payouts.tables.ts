import { table } from '../database/table';

/** A payout run: one transfer per payee at most. Written by payouts; read by receipts (a receipt's trail). */
export const PAYOUT_RUNS = table('payout_runs', [
  'id',
  'currency',
  'minimum_amount',
  'payee_filter',
  'status',
  'created_by_principal_id',
  'approved_by_principal_id',
  'cancelled_by_principal_id',
  'reservation_transaction_id',
  'created_at',
  'approved_at',
  'cancelled_at',
  'completed_at',
]);

/** One transfer to a payee in a payout run. Written by payouts; read by the ledger's overview and royalties' earnings. */
export const PAYOUT_ITEMS = table('payout_items', [
  'id',
  'run_id',
  'payee_id',
  'organization_id',
  'currency',
  'amount',
  'stripe_account_id',
  'idempotency_key',
  'status',
  'attempts',
  'first_sent_at',
  'last_attempt_at',
  'transfer_id',
  'transfer_created_at',
  'error_code',
  'error_message',
  'settled_transaction_id',
  'released_transaction_id',
  'reversed_amount',
  'paid_at',
  'failed_at',
  'cancelled_at',
]);

/** A row of payout_items as `SELECT *` returns it. */
export interface PayoutItemRow {
  id: string;
  run_id: string;
  payee_id: string;
  organization_id: string;
  currency: string;
  amount: string;
  stripe_account_id: string;
  idempotency_key: string;
  status: string;
  attempts: number;
  first_sent_at: Date | null;
  last_attempt_at: Date | null;
  transfer_id: string | null;
  transfer_created_at: Date | null;
  error_code: string | null;
  error_message: string | null;
  settled_transaction_id: string | null;
  released_transaction_id: string | null;
  reversed_amount: string;
  paid_at: Date | null;
  failed_at: Date | null;
  cancelled_at: Date | null;
}

/** A hold that keeps a payee out of payouts. Written by payouts; read by the catalogue (a payee's state). */
export const PAYEE_HOLDS = table('payee_holds', [
  'id',
  'payee_id',
  'organization_id',
  'reason',
  'held_by_principal_id',
  'held_at',
  'released_by_principal_id',
  'released_at',
  'held_by_role',
  'released_by_role',
]);

/** A row of payee_holds as `SELECT *` returns it. */
export interface PayeeHoldRow {
  id: string;
  payee_id: string;
  organization_id: string;
  reason: string;
  held_by_principal_id: string;
  held_at: Date;
  released_by_principal_id: string | null;
  released_at: Date | null;
  held_by_role: string;
  released_by_role: string | null;
}

/** A payee's connected Stripe account and its state. Written by payouts; read by the catalogue (a payee's state). */
export const PAYEE_STRIPE_ACCOUNTS = table('payee_stripe_accounts', [
  'payee_id',
  'organization_id',
  'stripe_account_id',
  'payouts_enabled',
  'transfers_capability',
  'details_submitted',
  'created_at',
  'synced_at',
]);

/** A row of payee_stripe_accounts as `SELECT *` returns it. */
export interface PayeeStripeAccountRow {
  payee_id: string;
  organization_id: string;
  stripe_account_id: string;
  payouts_enabled: boolean;
  transfers_capability: string;
  details_submitted: boolean;
  created_at: Date;
  synced_at: Date;
}
