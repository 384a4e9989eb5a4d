import { EntityManager } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import { PayoutCandidate } from './payout-eligibility';
import { HELD_PAYEES_OF, STRIPE_ACCOUNTS_OF } from './payout-runs.queries';
import { PayeeStripeAccountRow } from './payouts.tables';

/** An account receives payouts when Stripe says both its transfers and its payouts are on. */
const payable = (account: { payouts_enabled: boolean; transfers_capability: string }) =>
  account.payouts_enabled && account.transfers_capability === 'active';

/**
 * A draft run's candidates: every payee with a payable balance in the currency (only those of
 * the filter when the run names payees, and each payee it names, `known`, even with nothing
 * payable), with its Stripe account and whether it is on hold. `selectPayees` then decides who
 * is paid and why the others are not.
 */
export async function loadCandidates(
  manager: EntityManager,
  ledger: LedgerService,
  currency: string,
  filter: string[] | null,
  known: { id: string; organizationId: string }[],
): Promise<PayoutCandidate[]> {
  const balances = await ledger.balancesOf(manager, 'payee-payable', currency, filter ?? undefined);
  const byPayee = new Map<string, PayoutCandidate>();
  for (const b of balances) {
    byPayee.set(b.ownerId, {
      payeeId: b.ownerId,
      organizationId: b.organizationId!,
      payable: b.balance,
      stripeAccount: null,
      onHold: false,
    });
  }
  for (const p of known) {
    if (!byPayee.has(p.id))
      byPayee.set(p.id, {
        payeeId: p.id,
        organizationId: p.organizationId,
        payable: 0n,
        stripeAccount: null,
        onHold: false,
      });
  }
  const ids = [...byPayee.keys()];
  const accounts = await manager.query<
    Pick<
      PayeeStripeAccountRow,
      'payee_id' | 'stripe_account_id' | 'payouts_enabled' | 'transfers_capability'
    >[]
  >(STRIPE_ACCOUNTS_OF, [ids]);
  for (const a of accounts) {
    byPayee.get(a.payee_id)!.stripeAccount = { id: a.stripe_account_id, canReceive: payable(a) };
  }
  const holds = await manager.query<{ payee_id: string }[]>(HELD_PAYEES_OF, [ids]);
  for (const h of holds) byPayee.get(h.payee_id)!.onHold = true;
  return [...byPayee.values()];
}
