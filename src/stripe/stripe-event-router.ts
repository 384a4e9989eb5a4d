import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';

/** A data-modifying statement (INSERT, UPDATE or DELETE) and its parameters ($1…). */
export interface StripeEventWrite {
  sql: string;
  params: unknown[];
}

/**
 * What a handler leaves to be done with the event's storing: `write` runs in the very statement
 * that stores the event as processed (a data-modifying WITH): one round trip and one commit per
 * delivery, and what the event changes is durable exactly when the event counts as processed.
 * `afterCommit` runs once that has committed (queueing the work the write calls for; its failure
 * is the handler's to tolerate: the event is stored).
 */
export interface StripeEventOutcome {
  write: StripeEventWrite;
  afterCommit?(): Promise<void>;
}

/** A module's part of Stripe's events: the types it acts on and what it does with one. */
export interface StripeEventHandler {
  readonly eventTypes: readonly string[];
  /** Anything that must not wait for the event's transaction (a Stripe read) happens here. */
  handle(event: Stripe.Event): Promise<StripeEventOutcome | void>;
}

/**
 * Which module acts on which Stripe event: payouts on accounts and transfers, collection on
 * customers, invoices, charges and credit notes. Each module registers its handler as it starts,
 * so the one webhook route depends on no feature module; an event type no one registered is
 * stored and left alone (Stripe sends many kinds).
 */
@Injectable()
export class StripeEventRouter {
  private readonly logger = new Logger(StripeEventRouter.name);
  private readonly handlers = new Map<string, StripeEventHandler>();

  register(handler: StripeEventHandler): void {
    for (const type of handler.eventTypes) {
      const taken = this.handlers.get(type);
      if (taken && taken !== handler)
        throw new Error(
          `Stripe event ${type} has two handlers: ${taken.constructor.name} and ${handler.constructor.name}`,
        );
      this.handlers.set(type, handler);
    }
  }

  async route(event: Stripe.Event): Promise<StripeEventOutcome | void> {
    const handler = this.handlers.get(event.type);
    if (handler) return handler.handle(event);
    this.logger.debug({ eventId: event.id, type: event.type }, 'Stripe event not handled');
  }
}
