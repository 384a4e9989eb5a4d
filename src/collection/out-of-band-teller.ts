import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { StripeClient } from '../stripe/stripe-client';
import { collectionOf } from './collection.queries';
import { manualPaid, recordToldOutOfBand } from './credits.queries';
import { CollectionGate } from './collection-gate';

/**
 * Payments finance records by hand on an invoice Stripe has open are told to Stripe as paid out
 * of band (a credit note with `out_of_band_amount`), so Stripe stops asking for them: the
 * licensee is never charged twice for one invoice. If Stripe collected first anyway, what it
 * took beyond what was owed is held as the licensee's credit (InvoiceSync).
 */
@Injectable()
export class OutOfBandTeller {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
  ) {}

  async tell(invoiceId: string): Promise<void> {
    const row = await collectionOf(this.dataSource, invoiceId);
    if (!row?.stripe_invoice_id || row.status !== 'open') return;
    const paid = await manualPaid(this.dataSource, invoiceId);
    if (!paid) return;
    const manual = BigInt(paid.manual);
    const untold = manual - BigInt(paid.told);
    if (untold <= 0n) return;
    const invoice = await this.gate.call(() =>
      this.stripe.sdk.invoices.retrieve(row.stripe_invoice_id!),
    );
    // Stripe cannot take more out of band than it still asks for.
    const amount = Math.min(Number(untold), invoice.amount_remaining);
    if (invoice.status === 'open' && amount > 0) {
      await this.gate.call(() =>
        this.stripe.sdk.creditNotes.create(
          {
            invoice: invoice.id,
            amount,
            out_of_band_amount: amount,
            memo: 'Paid outside Stripe, recorded by finance',
            metadata: { rlInvoiceId: invoiceId, rlManualPaid: String(manual) },
          },
          { idempotencyKey: `rl-out-of-band-${invoiceId}-${manual}` },
        ),
      );
    }
    await recordToldOutOfBand(this.dataSource, invoiceId, manual);
  }
}
