import { table } from '../database/table';

/** A ledger account (docs/LEDGER.md). Written by the ledger; read by royalties (balances, earnings). */
export const LEDGER_ACCOUNTS = table('ledger_accounts', [
  'id',
  'type',
  'owner_id',
  'organization_id',
  'currency',
  'created_at',
]);

/** A row of ledger_accounts as `SELECT *` returns it. */
export interface LedgerAccountRow {
  id: string;
  type: string;
  owner_id: string | null;
  organization_id: string | null;
  currency: string;
  created_at: Date;
}

/** An account's balance, kept by the ledger as postings land. Read by royalties and payouts. */
export const LEDGER_BALANCES = table('ledger_balances', ['account_id', 'balance', 'updated_at']);

/** A row of ledger_balances as `SELECT *` returns it. */
export interface LedgerBalanceRow {
  account_id: string;
  balance: string;
  updated_at: Date;
}
