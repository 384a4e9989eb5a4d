/** The ledger's account types, and the side each normally carries its balance on. */
export const ACCOUNT_TYPES = [
  'licensee-receivable',
  'licensee-credit',
  'licence-advance',
  'payee-payable',
  'payee-awaiting-collection',
  'payee-advance',
  'payout-pending',
  'platform-commission',
  'platform-stripe-clearing',
] as const;
export type AccountType = (typeof ACCOUNT_TYPES)[number];

/**
 * Debit-normal: what others owe the platform or it holds (receivables, advances paid out, cash in
 * clearing). Credit-normal: what the platform owes (payees' earnings, advances received) or earned.
 */
export const NORMAL_SIDE: Record<AccountType, 'debit' | 'credit'> = {
  'licensee-receivable': 'debit',
  // What the platform owes a licensee as credit on its Stripe balance (a credit note not refunded).
  'licensee-credit': 'credit',
  'licence-advance': 'credit',
  'payee-payable': 'credit',
  'payee-awaiting-collection': 'credit',
  'payee-advance': 'debit',
  'payout-pending': 'credit',
  'platform-commission': 'credit',
  'platform-stripe-clearing': 'debit',
};

/** Who an account belongs to: a licensee, a payee (of a publisher), or the platform. */
export interface AccountKey {
  type: AccountType;
  /** The licensee's organization id or the payee id; null for the platform's accounts. */
  ownerId: string | null;
  /** The organization that may read it: the licensee, or the payee's publisher. */
  organizationId: string | null;
  currency: string;
}

/** A balance as people read it: positive on the account's normal side. */
export function displayBalance(type: AccountType, signed: bigint): bigint {
  return NORMAL_SIDE[type] === 'debit' ? signed : -signed;
}
