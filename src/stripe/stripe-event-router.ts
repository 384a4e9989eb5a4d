import { Injectable, Logger } from '@nestjs/common';
import Stripe from 'stripe';

/** A module's part of Stripe's events: the types it acts on and what it does with one. */
export interface StripeEventHandler {
  readonly eventTypes: readonly string[];
  handle(event: Stripe.Event): Promise<void>;
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

  async route(event: Stripe.Event): Promise<void> {
    const handler = this.handlers.get(event.type);
    if (handler) return handler.handle(event);
    this.logger.debug({ eventId: event.id, type: event.type }, 'Stripe event not handled');
  }
}
