import { Http } from './test-app';

/**
 * Every account's balance as people read it (positive on its normal side), keyed
 * `type:owner` (`platform` for the platform's own accounts), for one currency.
 */
export type LedgerBalances = Record<string, number>;

/** The ledger's balances in `currency` now, from the trial balance (finance's key). */
export async function ledgerBalances(
  http: Http,
  financeKey: string,
  currency: string,
): Promise<LedgerBalances> {
  const trial = await http.get('/v1/ledger/trial-balance', financeKey);
  if (trial.status !== 200) throw new Error(`trial balance: ${trial.status}`);
  const balances: LedgerBalances = {};
  for (const account of trial.body.accounts as {
    type: string;
    ownerId: string | null;
    currency: string;
    balance: number;
  }[]) {
    if (account.currency === currency)
      balances[`${account.type}:${account.ownerId ?? 'platform'}`] = account.balance;
  }
  return balances;
}

/**
 * What changed between two readings: each account whose balance moved, by how much. Tests assert
 * these exactly, with figures worked out by hand: the trial balance's `balanced` cannot fail while
 * the database refuses an unbalanced transaction, but a wrong amount moves the wrong account.
 * Reading changes rather than balances keeps a test apart from what earlier tests of its file
 * left in the same database (the platform's accounts are shared).
 */
export function ledgerChanges(before: LedgerBalances, after: LedgerBalances): LedgerBalances {
  const changes: LedgerBalances = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const change = (after[key] ?? 0) - (before[key] ?? 0);
    if (change !== 0) changes[key] = change;
  }
  return changes;
}

/** ledgerChanges since `before`, read now. */
export async function ledgerChangesSince(
  http: Http,
  financeKey: string,
  currency: string,
  before: LedgerBalances,
): Promise<LedgerBalances> {
  return ledgerChanges(before, await ledgerBalances(http, financeKey, currency));
}
