import { payoutState } from './payout-state';

describe('payoutState', () => {
  it('names the three states from the API’s Stripe fields', () => {
    expect(payoutState({ stripeAccountId: null, payoutsEnabled: false })).toBe('not-onboarded');
    expect(payoutState({ stripeAccountId: 'acct_1', payoutsEnabled: false })).toBe(
      'onboarding-incomplete',
    );
    expect(payoutState({ stripeAccountId: 'acct_1', payoutsEnabled: true })).toBe(
      'payouts-enabled',
    );
  });
});
