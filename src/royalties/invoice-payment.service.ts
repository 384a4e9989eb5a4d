import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { todayUtc } from '../common/validation/calendar-date';
import { isCalendarDate } from '../common/validation/calendar-date';
import { Principal } from '../common/auth/principal';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { isUuid, newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { Posting } from '../ledger/journal-entry';
import { LedgerService } from '../ledger/ledger.service';
import { AuditService } from '../organizations/audit.service';
import { releaseOnPayment } from './allocate';
import { CreateInvoicePaymentDto, InvoicePaymentResponse } from './dto/invoice-payment.dto';
import {
  insertPayment,
  insertReleases,
  invoicePayees,
  InvoiceRow,
  invoiceWithRun,
  lockInvoicePayments,
  paidOn,
} from './invoice-payment.queries';

/**
 * Pay when paid: money received against a posted invoice (partial payments allowed, more than is
 * owed refused) reduces the licensee's receivable and moves the matching share of each payee's
 * earnings on that invoice from awaiting collection to payable, all in one ledger transaction.
 * The share released after each payment is payee_total × paid / amount (floored; all of it once
 * fully paid), spread over the payees by largest remainder of what each still awaits, so no
 * payee is ever released more than it earned and the last payment releases the rest exactly.
 */
@Injectable()
export class InvoicePaymentService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async record(
    actor: Principal,
    invoiceId: string,
    dto: CreateInvoicePaymentDto,
    idempotency?: IdempotentRequest,
  ): Promise<InvoicePaymentResponse> {
    const receivedOn = dto.receivedOn ?? todayUtc();
    if (!isCalendarDate(receivedOn)) {
      throw new RequestValidationFailed([
        { field: 'receivedOn', messages: ['receivedOn is not a calendar date'] },
      ]);
    }
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const invoice = await this.lockPostedInvoice(manager, invoiceId);
      const paid = await paidOn(manager, invoice.id);
      const amount = BigInt(invoice.amount);
      const before = BigInt(paid);
      const payment = BigInt(dto.amount);
      if (amount < 0n) {
        throw new Conflict(
          'invoice-is-credit-note',
          `Invoice ${invoice.id} is a credit note of ${-amount}: the licensee owes nothing on it`,
          { amount: Number(amount) },
        );
      }
      if (before + payment > amount) {
        throw new Conflict(
          'overpayment',
          `Invoice ${invoice.id} has ${amount - before} outstanding; ${payment} is more than that`,
          { outstanding: Number(amount - before) },
        );
      }
      const released = this.config.get('EARNINGS_PAYABLE_AT_ONCE')
        ? []
        : await this.releases(manager, invoice, before, before + payment);
      const id = newId();
      const receivable = {
        type: 'licensee-receivable' as const,
        ownerId: invoice.licensee_id,
        organizationId: invoice.licensee_id,
        currency: invoice.currency,
      };
      const postings: Posting[] = [
        {
          account: {
            type: 'platform-stripe-clearing',
            ownerId: null,
            organizationId: null,
            currency: invoice.currency,
          },
          amount: payment,
        },
        { account: receivable, amount: -payment },
      ];
      for (const release of released) {
        const payee = { ownerId: release.payeeId, organizationId: release.publisherId };
        postings.push(
          {
            account: { type: 'payee-awaiting-collection', ...payee, currency: invoice.currency },
            amount: release.amount,
          },
          {
            account: { type: 'payee-payable', ...payee, currency: invoice.currency },
            amount: -release.amount,
          },
        );
      }
      const transaction = await this.ledger.post(manager, {
        idempotencyKey: `invoice-payment:${id}`,
        reason: `payment received on invoice ${invoice.id}`,
        refs: { invoiceId: invoice.id, paymentId: id },
        postings,
      });
      await insertPayment(manager, {
        id,
        invoiceId: invoice.id,
        amount: String(payment),
        receivedOn,
        reference: dto.reference ?? null,
        transactionId: transaction.id,
        recordedBy: actor.id,
      });
      if (released.length) {
        await insertReleases(
          manager,
          id,
          released.map((r) => r.payeeId),
          released.map((r) => String(r.amount)),
        );
      }
      await this.audit.record(manager, actor, {
        action: 'invoice.payment',
        resourceId: invoice.id,
        resourceOrganizationId: invoice.licensee_id,
        details: { paymentId: id, amount: String(payment), receivedOn },
      });
      const body: InvoicePaymentResponse = {
        id,
        invoiceId: invoice.id,
        amount: Number(payment),
        receivedOn,
        reference: dto.reference ?? null,
        outstanding: Number(amount - before - payment),
        released: released.map((r) => ({ payeeId: r.payeeId, amount: Number(r.amount) })),
        ledgerTransactionId: transaction.id,
      };
      return { status: 201, body };
    });
    return result.body;
  }

  private async lockPostedInvoice(manager: EntityManager, invoiceId: string): Promise<InvoiceRow> {
    const [invoice] = isUuid(invoiceId) ? await invoiceWithRun(manager, invoiceId) : [];
    if (!invoice) throw new ResourceNotFound('invoice', invoiceId);
    if (invoice.run_status !== 'posted') {
      throw new Conflict(
        'invoice-not-issued',
        `Invoice ${invoiceId} belongs to a royalty run that is not posted`,
        { runStatus: invoice.run_status },
      );
    }
    // Payments on one invoice one at a time.
    await lockInvoicePayments(manager, invoice.id);
    return invoice;
  }

  /** What this payment releases to each payee of the invoice (awaiting → payable). */
  private async releases(
    manager: EntityManager,
    invoice: InvoiceRow,
    paidBefore: bigint,
    paidAfter: bigint,
  ): Promise<{ payeeId: string; publisherId: string; amount: bigint }[]> {
    const payees = await invoicePayees(manager, invoice.id);
    // Only positive earnings wait for the payment (a restatement's negative net on the invoice
    // was taken from the payee's payable when the run was posted).
    const waiting = payees.map((p) => (BigInt(p.earned) > 0n ? BigInt(p.earned) : 0n));
    const pieces = releaseOnPayment(
      BigInt(invoice.amount),
      waiting.reduce((sum, earned) => sum + earned, 0n),
      paidBefore,
      paidAfter,
      payees.map((p, i) => waiting[i] - BigInt(p.released)),
    );
    return payees
      .map((p, i) => ({ payeeId: p.payee_id, publisherId: p.publisher_id, amount: pieces[i] }))
      .filter((release) => release.amount > 0n);
  }
}
