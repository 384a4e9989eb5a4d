import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';
import { EntityManager } from 'typeorm';

/** Work a handler leaves for after the delivery's transaction has committed. */
export type AfterCommit = () => Promise<void>;

/** A module's part of Stripe's events: the types it acts on and what it does with one. */
export interface StripeEventHandler {
  readonly eventTypes: readonly string[];
  /**
   * Acts on the event. Given a `manager` (`inTransaction` said yes), it only writes through it,
   * in the transaction that also stores the event as processed — one commit per delivery — and
   * returns what is to run once that has committed (queueing the work it wrote down).
   */
  handle(event: Stripe.Event, manager?: EntityManager): Promise<AfterCommit | void>;
  /** Whether the event is handled with database writes alone (then `handle` gets a manager). */
  inTransaction?(event: Stripe.Event): boolean;
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

  /** The handler of the event's type, if a module registered one. */
  handlerOf(event: Stripe.Event): StripeEventHandler | undefined {
    const handler = this.handlers.get(event.type);
    if (!handler) {
      this.logger.debug({ eventId: event.id, type: event.type }, 'Stripe event not handled');
    }
    return handler;
  }
}
