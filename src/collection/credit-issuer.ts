import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { todayUtc } from '../common/validation/calendar-date';
import { InvoicePaymentService } from '../royalties/invoice-payment.service';
import { StripeClient } from '../stripe/stripe-client';
import { classifyStripeError } from '../stripe/stripe-outcome';
import { CollectionCreditRow } from './collection.queries';
import {
  creditOf,
  creditTarget,
  markCreditIssued,
  recordBalanceCredit,
  recordCreditAttempt,
  recordCreditNote,
} from './credits.queries';
import { CollectionGate } from './collection-gate';
import { StripeCustomers } from './stripe-customers';

const min = (a: bigint, b: bigint) => (a < b ? a : b);

/**
 * Gives a credit note (a negative invoice of a posted run) back to its licensee: as a Stripe
 * credit note against the paid invoice it corrects when there is one — refunded to that
 * invoice's payment, or credited to the licensee's Stripe balance, as the licensee prefers — and
 * whatever that invoice cannot take as credit on the balance, which Stripe applies to the next
 * invoice it finalizes. Each part is recorded as a payment settling the credit note (a refund
 * out of Stripe clearing, or credit in `licensee-credit`), so the credit note's outstanding
 * reaches zero exactly. Steps repeat safely: each Stripe call has a key derived from the credit,
 * and each record is keyed by Stripe's id.
 */
@Injectable()
export class CreditIssuer {
  private readonly logger = new Logger(CreditIssuer.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly customers: StripeCustomers,
    private readonly payments: InvoicePaymentService,
  ) {}

  async issue(creditId: string): Promise<void> {
    const credit = await creditOf(this.dataSource, creditId);
    if (!credit || credit.status !== 'pending') return;
    try {
      await this.steps(credit);
      await markCreditIssued(this.dataSource, creditId);
    } catch (error) {
      const failure = classifyStripeError(error);
      const refused = failure.kind === 'refused';
      await recordCreditAttempt(
        this.dataSource,
        creditId,
        refused
          ? `${failure.code.startsWith('Stripe') ? '' : `${failure.code}: `}${failure.message}`
          : null,
      );
      if (refused) this.logger.warn({ creditId, failure }, 'Stripe refused the credit');
      throw error;
    }
  }

  private async steps(credit: CollectionCreditRow): Promise<void> {
    const customer = await this.customers.ensure(credit.licensee_id);
    const key = `rl-credit-${credit.id}`;
    const amount = BigInt(credit.amount);
    let noted = BigInt(credit.refunded) + BigInt(credit.credited);
    if (!credit.stripe_credit_note_id) {
      const target = await creditTarget(this.dataSource, credit);
      if (target) {
        const room = BigInt(target.amount) - BigInt(target.credited_before);
        const part = min(amount, room);
        if (part > 0n) {
          const refund = credit.method === 'refund' ? min(part, BigInt(target.refundable)) : 0n;
          const note = await this.gate.call(() =>
            this.stripe.sdk.creditNotes.create(
              {
                invoice: target.stripe_invoice_id,
                amount: Number(part),
                ...(refund > 0n ? { refund_amount: Number(refund) } : {}),
                ...(part - refund > 0n ? { credit_amount: Number(part - refund) } : {}),
                reason: 'order_change',
                memo: 'Royalties restated: usage corrected in a later report',
                metadata: { rlCreditId: credit.id, rlInvoiceId: credit.invoice_id },
              },
              { idempotencyKey: `${key}-note` },
            ),
          );
          await this.dataSource.transaction(async (manager) => {
            await recordCreditNote(
              manager,
              credit.id,
              note.id,
              target.invoice_id,
              refund,
              part - refund,
            );
            const refundId = note.refunds[0]?.refund;
            if (refund > 0n) {
              await this.payments.recordCollected(manager, credit.invoice_id, {
                source: 'refund',
                amount: -refund,
                receivedOn: todayUtc(),
                reference: `credit note ${note.number}`,
                stripeReference:
                  typeof refundId === 'string' ? refundId : (refundId?.id ?? `${note.id}-refund`),
              });
            }
            if (part - refund > 0n) {
              await this.payments.recordCollected(manager, credit.invoice_id, {
                source: 'credit',
                amount: -(part - refund),
                receivedOn: todayUtc(),
                reference: `credit note ${note.number}`,
                stripeReference: `${note.id}-credit`,
              });
            }
          });
          noted = part;
        }
      }
    }
    const rest = amount - noted;
    if (rest > 0n && !credit.stripe_balance_transaction_id) {
      const balance = await this.gate.call(() =>
        this.stripe.sdk.customers.createBalanceTransaction(
          customer.stripe_customer_id,
          {
            amount: -Number(rest),
            currency: credit.currency.toLowerCase(),
            description: 'Royalties restated: credit for the next invoice',
            metadata: { rlCreditId: credit.id, rlInvoiceId: credit.invoice_id },
          },
          { idempotencyKey: `${key}-balance` },
        ),
      );
      await this.dataSource.transaction(async (manager) => {
        await recordBalanceCredit(manager, credit.id, balance.id, rest);
        await this.payments.recordCollected(manager, credit.invoice_id, {
          source: 'credit',
          amount: -rest,
          receivedOn: todayUtc(),
          reference: 'credit on the Stripe balance',
          stripeReference: balance.id,
        });
      });
    }
  }
}
