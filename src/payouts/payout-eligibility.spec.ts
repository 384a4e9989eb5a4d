import { PayoutCandidate, selectPayees } from './payout-eligibility';

const account = { id: 'acct_1', canReceive: true };
const candidate = (payeeId: string, over: Partial<PayoutCandidate>): PayoutCandidate => ({
  payeeId,
  organizationId: 'org',
  payable: 5000n,
  stripeAccount: account,
  onHold: false,
  ...over,
});

describe('selectPayees', () => {
  it('pays whole payable balances at or above the minimum and says why others are left out', () => {
    const result = selectPayees(
      [
        candidate('f', { stripeAccount: { id: 'acct_2', canReceive: false } }),
        candidate('a', { payable: 1000n }),
        candidate('b', { payable: 999n }),
        candidate('c', { onHold: true }),
        candidate('d', { stripeAccount: null }),
        candidate('e', { payable: 0n }),
        candidate('g', { payable: 999n, onHold: true }),
      ],
      1000n,
    );
    expect(result.items).toEqual([
      { payeeId: 'a', organizationId: 'org', amount: 1000n, stripeAccountId: 'acct_1' },
    ]);
    expect(result.excluded.map((e) => [e.payeeId, e.amount, e.reason])).toEqual([
      ['b', 999n, 'below-minimum'],
      ['c', 5000n, 'on-hold'],
      ['d', 5000n, 'not-onboarded'],
      ['e', 0n, 'nothing-payable'],
      ['f', 5000n, 'payouts-not-enabled'],
      ['g', 999n, 'below-minimum'],
    ]);
  });
});
