import { AccountKey } from './ledger-accounts';
import { entryFingerprint, JournalEntry, journalEntryProblem, Posting } from './journal-entry';

const account = (
  type: AccountKey['type'],
  currency = 'EUR',
  ownerId: string | null = null,
): AccountKey => ({ type, ownerId, organizationId: ownerId, currency });

const posting = (amount: bigint, currency = 'EUR', type: AccountKey['type'] = 'payee-payable') => ({
  account: account(type, currency),
  amount,
});

const entry = (postings: Posting[], refs: Record<string, string> = {}): JournalEntry => ({
  idempotencyKey: 'k',
  reason: 'test',
  refs,
  postings,
});

describe('journalEntryProblem: a balanced entry', () => {
  it('posts two or more postings that sum to zero in each currency', () => {
    expect(journalEntryProblem(entry([posting(500n), posting(-500n)]))).toBeNull();
    expect(
      journalEntryProblem(
        entry([
          posting(300n),
          posting(200n),
          posting(-500n),
          posting(7n, 'JPY'),
          posting(-7n, 'JPY'),
        ]),
      ),
    ).toBeNull();
  });
});

describe('journalEntryProblem: too few postings', () => {
  it('refuses none and one, a single posting of any amount', () => {
    expect(journalEntryProblem(entry([]))).toBe('a transaction has at least two postings');
    expect(journalEntryProblem(entry([posting(0n)]))).toBe(
      'a transaction has at least two postings',
    );
  });
});

describe('journalEntryProblem: a posting of zero', () => {
  it('is refused even when the rest balance', () => {
    expect(journalEntryProblem(entry([posting(5n), posting(0n), posting(-5n)]))).toBe(
      'a posting of zero moves nothing',
    );
  });
});

describe('journalEntryProblem: postings that do not balance', () => {
  it('names the currency and by how much, for one currency', () => {
    // 300 + 200 − 400 = 100 over.
    expect(journalEntryProblem(entry([posting(300n), posting(200n), posting(-400n)]))).toBe(
      'the postings do not balance in EUR (off by 100)',
    );
    expect(journalEntryProblem(entry([posting(-300n), posting(100n)]))).toBe(
      'the postings do not balance in EUR (off by -200)',
    );
  });

  it('balances each currency on its own: EUR +5 against USD −5 is two problems, the first named', () => {
    expect(journalEntryProblem(entry([posting(5n, 'EUR'), posting(-5n, 'USD')]))).toBe(
      'the postings do not balance in EUR (off by 5)',
    );
    expect(
      journalEntryProblem(
        entry([posting(5n, 'EUR'), posting(-5n, 'EUR'), posting(9n, 'USD'), posting(-8n, 'USD')]),
      ),
    ).toBe('the postings do not balance in USD (off by 1)');
  });
});

describe('entryFingerprint', () => {
  const base = entry(
    [
      { account: account('payee-payable', 'EUR', 'payee-1'), amount: 1250n },
      { account: account('platform-commission'), amount: -1250n },
    ],
    { runId: 'r', invoiceId: 'i' },
  );

  it('is the reason, the refs sorted by name and each posting as type, owner, currency, amount', () => {
    expect(entryFingerprint(base)).toBe(
      '{"reason":"test","refs":{"invoiceId":"i","runId":"r"},"postings":' +
        '[["payee-payable","payee-1","EUR","1250"],["platform-commission",null,"EUR","-1250"]]}',
    );
  });

  it('does not depend on the order refs were given in, nor on the idempotency key', () => {
    const reordered = { ...base, idempotencyKey: 'other', refs: { runId: 'r', invoiceId: 'i' } };
    const sorted = { ...base, refs: { invoiceId: 'i', runId: 'r' } };
    expect(entryFingerprint(reordered)).toBe(entryFingerprint(sorted));
  });

  it('differs when an amount, an account or the order of postings differs', () => {
    const fingerprints = [
      base,
      { ...base, postings: [base.postings[1], base.postings[0]] },
      { ...base, postings: [{ ...base.postings[0], amount: 1251n }, base.postings[1]] },
      {
        ...base,
        postings: [
          { ...base.postings[0], account: account('payee-payable', 'EUR', 'payee-2') },
          base.postings[1],
        ],
      },
    ].map(entryFingerprint);
    expect(new Set(fingerprints).size).toBe(4);
  });
});
