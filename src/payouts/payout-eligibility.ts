/** Why a payee with money is left out of a payout run. */
export type ExclusionReason =
  'below-minimum' | 'not-onboarded' | 'payouts-not-enabled' | 'on-hold' | 'nothing-payable';

export interface PayoutCandidate {
  payeeId: string;
  organizationId: string;
  /** Payable balance in the run's currency, minor units. */
  payable: bigint;
  stripeAccount: { id: string; canReceive: boolean } | null;
  onHold: boolean;
}

export interface Selection {
  items: { payeeId: string; organizationId: string; amount: bigint; stripeAccountId: string }[];
  excluded: { payeeId: string; organizationId: string; amount: bigint; reason: ExclusionReason }[];
}

/**
 * Who a payout run pays: every candidate with at least the minimum payable, an account that can
 * receive and no hold, paid its whole payable balance. Everyone else is listed with the first
 * reason that keeps them out (nothing payable, below the minimum, on hold, not onboarded, not
 * enabled), so a draft says why.
 */
export function selectPayees(candidates: PayoutCandidate[], minimum: bigint): Selection {
  const selection: Selection = { items: [], excluded: [] };
  for (const c of [...candidates].sort((a, b) => (a.payeeId < b.payeeId ? -1 : 1))) {
    const reason: ExclusionReason | null =
      c.payable <= 0n
        ? 'nothing-payable'
        : c.payable < minimum
          ? 'below-minimum'
          : c.onHold
            ? 'on-hold'
            : !c.stripeAccount
              ? 'not-onboarded'
              : !c.stripeAccount.canReceive
                ? 'payouts-not-enabled'
                : null;
    const amount = c.payable > 0n ? c.payable : 0n;
    if (reason) {
      selection.excluded.push({
        payeeId: c.payeeId,
        organizationId: c.organizationId,
        amount,
        reason,
      });
    } else {
      selection.items.push({
        payeeId: c.payeeId,
        organizationId: c.organizationId,
        amount,
        stripeAccountId: c.stripeAccount!.id,
      });
    }
  }
  return selection;
}
