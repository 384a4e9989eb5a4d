import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { StripeClient } from '../stripe/stripe-client';
import { classifyStripeError } from '../stripe/stripe-outcome';
import {
  chargeSums,
  issueContext,
  IssueContext,
  recordAttempt,
  recordStripeInvoice,
  withdraw,
} from './issuing.queries';
import { CollectionGate } from './collection-gate';
import { invoiceLines } from './invoice-lines';
import { InvoiceSync } from './invoice-sync';
import { OutOfBandTeller } from './out-of-band-teller';
import { StripeCustomers } from './stripe-customers';

/** How long Stripe keeps an idempotency key (24 hours), less an hour of margin. */
const KEY_MEMORY_MS = 23 * 3600_000;

/**
 * Issues one posted invoice through Stripe, in steps that can each be repeated: the customer,
 * the draft (its id recorded at once), its lines, finalizing (which sends it, or charges the
 * payment method on file). Each step has its own idempotency key derived from the invoice, so a
 * worker killed between creating and recording finds the same Stripe invoice again: within
 * Stripe's 24 hours by the key, after that by the invoice's metadata. No database transaction
 * is held across a Stripe call.
 */
@Injectable()
export class InvoiceIssuer {
  private readonly logger = new Logger(InvoiceIssuer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly customers: StripeCustomers,
    private readonly sync: InvoiceSync,
    private readonly outOfBand: OutOfBandTeller,
    private readonly config: AppConfig,
  ) {}

  async issue(invoiceId: string): Promise<void> {
    const invoice = await issueContext(this.dataSource, invoiceId);
    if (!invoice || invoice.status !== 'issuing') return;
    if (!invoice.stripe_invoice_id && BigInt(invoice.paid) >= BigInt(invoice.amount)) {
      await withdraw(this.dataSource, invoiceId);
      return;
    }
    try {
      const issued = await this.steps(invoice);
      await this.sync.apply(issued);
      // Paid in part by hand before it reached Stripe: Stripe is told, so it asks for the rest.
      if (BigInt(invoice.paid) > 0n) await this.outOfBand.tell(invoiceId);
    } catch (error) {
      const failure = classifyStripeError(error);
      if (failure.kind === 'refused') {
        // Stripe's own words, with its code when it gave one (not the SDK's class name).
        const code = failure.code.startsWith('Stripe') ? '' : `${failure.code}: `;
        await recordAttempt(this.dataSource, invoiceId, `${code}${failure.message}`);
        this.logger.warn({ invoiceId, failure }, 'Stripe refused to issue the invoice');
      } else if (failure.kind === 'unknown') {
        // Throttled (429): Stripe did nothing, so it is no attempt; anything else may have been.
        await recordAttempt(this.dataSource, invoiceId, null);
      }
      throw error;
    }
  }

  private async steps(invoice: IssueContext): Promise<Stripe.Invoice> {
    const customer = await this.customers.ensure(invoice.licensee_id);
    const key = `rl-invoice-${invoice.invoice_id}`;
    let draft = invoice.stripe_invoice_id
      ? await this.gate.call(() => this.stripe.sdk.invoices.retrieve(invoice.stripe_invoice_id!))
      : await this.findOrCreate(invoice, customer, key);
    if (draft.status === 'draft') {
      if (draft.lines.data.length === 0) {
        const sums = await chargeSums(this.dataSource, invoice.run_id, invoice.invoice_id);
        const lines = invoiceLines(
          {
            amount: BigInt(invoice.amount),
            periodStart: invoice.period_start,
            periodEnd: invoice.period_end,
          },
          sums.map((s) => ({ kind: s.kind, amount: BigInt(s.amount), charges: s.charges })),
        );
        draft = await this.gate.call(() =>
          this.stripe.sdk.invoices.addLines(
            draft.id,
            { lines: lines.map((l) => ({ ...l, metadata: { ...l.metadata } })) },
            { idempotencyKey: `${key}-lines` },
          ),
        );
      }
      // Finalizing sends the invoice (send_invoice) or charges the payment method on file
      // (charge_automatically): auto_advance lets Stripe retry and remind as configured.
      draft = await this.gate.call(() =>
        this.stripe.sdk.invoices.finalizeInvoice(
          draft.id,
          { auto_advance: true },
          { idempotencyKey: `${key}-finalize` },
        ),
      );
    }
    return draft;
  }

  /** The draft: made now, or (after a lost answer beyond Stripe's key memory) found again. */
  private async findOrCreate(
    invoice: IssueContext,
    customer: { stripe_customer_id: string; collection_method: string },
    key: string,
  ): Promise<Stripe.Invoice> {
    // Within Stripe's 24 hours the key replays the draft of a lost answer; past them, an earlier
    // attempt's draft is found by its metadata before a new one is made.
    if (invoice.attempts > 0 && Date.now() - invoice.created_at.getTime() > KEY_MEMORY_MS) {
      const found = await this.findByMetadata(invoice, customer.stripe_customer_id);
      if (found) {
        await recordStripeInvoice(this.dataSource, invoice.invoice_id, found.id, found.created);
        return found;
      }
    }
    const automatic = customer.collection_method === 'automatic';
    const draft = await this.gate.call(() =>
      this.stripe.sdk.invoices.create(
        {
          customer: customer.stripe_customer_id,
          currency: invoice.currency.toLowerCase(),
          collection_method: automatic ? 'charge_automatically' : 'send_invoice',
          ...(automatic ? {} : { days_until_due: this.config.get('COLLECTION_DAYS_UNTIL_DUE') }),
          payment_settings:
            customer.collection_method === 'bank-transfer'
              ? { payment_method_types: ['customer_balance'] }
              : undefined,
          auto_advance: false,
          pending_invoice_items_behavior: 'exclude',
          description: `Licensed use of works, ${invoice.period_start} to ${invoice.period_end}`,
          metadata: {
            rlInvoiceId: invoice.invoice_id,
            rlRunId: invoice.run_id,
            rlAgreementId: invoice.agreement_id,
          },
        },
        { idempotencyKey: key },
      ),
    );
    await recordStripeInvoice(this.dataSource, invoice.invoice_id, draft.id, draft.created);
    return draft;
  }

  private async findByMetadata(
    invoice: IssueContext,
    customerId: string,
  ): Promise<Stripe.Invoice | undefined> {
    const since = Math.floor(invoice.created_at.getTime() / 1000) - 300;
    for (let startingAfter: string | undefined; ;) {
      const page = await this.gate.call(() =>
        this.stripe.sdk.invoices.list({
          customer: customerId,
          created: { gte: since },
          limit: 100,
          ...(startingAfter ? { starting_after: startingAfter } : {}),
        }),
      );
      const found = page.data.find((i) => i.metadata?.rlInvoiceId === invoice.invoice_id);
      if (found || !page.has_more || page.data.length === 0) return found;
      startingAfter = page.data[page.data.length - 1].id;
    }
  }
}
