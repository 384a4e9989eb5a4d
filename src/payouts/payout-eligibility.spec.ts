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

  it('pays everyone eligible in payee order, whatever order they came in', () => {
    const result = selectPayees(
      [
        candidate('c', { organizationId: 'org-c', payable: 300n }),
        candidate('a', { organizationId: 'org-a', payable: 100n }),
        candidate('b', { organizationId: 'org-b', payable: 200n }),
      ],
      100n,
    );
    expect(result).toEqual({
      items: [
        { payeeId: 'a', organizationId: 'org-a', amount: 100n, stripeAccountId: 'acct_1' },
        { payeeId: 'b', organizationId: 'org-b', amount: 200n, stripeAccountId: 'acct_1' },
        { payeeId: 'c', organizationId: 'org-c', amount: 300n, stripeAccountId: 'acct_1' },
      ],
      excluded: [],
    });
  });

  it('lists a payee owing money (a negative payable) as having nothing payable, amount 0', () => {
    expect(selectPayees([candidate('a', { organizationId: 'org-a', payable: -250n })], 0n)).toEqual(
      {
        items: [],
        excluded: [
          { payeeId: 'a', organizationId: 'org-a', amount: 0n, reason: 'nothing-payable' },
        ],
      },
    );
  });

  it('names a hold before a missing account, and a missing account before one not enabled', () => {
    const result = selectPayees(
      [
        candidate('a', { onHold: true, stripeAccount: null }),
        candidate('b', { onHold: true, stripeAccount: { id: 'acct_2', canReceive: false } }),
      ],
      1n,
    );
    expect(result.excluded.map((e) => e.reason)).toEqual(['on-hold', 'on-hold']);
  });
});
