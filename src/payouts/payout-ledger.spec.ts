import {
  moneyOf,
  PayoutMoney,
  releaseEntry,
  reservationEntry,
  reversalEntry,
  settlementEntry,
} from './payout-ledger';

const item = (n: number, amount: bigint, currency = 'EUR'): PayoutMoney => ({
  itemId: `item-${n}`,
  runId: 'run-1',
  payeeId: `payee-${n}`,
  organizationId: `pub-${n}`,
  currency,
  amount,
});

const payee = (n: number, type: string, currency = 'EUR') => ({
  type,
  ownerId: `payee-${n}`,
  organizationId: `pub-${n}`,
  currency,
});
const clearing = (currency: string) => ({
  type: 'platform-stripe-clearing',
  ownerId: null,
  organizationId: null,
  currency,
});

describe('moneyOf', () => {
  it('reads a payout item row, its amount (a bigint column, a string) as a bigint', () => {
    expect(
      moneyOf({
        id: 'item-1',
        run_id: 'run-1',
        payee_id: 'payee-1',
        organization_id: 'pub-1',
        currency: 'EUR',
        amount: '9007199254740993',
      }),
    ).toEqual(item(1, 9_007_199_254_740_993n));
  });
});

describe('reservationEntry', () => {
  it('moves each item from payable to payout pending, keyed once per run', () => {
    expect(reservationEntry('run-1', [item(1, 500n), item(2, 70n)])).toEqual({
      idempotencyKey: 'payout-run:run-1:reserve',
      reason: 'payout run run-1 approved: amounts reserved',
      refs: { payoutRunId: 'run-1' },
      postings: [
        { account: payee(1, 'payee-payable'), amount: 500n },
        { account: payee(1, 'payout-pending'), amount: -500n },
        { account: payee(2, 'payee-payable'), amount: 70n },
        { account: payee(2, 'payout-pending'), amount: -70n },
      ],
    });
  });
});

describe('settlementEntry', () => {
  it('clears each item’s pending amount against Stripe clearing, one clearing line per currency', () => {
    expect(settlementEntry('set-1', [item(1, 500n), item(2, 70n, 'USD'), item(3, 30n)])).toEqual({
      idempotencyKey: 'payout-settlement:set-1',
      reason: '3 payout(s) paid by Stripe transfers',
      refs: { payoutSettlementId: 'set-1' },
      postings: [
        { account: payee(1, 'payout-pending'), amount: 500n },
        { account: payee(2, 'payout-pending', 'USD'), amount: 70n },
        { account: payee(3, 'payout-pending'), amount: 30n },
        { account: clearing('EUR'), amount: -530n },
        { account: clearing('USD'), amount: -70n },
      ],
    });
  });
});

describe('releaseEntry', () => {
  it('gives a reservation back to payable, keyed once per item', () => {
    expect(releaseEntry(item(4, 120n), 'cancelled')).toEqual({
      idempotencyKey: 'payout-item:item-4:release',
      reason: 'payout item-4 not paid (cancelled): reservation released',
      refs: { payoutRunId: 'run-1', payoutItemId: 'item-4' },
      postings: [
        { account: payee(4, 'payout-pending'), amount: 120n },
        { account: payee(4, 'payee-payable'), amount: -120n },
      ],
    });
  });
});

describe('reversalEntry', () => {
  it('makes the reversed part payable again from Stripe clearing, keyed by the reversal', () => {
    expect(reversalEntry(item(5, 900n, 'USD'), 'trr_1', 250n)).toEqual({
      idempotencyKey: 'stripe-transfer-reversal:trr_1',
      reason: 'Stripe transfer reversal trr_1 of payout item-5: payable again',
      refs: { payoutRunId: 'run-1', payoutItemId: 'item-5', stripeReversalId: 'trr_1' },
      postings: [
        { account: clearing('USD'), amount: 250n },
        { account: payee(5, 'payee-payable', 'USD'), amount: -250n },
      ],
    });
  });
});
