import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BadRequest, DomainError } from '../common/errors/domain-error';
import { isUuid } from '../common/ids';
import { StripeWebhookResponse } from './dto/stripe-webhook.dto';
import { PayoutReversals } from './payout-reversals';
import { PayoutSender } from './payout-sender';
import { PayoutItemRow } from './payout-run-response';
import { StripeAccountsService } from './stripe-accounts.service';
import { StripeClient } from './stripe/stripe-client';
import {
  PENDING_ITEM,
  PENDING_ITEM_ID,
  STORE_PROCESSED_EVENT,
  STORED_EVENT,
} from './stripe-webhooks.queries';

const TOLERANCE_SECONDS = 300;

/**
 * Stripe's events: the signature is checked on the raw body before anything is stored (a bad
 * one is a 400 and leaves no trace); each event id is stored under a unique key once processed
 * (a duplicate answers 200 and does nothing). Handlers never trust the event's copy of an
 * object or the order events arrive in: they read the object from Stripe and apply its current
 * state, keyed by Stripe's own ids, so replays and reorderings change nothing.
 */
@Injectable()
export class StripeWebhooksService {
  private readonly logger = new Logger(StripeWebhooksService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly accounts: StripeAccountsService,
    private readonly sender: PayoutSender,
    private readonly reversals: PayoutReversals,
  ) {}

  async receive(body: unknown, signature: string | undefined): Promise<StripeWebhookResponse> {
    const secret = this.stripe.webhookSecret;
    let event: Stripe.Event;
    try {
      if (typeof body !== 'string' || !signature) throw new Error('no signed body');
      event = this.stripe.sdk.webhooks.constructEvent(body, signature, secret, TOLERANCE_SECONDS);
    } catch {
      throw new BadRequest(
        'invalid-stripe-signature',
        'The Stripe-Signature header does not match the body, or is older than 300 seconds',
      );
    }
    const [stored] = await this.dataSource.query<{ processed_at: Date | null }[]>(STORED_EVENT, [
      event.id,
    ]);
    if (stored?.processed_at) return { received: true, eventId: event.id, duplicate: true };
    try {
      await this.handle(event);
    } catch (error) {
      // Stripe retries any answer but 2xx: a 503 says "later" without claiming a bug here.
      if (error instanceof Stripe.errors.StripeError) {
        throw new DomainError(
          'stripe-unavailable',
          503,
          `Stripe could not be read to process ${event.id}; deliver it again later`,
        );
      }
      throw error;
    }
    // Stored once processed (one commit per event); a delivery that failed is not stored and
    // Stripe sends it again. Two deliveries at once may both apply it: every effect is keyed by
    // Stripe's own ids (reversal id, item state), so the second changes nothing.
    const object = event.data.object as { id?: string };
    await this.dataSource.query(STORE_PROCESSED_EVENT, [
      event.id,
      event.type,
      object.id ?? null,
      event.created,
      body,
    ]);
    return { received: true, eventId: event.id, duplicate: false };
  }

  private async handle(event: Stripe.Event): Promise<void> {
    // Only the events payouts act on; Stripe sends many more kinds, recorded and left alone.
    if (event.type === 'account.updated') return this.accounts.sync(event.data.object.id);
    if (event.type === 'transfer.created' || event.type === 'transfer.updated')
      return this.transferMade(event.data.object);
    if (event.type === 'transfer.reversed') return this.reversals.sync(event.data.object.id);
    this.logger.debug({ eventId: event.id, type: event.type }, 'Stripe event not handled');
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
