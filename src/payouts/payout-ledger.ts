import { AccountKey } from '../ledger/ledger-accounts';
import { JournalEntry } from '../ledger/journal-entry';
import { PayoutItemRow } from './payouts.tables';

/** The money of one payout item, as the ledger needs it. */
export interface PayoutMoney {
  itemId: string;
  runId: string;
  payeeId: string;
  /** The payee's publisher (who may read the payee's accounts). */
  organizationId: string;
  currency: string;
  amount: bigint;
}

/** A payout item's money, from its row. */
export function moneyOf(
  item: Pick<
    PayoutItemRow,
    'id' | 'run_id' | 'payee_id' | 'organization_id' | 'currency' | 'amount'
  >,
): PayoutMoney {
  return {
    itemId: item.id,
    runId: item.run_id,
    payeeId: item.payee_id,
    organizationId: item.organization_id,
    currency: item.currency,
    amount: BigInt(item.amount),
  };
}

const payee = (m: PayoutMoney, type: 'payee-payable' | 'payout-pending'): AccountKey => ({
  type,
  ownerId: m.payeeId,
  organizationId: m.organizationId,
  currency: m.currency,
});

const clearing = (currency: string): AccountKey => ({
  type: 'platform-stripe-clearing',
  ownerId: null,
  organizationId: null,
  currency,
});

/** Approval: every item's amount moves from payable to payout pending, in one transaction. */
export function reservationEntry(runId: string, items: PayoutMoney[]): JournalEntry {
  return {
    idempotencyKey: `payout-run:${runId}:reserve`,
    reason: `payout run ${runId} approved: amounts reserved`,
    refs: { payoutRunId: runId },
    postings: items.flatMap((m) => [
      { account: payee(m, 'payee-payable'), amount: m.amount },
      { account: payee(m, 'payout-pending'), amount: -m.amount },
    ]),
  };
}

/**
 * Stripe made the transfers: the money leaves the platform's Stripe balance. Many items in one
 * journal transaction (the ledger is one writer at a time: one posting round per batch, not per
 * transfer); each item's pending amount is cleared, the clearing credited per currency.
 */
export function settlementEntry(settlementId: string, items: PayoutMoney[]): JournalEntry {
  const byCurrency = new Map<string, bigint>();
  for (const m of items) byCurrency.set(m.currency, (byCurrency.get(m.currency) ?? 0n) + m.amount);
  return {
    idempotencyKey: `payout-settlement:${settlementId}`,
    reason: `${items.length} payout(s) paid by Stripe transfers`,
    refs: { payoutSettlementId: settlementId },
    postings: [
      ...items.map((m) => ({ account: payee(m, 'payout-pending'), amount: m.amount })),
      ...[...byCurrency].map(([currency, amount]) => ({
        account: clearing(currency),
        amount: -amount,
      })),
    ],
  };
}

/** The item will not be paid (refused, on hold, cancelled): the reservation goes back to payable. */
export function releaseEntry(m: PayoutMoney, why: string): JournalEntry {
  return {
    idempotencyKey: `payout-item:${m.itemId}:release`,
    reason: `payout ${m.itemId} not paid (${why}): reservation released`,
    refs: { payoutRunId: m.runId, payoutItemId: m.itemId },
    postings: [
      { account: payee(m, 'payout-pending'), amount: m.amount },
      { account: payee(m, 'payee-payable'), amount: -m.amount },
    ],
  };
}

/** A transfer (partly) reversed: the money is back on the platform's balance and payable again. */
export function reversalEntry(m: PayoutMoney, reversalId: string, amount: bigint): JournalEntry {
  return {
    idempotencyKey: `stripe-transfer-reversal:${reversalId}`,
    reason: `Stripe transfer reversal ${reversalId} of payout ${m.itemId}: payable again`,
    refs: { payoutRunId: m.runId, payoutItemId: m.itemId, stripeReversalId: reversalId },
    postings: [
      { account: clearing(m.currency), amount },
      { account: payee(m, 'payee-payable'), amount: -amount },
    ],
  };
}
