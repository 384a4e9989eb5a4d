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
import { AccountKey } from '../ledger/ledger-accounts';
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
  mostEverPaid,
  paidOn,
  PaymentSource,
  paymentWithReference,
} from './invoice-payment.queries';

/** A payment from elsewhere than finance's hand: Stripe, the licensee's credit, a refund. */
export interface CollectedEntry {
  source: Exclude<PaymentSource, 'manual'>;
  /** Minor units; negative for a refund. */
  amount: bigint;
  receivedOn: string;
  reference: string | null;
  /** Stripe's id of what was paid (an invoice payment, a refund, an applied balance). */
  stripeReference: string;
}

type PaymentEntry =
  | (CollectedEntry & { recordedBy: null })
  | {
      source: 'manual';
      amount: bigint;
      receivedOn: string;
      reference: string | null;
      recordedBy: string;
    };

const PAYMENT_REASONS: Record<PaymentSource, (invoiceId: string) => string> = {
  manual: (id) => `payment received on invoice ${id}`,
  stripe: (id) => `payment collected through Stripe on invoice ${id}`,
  credit: (id) => `licensee credit applied to invoice ${id}`,
  refund: (id) => `refund through Stripe on invoice ${id}`,
};

const minimum = (a: bigint, b: bigint) => (a < b ? a : b);
const maximum = (a: bigint, b: bigint) => (a > b ? a : b);

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
  private readonly listeners: ((payment: InvoicePaymentResponse) => Promise<void>)[] = [];

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
      const recorded = await this.apply(manager, invoice, {
        source: 'manual',
        amount: BigInt(dto.amount),
        receivedOn,
        reference: dto.reference ?? null,
        recordedBy: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'invoice.payment',
        resourceId: invoice.id,
        resourceOrganizationId: invoice.licensee_id,
        details: { paymentId: recorded.id, amount: String(dto.amount), receivedOn },
      });
      return { status: 201, body: recorded };
    });
    const body = result.body;
    for (const listener of this.listeners) await listener(body);
    return body;
  }

  /** Called after each manual payment is committed (collection tells Stripe of it). */
  onManualPayment(listener: (payment: InvoicePaymentResponse) => Promise<void>): void {
    this.listeners.push(listener);
  }

  /**
   * Money Stripe collected, a licensee's credit used, or a refund made outside a credit note,
   * recorded in the caller's transaction through the same path as a manual payment. Keyed by
   * Stripe's own reference: recording it again returns null and changes nothing. A payment larger
   * than what is still owed is recorded up to it; the rest is returned as `excess` (money the
   * licensee paid twice over, which the caller holds as the licensee's credit).
   */
  async recordCollected(
    manager: EntityManager,
    invoiceId: string,
    entry: CollectedEntry,
  ): Promise<{ payment: InvoicePaymentResponse | null; excess: bigint } | null> {
    const invoice = await this.lockPostedInvoice(manager, invoiceId);
    if (await paymentWithReference(manager, entry.stripeReference)) return null;
    const paid = BigInt(await paidOn(manager, invoice.id));
    const owed = BigInt(invoice.amount) - paid;
    // A payment takes at most what is owed; on a credit note, what is given back settles at most
    // what is still due to the licensee; a refund of a payment gives back at most what was paid.
    const amount =
      entry.amount > 0n
        ? minimum(entry.amount, owed > 0n ? owed : 0n)
        : BigInt(invoice.amount) < 0n
          ? maximum(entry.amount, owed < 0n ? owed : 0n)
          : maximum(entry.amount, -paid);
    const excess = entry.amount - amount;
    if (amount === 0n) return { payment: null, excess };
    const payment = await this.apply(manager, invoice, { ...entry, amount, recordedBy: null });
    return { payment, excess };
  }

  /**
   * One payment in the caller's transaction, the invoice's payments locked: its ledger
   * transaction (receivable settled against Stripe clearing, or against the licensee's credit;
   * the payees' share released), its row, its releases.
   */
  private async apply(
    manager: EntityManager,
    invoice: InvoiceRow,
    entry: PaymentEntry,
  ): Promise<InvoicePaymentResponse> {
    const paid = await paidOn(manager, invoice.id);
    const amount = BigInt(invoice.amount);
    const before = BigInt(paid);
    const payment = entry.amount;
    if (amount < 0n) {
      // A credit note is settled by giving the licensee its credit (a refund, or credit on its
      // balance): negative payments, down to the credit note's amount, never more.
      if (entry.source === 'manual' || payment > 0n || before + payment < amount) {
        throw new Conflict(
          'invoice-is-credit-note',
          `Invoice ${invoice.id} is a credit note of ${-amount}: the licensee owes nothing on it`,
          { amount: Number(amount) },
        );
      }
    } else if (before + payment > amount) {
      throw new Conflict(
        'overpayment',
        `Invoice ${invoice.id} has ${amount - before} outstanding; ${payment} is more than that`,
        { outstanding: Number(amount - before) },
      );
    }
    // Releases follow the most ever paid, so money paid again after a refund releases nothing
    // twice.
    const highWater = BigInt(await mostEverPaid(manager, invoice.id));
    const released =
      this.config.get('EARNINGS_PAYABLE_AT_ONCE') || amount < 0n || before + payment <= highWater
        ? []
        : await this.releases(manager, invoice, highWater, before + payment);
    const id = newId();
    const receivable = {
      type: 'licensee-receivable' as const,
      ownerId: invoice.licensee_id,
      organizationId: invoice.licensee_id,
      currency: invoice.currency,
    };
    const from: AccountKey =
      entry.source === 'credit'
        ? { ...receivable, type: 'licensee-credit' }
        : {
            type: 'platform-stripe-clearing',
            ownerId: null,
            organizationId: null,
            currency: invoice.currency,
          };
    const postings: Posting[] = [
      { account: from, amount: payment },
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
      reason: PAYMENT_REASONS[entry.source](invoice.id),
      refs: { invoiceId: invoice.id, paymentId: id },
      postings,
    });
    await insertPayment(manager, {
      id,
      invoiceId: invoice.id,
      amount: String(payment),
      receivedOn: entry.receivedOn,
      reference: entry.reference,
      transactionId: transaction.id,
      recordedBy: entry.recordedBy,
      source: entry.source,
      stripeReference: entry.source === 'manual' ? null : entry.stripeReference,
    });
    if (released.length) {
      await insertReleases(
        manager,
        id,
        released.map((r) => r.payeeId),
        released.map((r) => String(r.amount)),
      );
    }
    return {
      id,
      invoiceId: invoice.id,
      amount: Number(payment),
      receivedOn: entry.receivedOn,
      reference: entry.reference,
      outstanding: Number(amount - before - payment),
      released: released.map((r) => ({ payeeId: r.payeeId, amount: Number(r.amount) })),
      ledgerTransactionId: transaction.id,
    };
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
