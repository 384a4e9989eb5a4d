import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { isUuid } from '../common/ids';
import { StripeClient } from '../stripe/stripe-client';
import { StripeEventHandler, StripeEventRouter } from '../stripe/stripe-event-router';
import { PENDING_ITEM, PENDING_ITEM_ID } from './payout-items.queries';
import { PayoutReversals } from './payout-reversals';
import { PayoutItemRow } from './payout-run-response';
import { PayoutSender } from './payout-sender';
import { StripeAccountsService } from './stripe-accounts.service';

/**
 * The Stripe events payouts act on: connected accounts' onboarding, transfers made, transfers
 * reversed. Handlers never trust the event's copy of an object or the order events arrive in:
 * they read the object from Stripe and apply its current state, keyed by Stripe's own ids.
 */
/** The Stripe events payouts act on: the ones to enable on the webhook endpoint (with collection's). */
export const PAYOUT_EVENT_TYPES = [
  'account.updated',
  'transfer.created',
  'transfer.updated',
  'transfer.reversed',
] as const;

@Injectable()
export class PayoutStripeEvents implements StripeEventHandler, OnModuleInit {
  readonly eventTypes = PAYOUT_EVENT_TYPES;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly router: StripeEventRouter,
    private readonly accounts: StripeAccountsService,
    private readonly sender: PayoutSender,
    private readonly reversals: PayoutReversals,
  ) {}

  onModuleInit(): void {
    this.router.register(this);
  }

  async handle(event: Stripe.Event): Promise<void> {
    if (event.type === 'account.updated') return this.accounts.sync(event.data.object.id);
    if (event.type === 'transfer.created' || event.type === 'transfer.updated')
      return this.transferMade(event.data.object);
    if (event.type === 'transfer.reversed') return this.reversals.sync(event.data.object.id);
  }

  /**
   * A transfer Stripe made: if its item is still pending (outcome unknown), it is paid now. The
   * event's copy only says which item to look at (most are already recorded by the worker, and
   * re-reading those would spend the rate limit the payouts need); what is recorded is read
   * from Stripe.
   */
  private async transferMade(hint: Stripe.Transfer): Promise<void> {
    const hintedItem = hint.metadata?.payoutItemId;
    if (!hintedItem || !isUuid(hintedItem)) return;
    const [pending] = await this.dataSource.query<{ id: string }[]>(PENDING_ITEM_ID, [hintedItem]);
    if (!pending) return;
    const transfer = await this.stripe.sdk.transfers.retrieve(hint.id);
    const [item] = await this.dataSource.query<PayoutItemRow[]>(PENDING_ITEM, [
      transfer.metadata?.payoutItemId ?? '',
    ]);
    if (item && transfer.transfer_group === item.idempotency_key) {
      await this.sender.recordPaid(item, transfer);
    }
  }
}
