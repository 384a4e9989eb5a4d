import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { BadRequest, DomainError } from '../common/errors/domain-error';
import { StripeWebhookResponse } from './dto/stripe-webhook.dto';
import { StripeClient } from './stripe-client';
import { StripeEventOutcome, StripeEventRouter } from './stripe-event-router';
import { STORE_PROCESSED_EVENT, STORED_EVENT, withStoredEvent } from './stripe-webhooks.queries';

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
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly router: StripeEventRouter,
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
    let outcome: StripeEventOutcome | void;
    try {
      outcome = await this.router.route(event);
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
    // Stored once processed, with what the handler writes in the same statement; a delivery that
    // failed is not stored and Stripe sends it again. Two deliveries at once may both apply it:
    // every effect is keyed by Stripe's own ids (reversal id, item state, a mark per invoice), so
    // the second changes nothing.
    const object = event.data.object as { id?: string };
    const store = [event.id, event.type, object.id ?? null, event.created, body];
    if (outcome) {
      await this.dataSource.query(withStoredEvent(outcome.write), [
        ...outcome.write.params,
        ...store,
      ]);
      await outcome.afterCommit?.();
    } else {
      await this.dataSource.query(STORE_PROCESSED_EVENT, store);
    }
    return { received: true, eventId: event.id, duplicate: false };
  }
}
