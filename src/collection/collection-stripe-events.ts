import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import Stripe from 'stripe';
import { Coalesced } from '../common/concurrency/coalesced';
import {
  StripeEventHandler,
  StripeEventOutcome,
  StripeEventRouter,
  StripeEventWrite,
} from '../stripe/stripe-event-router';
import { markOpenInvoicesOfCustomer, markSync } from './syncing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { drainSyncsJob, SYNC_CHARGE_JOB } from './collection.queue';

/**
 * The Stripe events collection acts on: the ones to enable on the webhook endpoint (with payouts').
 * Not invoice.finalized nor invoice.sent: they only answer the issuer's own finalize, whose
 * answer it applies itself (and reads again if it died first): reading again would only spend
 * the calls issuing needs. Not invoice.payment_succeeded: Stripe sends it with invoice.paid for
 * the same payment (a partial payment sends invoice.updated), so it would only cost a delivery
 * and a second read per payment.
 */
export const COLLECTION_EVENT_TYPES = [
  'invoice.updated',
  'invoice.paid',
  'invoice.payment_failed',
  'invoice.overdue',
  'invoice.voided',
  'invoice.marked_uncollectible',
  'charge.refunded',
  'customer_cash_balance_transaction.created',
  'cash_balance.funds_available',
] as const;

/**
 * The Stripe events collection acts on. None is trusted for its copy of the object or its order:
 * each names a Stripe invoice (or a charge, or a customer whose open invoices a bank transfer may
 * have paid) to read again. The mark commits with the event's storing, before the event is
 * acknowledged, so Redis losing the job loses nothing (the recovery sweep finds old marks); many
 * events about one invoice become one read.
 */
@Injectable()
export class CollectionStripeEvents implements StripeEventHandler, OnModuleInit {
  private readonly logger = new Logger(CollectionStripeEvents.name);
  readonly eventTypes = COLLECTION_EVENT_TYPES;
  /**
   * The drain job queued after marks are stored. One job id serves every mark, so deliveries
   * arriving while the job is being queued share the next queueing: a stream of events costs
   * Redis one call at a time, not one per event, and each delivery is still answered only after
   * a queueing that began after its mark was committed.
   */
  private readonly drainQueued = new Coalesced(() => this.dispatcher.enqueue([drainSyncsJob()]));

  constructor(
    private readonly router: StripeEventRouter,
    private readonly dispatcher: CollectionDispatcher,
  ) {}

  onModuleInit(): void {
    this.router.register(this);
  }

  async handle(event: Stripe.Event): Promise<StripeEventOutcome | void> {
    if (event.type === 'charge.refunded') {
      // Not marked in the database: queued before the event is stored, or Stripe delivers it
      // again (any answer but 2xx).
      await this.dispatcher.enqueue([
        { name: SYNC_CHARGE_JOB, data: { chargeId: event.data.object.id, eventId: event.id } },
      ]);
      return;
    }
    let mark: StripeEventWrite;
    if (event.type.startsWith('invoice.')) {
      const invoice = event.data.object as Stripe.Invoice;
      // Only the platform's own invoices (its metadata); others in the account are left alone.
      // A draft holds no money (its lines being added): nothing to read until it is finalized.
      if (!invoice.metadata?.rlInvoiceId || invoice.status === 'draft') return;
      mark = markSync(invoice.id);
    } else {
      const object = event.data.object as { customer?: string | { id: string } | null };
      const customer = typeof object.customer === 'string' ? object.customer : object.customer?.id;
      if (!customer) return;
      mark = markOpenInvoicesOfCustomer(customer);
    }
    // The mark is written by the statement that stores the event, then the drain is asked for.
    return {
      write: mark,
      afterCommit: async () => {
        try {
          await this.drainQueued.request();
        } catch (error) {
          // The marks are stored: the recovery sweep queues them.
          this.logger.warn(
            { err: error, eventId: event.id },
            'collection drain not queued; recovery will',
          );
        }
      },
    };
  }
}
