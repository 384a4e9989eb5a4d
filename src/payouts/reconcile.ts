/** A paid payout item as the ledger knows it. */
export interface LedgerTransfer {
  itemId: string;
  transferId: string;
  amount: bigint;
  /** ISO 4217, capitals. */
  currency: string;
  destination: string;
}

/** A transfer as Stripe lists it (amount in the smallest unit, currency lower case). */
export interface StripeTransfer {
  id: string;
  amount: number;
  currency: string;
  destination: string;
  balanceTransaction: string | null;
  payoutItemId: string | null;
}

export interface StripeBalanceTransaction {
  id: string;
  amount: number;
  currency: string;
  source: string | null;
}

export type DifferenceKind =
  | 'missing-in-stripe'
  | 'unknown-to-ledger'
  | 'amount-mismatch'
  | 'currency-mismatch'
  | 'destination-mismatch'
  | 'missing-balance-transaction'
  | 'balance-transaction-mismatch';

export interface Difference {
  kind: DifferenceKind;
  transferId: string;
  itemId: string | null;
  ledger: { amount: number; currency: string } | null;
  stripe: { amount: number; currency: string } | null;
}

export interface ReconciliationResult {
  summary: {
    ledgerTransfers: number;
    stripeTransfers: number;
    matched: number;
    differences: number;
  };
  differences: Difference[];
}

/**
 * Compares what the ledger paid with what Stripe says it transferred, and each transfer with
 * the balance transaction that moved the platform's money: every difference is reported, none
 * is fixed here. Ordered by transfer id, then kind, so two runs over the same data read the same.
 */
export function reconcile(
  ledger: LedgerTransfer[],
  stripe: StripeTransfer[],
  balance: StripeBalanceTransaction[],
): ReconciliationResult {
  const differences: Difference[] = [];
  const byId = new Map(stripe.map((t) => [t.id, t]));
  const txnBySource = new Map(balance.filter((b) => b.source).map((b) => [b.source!, b]));
  const known = new Set<string>();
  let matched = 0;
  const ours = (l: LedgerTransfer) => ({ amount: Number(l.amount), currency: l.currency });
  const theirs = (s: { amount: number; currency: string }) => ({
    amount: s.amount,
    currency: s.currency.toUpperCase(),
  });
  for (const l of ledger) {
    known.add(l.transferId);
    const s = byId.get(l.transferId);
    const base = { transferId: l.transferId, itemId: l.itemId, ledger: ours(l) };
    if (!s) {
      differences.push({ kind: 'missing-in-stripe', ...base, stripe: null });
      continue;
    }
    let same = true;
    const mismatch = (kind: DifferenceKind) => {
      same = false;
      differences.push({ kind, ...base, stripe: theirs(s) });
    };
    if (s.currency.toUpperCase() !== l.currency) mismatch('currency-mismatch');
    if (BigInt(s.amount) !== l.amount) mismatch('amount-mismatch');
    if (s.destination !== l.destination) mismatch('destination-mismatch');
    if (same) matched++;
  }
  for (const s of stripe) {
    if (!known.has(s.id)) {
      differences.push({
        kind: 'unknown-to-ledger',
        transferId: s.id,
        itemId: s.payoutItemId,
        ledger: null,
        stripe: theirs(s),
      });
    }
    const txn = txnBySource.get(s.id);
    const itemId = ledger.find((l) => l.transferId === s.id)?.itemId ?? s.payoutItemId;
    if (!txn) {
      differences.push({
        kind: 'missing-balance-transaction',
        transferId: s.id,
        itemId,
        ledger: null,
        stripe: theirs(s),
      });
    } else if (txn.amount !== -s.amount || txn.currency !== s.currency) {
      differences.push({
        kind: 'balance-transaction-mismatch',
        transferId: s.id,
        itemId,
        ledger: null,
        stripe: theirs(txn),
      });
    }
  }
  differences.sort((a, b) =>
    a.transferId === b.transferId
      ? a.kind.localeCompare(b.kind)
      : a.transferId.localeCompare(b.transferId),
  );
  return {
    summary: {
      ledgerTransfers: ledger.length,
      stripeTransfers: stripe.length,
      matched,
      differences: differences.length,
    },
    differences,
  };
}
