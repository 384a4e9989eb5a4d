import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { InvoicePaymentService } from '../royalties/invoice-payment.service';
import { StripeClient } from '../stripe/stripe-client';
import { collectionOf } from './collection.queries';
import { invoiceOfCharge } from './syncing.queries';
import { CollectionGate } from './collection-gate';

const dayOf = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

/**
 * A refunded charge read again (charge.refunded): each refund of it not yet recorded, and not one
 * of the platform's own credit notes (the credit issuer records those), is money given back to
 * the licensee outside any credit note — from Stripe's dashboard, say. It is recorded as a
 * negative payment on the invoice the charge paid: the receivable is owed again, Stripe clearing
 * gives the money back; earnings already released stay released (the payees were owed them).
 */
@Injectable()
export class ChargeSync {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly payments: InvoicePaymentService,
  ) {}

  async sync(chargeId: string): Promise<void> {
    const invoiceId = await invoiceOfCharge(this.dataSource, chargeId);
    if (!invoiceId) return;
    const charge = await this.gate.call(() =>
      this.stripe.sdk.charges.retrieve(chargeId, { expand: ['refunds'] }),
    );
    const refunds = (charge.refunds?.data ?? []).filter((r) => r.status === 'succeeded');
    if (!refunds.length) return;
    const ours = await this.creditNoteRefunds(invoiceId);
    for (const refund of refunds) {
      if (ours.has(refund.id)) continue;
      await this.dataSource.transaction((manager) =>
        this.payments.recordCollected(manager, invoiceId, {
          source: 'refund',
          amount: -BigInt(refund.amount),
          receivedOn: dayOf(refund.created),
          reference: chargeId,
          stripeReference: refund.id,
        }),
      );
    }
  }

  /** The refunds Stripe made for the platform's own credit notes on this invoice. */
  private async creditNoteRefunds(invoiceId: string): Promise<Set<string>> {
    const row = await collectionOf(this.dataSource, invoiceId);
    const ids = new Set<string>();
    if (!row?.stripe_invoice_id) return ids;
    const notes: Stripe.ApiList<Stripe.CreditNote> = await this.gate.call(() =>
      this.stripe.sdk.creditNotes.list({ invoice: row.stripe_invoice_id!, limit: 100 }),
    );
    for (const note of notes.data) {
      if (!note.metadata?.rlCreditId) continue;
      for (const r of note.refunds) ids.add(typeof r.refund === 'string' ? r.refund : r.refund.id);
    }
    return ids;
  }
}
