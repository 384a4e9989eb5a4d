import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../common/ids';
import { LedgerService } from '../ledger/ledger.service';
import { InvoicePaymentService } from '../royalties/invoice-payment.service';
import { StripeClient } from '../stripe/stripe-client';
import {
  addOverpaid,
  claimSync,
  collectionOf,
  collectionOfStripeInvoice,
  CollectionInvoiceRow,
  claimOverpaid,
  unclaimOverpaid,
  recordState,
  recordStripeInvoice,
  markSync,
  StripeInvoiceState,
} from './collection.queries';
import { CollectionGate } from './collection-gate';

const STATUSES: Record<string, StripeInvoiceState['status'] | undefined> = {
  open: 'open',
  paid: 'paid',
  void: 'void',
  uncollectible: 'uncollectible',
};

/** A Unix time as the UTC day it falls on. */
const dayOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * A Stripe invoice read again and applied: its state (status moving only forwards) and every
 * payment on it, each recorded once under Stripe's own id through the one payment path (the
 * receivable settled, the payees' earnings released), the licensee's credit Stripe applied at
 * finalizing recorded as a payment from that credit. Money Stripe collected beyond what is still
 * owed (the invoice was also paid by hand) is held as the licensee's credit, in the ledger and on
 * its Stripe balance, where the next invoice uses it.
 */
@Injectable()
export class InvoiceSync {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly payments: InvoicePaymentService,
    private readonly ledger: LedgerService,
  ) {}

  /** A marked Stripe invoice read and applied; marks made after the read began stay. */
  async sync(stripeInvoiceId: string): Promise<void> {
    // Claimed before the read: the other events of the same change find nothing to read (one read
    // per change, not one per event); an event after this moment marks it again. A read that
    // fails puts the mark back for the retry and the sweep.
    const mark = await claimSync(this.dataSource, stripeInvoiceId);
    if (mark === undefined) return;
    try {
      const invoice = await this.gate.call(() =>
        this.stripe.sdk.invoices.retrieve(stripeInvoiceId, { expand: ['payments'] }),
      );
      await this.apply(invoice);
    } catch (error) {
      await markSync(this.dataSource, stripeInvoiceId);
      throw error;
    }
  }

  /** What one read of a Stripe invoice says, applied (payments read too when it has some). */
  async apply(read: Stripe.Invoice): Promise<void> {
    const row = await this.ours(read);
    if (!row || read.status === 'draft') return;
    const status = STATUSES[read.status ?? ''];
    if (!status) return;
    let invoice = read;
    if (!invoice.payments && invoice.amount_paid > 0) {
      invoice = await this.gate.call(() =>
        this.stripe.sdk.invoices.retrieve(read.id, { expand: ['payments'] }),
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await this.recordPayments(manager, row, invoice);
      await recordState(manager, row.invoice_id, {
        status,
        number: invoice.number,
        hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
        invoicePdf: invoice.invoice_pdf ?? null,
        collectionMethod: invoice.collection_method,
        dueOn: invoice.due_date ? dayOf(invoice.due_date) : null,
        amountPaid: invoice.amount_paid,
        amountRemaining: invoice.amount_remaining,
      });
    });
    await this.creditOverpaidOnStripe(row.invoice_id, invoice);
  }

  /** The platform invoice this Stripe invoice is, by its id or (a lost answer) its metadata. */
  private async ours(invoice: Stripe.Invoice): Promise<CollectionInvoiceRow | undefined> {
    const row = await collectionOfStripeInvoice(this.dataSource, invoice.id);
    if (row) return row;
    const claimed = invoice.metadata?.rlInvoiceId;
    if (!claimed || !isUuid(claimed)) return undefined;
    await recordStripeInvoice(this.dataSource, claimed, invoice.id, invoice.created);
    const again = await collectionOf(this.dataSource, claimed);
    return again?.stripe_invoice_id === invoice.id ? again : undefined;
  }

  private async recordPayments(
    manager: EntityManager,
    row: CollectionInvoiceRow,
    invoice: Stripe.Invoice,
  ): Promise<void> {
    const applied =
      invoice.starting_balance < 0 ? (invoice.ending_balance ?? 0) - invoice.starting_balance : 0;
    if (applied > 0) {
      await this.payments.recordCollected(manager, row.invoice_id, {
        source: 'credit',
        amount: BigInt(applied),
        receivedOn: dayOf(invoice.status_transitions.finalized_at ?? invoice.created),
        reference: `balance applied to ${invoice.id}`,
        stripeReference: `${invoice.id}-balance`,
      });
    }
    for (const payment of invoice.payments?.data ?? []) {
      if (payment.status !== 'paid' || !payment.amount_paid) continue;
      const paidAt = payment.status_transitions.paid_at ?? invoice.created;
      const recorded = await this.payments.recordCollected(manager, row.invoice_id, {
        source: 'stripe',
        amount: BigInt(payment.amount_paid),
        receivedOn: dayOf(paidAt),
        reference: idOf(payment.payment.charge) ?? idOf(payment.payment.payment_intent) ?? null,
        stripeReference: payment.id,
      });
      if (recorded && recorded.excess > 0n) {
        await addOverpaid(manager, row.invoice_id, recorded.excess);
        await this.ledger.post(manager, {
          idempotencyKey: `collection-excess:${payment.id}`,
          reason: `paid twice over on invoice ${row.invoice_id}: held as the licensee's credit`,
          refs: { invoiceId: row.invoice_id, stripeInvoicePaymentId: payment.id },
          postings: [
            {
              account: {
                type: 'platform-stripe-clearing',
                ownerId: null,
                organizationId: null,
                currency: row.currency,
              },
              amount: recorded.excess,
            },
            {
              account: {
                type: 'licensee-credit',
                ownerId: row.licensee_id,
                organizationId: row.licensee_id,
                currency: row.currency,
              },
              amount: -recorded.excess,
            },
          ],
        });
      }
    }
  }

  /**
   * The licensee's credit from paying twice over, put on its Stripe balance for the next invoice:
   * what is not there yet, every time the invoice is read, so a failed call is made again by the
   * next read (the key makes it once).
   */
  private async creditOverpaidOnStripe(invoiceId: string, invoice: Stripe.Invoice): Promise<void> {
    const customer = typeof invoice.customer === 'string' ? invoice.customer : invoice.customer?.id;
    if (!customer) return;
    const claim = await claimOverpaid(this.dataSource, invoiceId);
    if (!claim) return;
    const row = await collectionOf(this.dataSource, invoiceId);
    try {
      await this.gate.call(() =>
        this.stripe.sdk.customers.createBalanceTransaction(
          customer,
          {
            amount: -Number(BigInt(claim.to) - BigInt(claim.from)),
            currency: (row?.currency ?? 'EUR').toLowerCase(),
            description: `Paid twice over on invoice ${invoice.number ?? invoice.id}`,
            metadata: { rlInvoiceId: invoiceId, rlOverpaid: claim.to },
          },
          { idempotencyKey: `rl-overpaid-${invoiceId}-${claim.from}-${claim.to}` },
        ),
      );
    } catch (error) {
      await unclaimOverpaid(this.dataSource, invoiceId, claim);
      throw error;
    }
  }
}

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}
