import { AccountKey } from './ledger-accounts';

/** One line of a journal transaction: debit positive, credit negative, minor units. */
export interface Posting {
  account: AccountKey;
  amount: bigint;
}

export interface JournalEntry {
  /** Unique per effect: a retry with the same key and entry returns the first transaction. */
  idempotencyKey: string;
  reason: string;
  /** What caused it: run, statement, invoice, payout… ids. */
  refs: Record<string, string>;
  postings: Posting[];
}

/** Why an entry cannot be posted, or null. Checked again by the database. */
export function journalEntryProblem(entry: JournalEntry): string | null {
  if (entry.postings.length < 2) return 'a transaction has at least two postings';
  const sums = new Map<string, bigint>();
  for (const posting of entry.postings) {
    if (posting.amount === 0n) return 'a posting of zero moves nothing';
    const currency = posting.account.currency;
    sums.set(currency, (sums.get(currency) ?? 0n) + posting.amount);
  }
  for (const [currency, sum] of sums) {
    if (sum !== 0n) return `the postings do not balance in ${currency} (off by ${sum})`;
  }
  return null;
}

/** The canonical form an idempotency key's entry is compared by. */
export function entryFingerprint(entry: JournalEntry): string {
  return JSON.stringify({
    reason: entry.reason,
    refs: Object.fromEntries(Object.entries(entry.refs).sort(([a], [b]) => (a < b ? -1 : 1))),
    postings: entry.postings.map((posting) => [
      posting.account.type,
      posting.account.ownerId,
      posting.account.currency,
      posting.amount.toString(),
    ]),
  });
}
