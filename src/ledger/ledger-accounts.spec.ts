import { ACCOUNT_TYPES, displayBalance, NORMAL_SIDE } from './ledger-accounts';

describe('ledger accounts: normal sides', () => {
  it('are debit for what others owe the platform or it holds, credit for what it owes or earned', () => {
    // docs/LEDGER.md: receivables, advances paid to payees and cash in Stripe clearing are assets.
    expect(ACCOUNT_TYPES.filter((type) => NORMAL_SIDE[type] === 'debit')).toEqual([
      'licensee-receivable',
      'payee-advance',
      'platform-stripe-clearing',
    ]);
    expect(ACCOUNT_TYPES.filter((type) => NORMAL_SIDE[type] === 'credit')).toEqual([
      'licensee-credit',
      'licence-advance',
      'payee-payable',
      'payee-awaiting-collection',
      'payout-pending',
      'platform-commission',
    ]);
  });

  it('name every account type, and only those', () => {
    expect(Object.keys(NORMAL_SIDE).sort()).toEqual([...ACCOUNT_TYPES].sort());
    expect(new Set(ACCOUNT_TYPES).size).toBe(9);
  });
});

describe('displayBalance', () => {
  it('shows a debit balance as positive on a debit-normal account', () => {
    expect(displayBalance('licensee-receivable', 1200n)).toBe(1200n);
    expect(displayBalance('platform-stripe-clearing', -300n)).toBe(-300n);
  });

  it('shows a credit balance (negative, signed) as positive on a credit-normal account', () => {
    expect(displayBalance('payee-payable', -1200n)).toBe(1200n);
    expect(displayBalance('platform-commission', 45n)).toBe(-45n);
  });
});
