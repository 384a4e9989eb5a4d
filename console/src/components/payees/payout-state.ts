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

/** What each state means, beside its badge (which names the state itself). */
export const PAYOUT_STATE_WORDS: Record<PayoutState, string> = {
  'not-onboarded': 'Cannot be paid until onboarded to Stripe',
  'onboarding-incomplete': 'Stripe onboarding not finished',
  'payouts-enabled': 'Can receive payouts',
};
