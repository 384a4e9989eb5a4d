/**
 * Whether a payee can receive payouts, in words, from the API's Stripe state (never decided here:
 * `payoutsEnabled` is the API's — Stripe pays out to the account and its transfers capability is
 * active).
 */
export type PayoutState = 'not-onboarded' | 'onboarding-incomplete' | 'payouts-enabled';

export function payoutState(payee: {
  stripeAccountId: string | null;
  payoutsEnabled: boolean;
}): PayoutState {
  if (!payee.stripeAccountId) return 'not-onboarded';
  return payee.payoutsEnabled ? 'payouts-enabled' : 'onboarding-incomplete';
}

export const PAYOUT_STATE_WORDS: Record<PayoutState, string> = {
  'not-onboarded': 'Not onboarded to Stripe',
  'onboarding-incomplete': 'Onboarding incomplete',
  'payouts-enabled': 'Can receive payouts',
};
