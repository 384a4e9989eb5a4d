import { LedgerTransfer, reconcile, StripeBalanceTransaction, StripeTransfer } from './reconcile';

const l = (
  transferId: string,
  amount: bigint,
  over: Partial<LedgerTransfer> = {},
): LedgerTransfer => ({
  itemId: `item-${transferId}`,
  transferId,
  amount,
  currency: 'EUR',
  destination: 'acct_1',
  ...over,
});
const s = (id: string, amount: number, over: Partial<StripeTransfer> = {}): StripeTransfer => ({
  id,
  amount,
  currency: 'eur',
  destination: 'acct_1',
  balanceTransaction: `txn_${id}`,
  payoutItemId: `item-${id}`,
  ...over,
});
const b = (source: string, amount: number, currency = 'eur'): StripeBalanceTransaction => ({
  id: `txn_${source}`,
  amount,
  currency,
  source,
});

describe('reconcile', () => {
  it('matches equal sides and reports nothing', () => {
    const result = reconcile([l('tr_a', 100n)], [s('tr_a', 100)], [b('tr_a', -100)]);
    expect(result).toEqual({
      summary: { ledgerTransfers: 1, stripeTransfers: 1, matched: 1, differences: 0 },
      differences: [],
    });
  });

  it('reports every difference: missing either side, amount, currency, destination, balance', () => {
    const result = reconcile(
      [
        l('tr_a', 100n),
        l('tr_b', 200n),
        l('tr_c', 300n),
        l('tr_d', 400n, { destination: 'acct_2' }),
        l('tr_gone', 500n),
      ],
      [
        s('tr_a', 100),
        s('tr_b', 201),
        s('tr_c', 300, { currency: 'usd' }),
        s('tr_d', 400),
        s('tr_x', 50, { payoutItemId: null }),
      ],
      [b('tr_a', -99), b('tr_b', -201), b('tr_c', -300, 'usd'), b('tr_d', -400)],
    );
    expect(result.summary).toEqual({
      ledgerTransfers: 5,
      stripeTransfers: 5,
      matched: 1,
      differences: 7,
    });
    expect(result.differences.map((d) => [d.transferId, d.kind])).toEqual([
      ['tr_a', 'balance-transaction-mismatch'],
      ['tr_b', 'amount-mismatch'],
      ['tr_c', 'currency-mismatch'],
      ['tr_d', 'destination-mismatch'],
      ['tr_gone', 'missing-in-stripe'],
      ['tr_x', 'missing-balance-transaction'],
      ['tr_x', 'unknown-to-ledger'],
    ]);
    expect(result.differences[1]).toEqual({
      kind: 'amount-mismatch',
      transferId: 'tr_b',
      itemId: 'item-tr_b',
      ledger: { amount: 200, currency: 'EUR' },
      stripe: { amount: 201, currency: 'EUR' },
    });
  });

  it('names the ledger’s item for a balance difference on a known transfer, Stripe’s for an unknown one', () => {
    const result = reconcile(
      [l('tr_a', 100n, { itemId: 'ledger-item-a' }), l('tr_b', 200n, { itemId: 'ledger-item-b' })],
      [
        s('tr_a', 100, { payoutItemId: 'stripe-item-a' }),
        s('tr_b', 200, { payoutItemId: null }),
        s('tr_x', 50, { payoutItemId: 'stripe-item-x' }),
      ],
      [b('tr_b', -200, 'usd')],
    );
    expect(result.differences.map((d) => [d.transferId, d.kind, d.itemId, d.stripe])).toEqual([
      ['tr_a', 'missing-balance-transaction', 'ledger-item-a', { amount: 100, currency: 'EUR' }],
      // The same amount in another currency is a mismatch too.
      ['tr_b', 'balance-transaction-mismatch', 'ledger-item-b', { amount: -200, currency: 'USD' }],
      ['tr_x', 'missing-balance-transaction', 'stripe-item-x', { amount: 50, currency: 'EUR' }],
      ['tr_x', 'unknown-to-ledger', 'stripe-item-x', { amount: 50, currency: 'EUR' }],
    ]);
    expect(result.summary).toEqual({
      ledgerTransfers: 2,
      stripeTransfers: 3,
      matched: 2,
      differences: 4,
    });
  });
});
