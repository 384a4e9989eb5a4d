import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BadRequest } from '../common/errors/domain-error';
import { StripeWebhookResponse } from './dto/stripe-webhook.dto';
import { PayoutReversals } from './payout-reversals';
import { PayoutSender } from './payout-sender';
import { PayoutItemRow } from './payout-run-response';
import { StripeAccountsService } from './stripe-accounts.service';
import { StripeClient } from './stripe/stripe-client';

const TOLERANCE_SECONDS = 300;

/**
 * Stripe's events: the signature is checked on the raw body before anything is stored (a bad
 * one is a 400 and leaves no trace); each event id is stored under a unique key and processed
 * once (a duplicate answers 200 and does nothing). Handlers never trust the event's copy of an
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
    const object = event.data.object as { id?: string };
    const inserted = await this.dataSource.query<{ id: string }[]>(
      `INSERT INTO stripe_webhook_events (id, type, object_id, created_at_stripe, payload)
       VALUES ($1, $2, $3, to_timestamp($4), $5) ON CONFLICT (id) DO NOTHING RETURNING id`,
      [event.id, event.type, object.id ?? null, event.created, body],
    );
    if (inserted.length === 0) {
      const [stored] = await this.dataSource.query<{ processed_at: Date | null }[]>(
        `SELECT processed_at FROM stripe_webhook_events WHERE id = $1`,
        [event.id],
      );
      if (stored?.processed_at) return { received: true, eventId: event.id, duplicate: true };
    }
    await this.handle(event);
    await this.dataSource.query(
      `UPDATE stripe_webhook_events SET processed_at = now() WHERE id = $1 AND processed_at IS NULL`,
      [event.id],
    );
    return { received: true, eventId: event.id, duplicate: false };
  }

  private async handle(event: Stripe.Event): Promise<void> {
    // Only the events payouts act on; Stripe sends many more kinds, recorded and left alone.
    if (event.type === 'account.updated') return this.accounts.sync(event.data.object.id);
    if (event.type === 'transfer.created' || event.type === 'transfer.updated')
      return this.transferMade(event.data.object.id);
    if (event.type === 'transfer.reversed') return this.reversals.sync(event.data.object.id);
    this.logger.debug({ eventId: event.id, type: event.type }, 'Stripe event not handled');
  }

  /** A transfer Stripe made: if its item is still pending (outcome unknown), it is paid now. */
  private async transferMade(transferId: string): Promise<void> {
    const transfer = await this.stripe.sdk.transfers.retrieve(transferId);
    const itemId = transfer.metadata?.payoutItemId;
    if (!itemId) return;
    const [item] = await this.dataSource.query<PayoutItemRow[]>(
      `SELECT * FROM payout_items WHERE id = $1 AND status = 'pending'`,
      [itemId],
    );
    if (item && transfer.transfer_group === item.idempotency_key) {
      await this.sender.recordPaid(item, transfer);
    }
  }
}
