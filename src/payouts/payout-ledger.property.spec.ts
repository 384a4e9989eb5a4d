import fc from 'fast-check';
import { journalEntryProblem, JournalEntry } from '../ledger/journal-entry';
import {
  PayoutMoney,
  releaseEntry,
  reservationEntry,
  reversalEntry,
  settlementEntry,
} from './payout-ledger';

type Outcome = { kind: 'paid'; reversed: bigint[] } | { kind: 'failed' } | { kind: 'cancelled' };

function apply(balances: Map<string, bigint>, entry: JournalEntry): void {
  for (const p of entry.postings) {
    const key = `${p.account.type}:${p.account.ownerId ?? 'platform'}`;
    balances.set(key, (balances.get(key) ?? 0n) + p.amount);
  }
}

describe('payout ledger entries (property)', () => {
  it('balance, empty payout pending once every item is settled, and leave payable = earned − paid + reversed', () => {
    const item = fc.record({
      amount: fc.bigInt({ min: 1n, max: 10n ** 12n }),
      outcome: fc.oneof(
        fc.constant<Outcome>({ kind: 'failed' }),
        fc.constant<Outcome>({ kind: 'cancelled' }),
        fc
          .array(fc.integer({ min: 1, max: 100 }), { maxLength: 3 })
          .map((parts): Outcome => ({ kind: 'paid', reversed: parts.map(BigInt) })),
      ),
    });
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (items) => {
        const money: PayoutMoney[] = items.map((it, i) => ({
          itemId: `item-${i}`,
          runId: 'run',
          payeeId: `payee-${i}`,
          organizationId: 'org',
          currency: 'EUR',
          amount: it.amount,
        }));
        const balances = new Map<string, bigint>();
        const entries: JournalEntry[] = [reservationEntry('run', money)];
        const expectedPayable = new Map<string, bigint>();
        const paid: PayoutMoney[] = [];
        items.forEach((it, i) => {
          const m = money[i];
          if (it.outcome.kind !== 'paid') {
            entries.push(releaseEntry(m, it.outcome.kind));
            expectedPayable.set(m.payeeId, 0n);
            return;
          }
          paid.push(m);
          // Reversals are parts of the transfer, never more than it.
          let left = m.amount;
          let back = 0n;
          it.outcome.reversed.forEach((part, n) => {
            const amount = (m.amount * part) / 100n < left ? (m.amount * part) / 100n : left;
            if (amount <= 0n) return;
            left -= amount;
            back += amount;
            entries.push(reversalEntry(m, `trr_${i}_${n}`, amount));
          });
          // payable starts at −amount (credit) after reservation: earned − paid + reversed.
          expectedPayable.set(m.payeeId, m.amount - back);
        });
        // The settler posts every paid item of a round in one transaction.
        if (paid.length > 0) entries.push(settlementEntry('batch', paid));
        for (const entry of entries) {
          expect(journalEntryProblem(entry)).toBeNull();
          apply(balances, entry);
        }
        // Reservation debits payable by the amount; a release or a reversal credits it back.
        for (const m of money) {
          expect(balances.get(`payout-pending:${m.payeeId}`) ?? 0n).toBe(0n);
          expect(balances.get(`payee-payable:${m.payeeId}`) ?? 0n).toBe(
            expectedPayable.get(m.payeeId),
          );
        }
        const total = [...balances.values()].reduce((a, b) => a + b, 0n);
        expect(total).toBe(0n);
        expect(new Set(entries.map((e) => e.idempotencyKey)).size).toBe(entries.length);
      }),
    );
  });
});
