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
import { CreateInvoicePaymentDto, InvoicePaymentResponse } from './dto/invoice-payment.dto';
import {
  insertPayments,
  insertReleases,
  invoicesPayees,
  InvoiceRow,
  invoicesWithRun,
  lockInvoicePayments,
  paymentTotals,
  PaymentSource,
  recordedReferences,
} from './invoice-payment.queries';
import { afterPayment, InvoicePaymentState, PaymentPlan, planPayment } from './payment-plan';

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

/** What recording a collected payment did: the payment (none when nothing fitted) and the rest. */
export interface CollectedResult {
  payment: InvoicePaymentResponse | null;
  /** What the invoice could not take: money the licensee paid twice over. */
  excess: bigint;
}

const PAYMENT_REASONS: Record<PaymentSource, (invoiceId: string) => string> = {
  manual: (id) => `payment received on invoice ${id}`,
  stripe: (id) => `payment collected through Stripe on invoice ${id}`,
  credit: (id) => `licensee credit applied to invoice ${id}`,
  refund: (id) => `refund through Stripe on invoice ${id}`,
};

/**
 * Pay when paid: money received against a posted invoice (partial payments allowed, more than is
 * owed refused) reduces the licensee's receivable and moves the matching share of each payee's
 * earnings on that invoice from awaiting collection to payable (`planPayment`), each payment one
 * ledger transaction. Many payments (a batch of Stripe invoices read again) are recorded with a
 * few statements and one turn of the ledger's writer lock.
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
      const [invoice] = await this.lockPostedInvoices(manager, [invoiceId]);
      const [recorded] = await this.apply(manager, [
        {
          invoice,
          entry: {
            source: 'manual',
            amount: BigInt(dto.amount),
            receivedOn,
            reference: dto.reference ?? null,
            recordedBy: actor.id,
          },
        },
      ]);
      const payment = recorded.payment!;
      await this.audit.record(manager, actor, {
        action: 'invoice.payment',
        resourceId: invoice.id,
        resourceOrganizationId: invoice.licensee_id,
        details: { paymentId: payment.id, amount: String(dto.amount), receivedOn },
      });
      return { status: 201, body: payment };
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
  ): Promise<CollectedResult | null> {
    return (await this.recordAllCollected(manager, [{ invoiceId, entry }]))[0];
  }

  /** As `recordCollected`, for many payments (of many invoices) in the order given. */
  async recordAllCollected(
    manager: EntityManager,
    payments: { invoiceId: string; entry: CollectedEntry }[],
  ): Promise<(CollectedResult | null)[]> {
    if (!payments.length) return [];
    const invoices = await this.lockPostedInvoices(
      manager,
      payments.map((p) => p.invoiceId),
    );
    const byId = new Map(invoices.map((invoice) => [invoice.id, invoice]));
    const recorded = await recordedReferences(
      manager,
      payments.map((p) => p.entry.stripeReference),
    );
    const fresh: number[] = [];
    payments.forEach((payment, i) => {
      // Once per reference, also when the same one comes twice in one batch.
      if (recorded.has(payment.entry.stripeReference)) return;
      recorded.add(payment.entry.stripeReference);
      fresh.push(i);
    });
    const results = await this.apply(
      manager,
      fresh.map((i) => ({
        invoice: byId.get(payments[i].invoiceId)!,
        entry: { ...payments[i].entry, recordedBy: null },
      })),
    );
    const answers: (CollectedResult | null)[] = payments.map(() => null);
    fresh.forEach((i, k) => (answers[i] = results[k]));
    return answers;
  }

  /**
   * Payments in the caller's transaction, their invoices' payments locked, in the order given
   * (each sees the ones before it): each a ledger transaction (receivable settled against Stripe
   * clearing, or against the licensee's credit; the payees' share released), a row, its releases.
   */
  private async apply(
    manager: EntityManager,
    payments: { invoice: InvoiceRow; entry: PaymentEntry }[],
  ): Promise<CollectedResult[]> {
    if (!payments.length) return [];
    const states = await this.paymentStates(manager, [...new Set(payments.map((p) => p.invoice))]);
    const payableAtOnce = this.config.get('EARNINGS_PAYABLE_AT_ONCE');
    const planned = payments.map(({ invoice, entry }) => {
      const before = states.get(invoice.id)!;
      const plan = planPayment(
        before,
        { manual: entry.source === 'manual', amount: entry.amount },
        payableAtOnce,
      );
      states.set(invoice.id, afterPayment(before, plan));
      return {
        invoice,
        entry,
        plan,
        id: newId(),
        outstanding: before.amount - before.paid - plan.amount,
      };
    });
    const recorded = planned.filter((p) => p.plan.amount !== 0n);
    const transactions = await this.ledger.postMany(
      manager,
      recorded.map(({ invoice, entry, plan, id }) => ({
        idempotencyKey: `invoice-payment:${id}`,
        reason: PAYMENT_REASONS[entry.source](invoice.id),
        refs: { invoiceId: invoice.id, paymentId: id },
        postings: paymentPostings(invoice, entry.source, plan),
      })),
    );
    await insertPayments(
      manager,
      recorded.map(({ invoice, entry, plan, id }, i) => ({
        id,
        invoiceId: invoice.id,
        amount: String(plan.amount),
        receivedOn: entry.receivedOn,
        reference: entry.reference,
        transactionId: transactions[i].id,
        recordedBy: entry.recordedBy,
        source: entry.source,
        stripeReference: entry.source === 'manual' ? null : entry.stripeReference,
      })),
    );
    await insertReleases(
      manager,
      recorded.flatMap(({ plan, id }) =>
        plan.released.map((r) => ({ paymentId: id, payeeId: r.payeeId, amount: String(r.amount) })),
      ),
    );
    const transactionOf = new Map(recorded.map((p, i) => [p.id, transactions[i].id]));
    return planned.map(({ invoice, entry, plan, id, outstanding }) => ({
      excess: plan.excess,
      payment:
        plan.amount === 0n
          ? null
          : {
              id,
              invoiceId: invoice.id,
              amount: Number(plan.amount),
              receivedOn: entry.receivedOn,
              reference: entry.reference,
              outstanding: Number(outstanding),
              released: plan.released.map((r) => ({
                payeeId: r.payeeId,
                amount: Number(r.amount),
              })),
              ledgerTransactionId: transactionOf.get(id)!,
            },
    }));
  }

  /** The invoices, each of a posted run, their payments locked (payments one at a time). */
  private async lockPostedInvoices(
    manager: EntityManager,
    invoiceIds: string[],
  ): Promise<InvoiceRow[]> {
    const ids = [...new Set(invoiceIds)];
    const rows = await invoicesWithRun(manager, ids.filter(isUuid));
    const byId = new Map(rows.map((row) => [row.id, row]));
    for (const id of ids) {
      const invoice = byId.get(id);
      if (!invoice) throw new ResourceNotFound('invoice', id);
      if (invoice.run_status !== 'posted') {
        throw new Conflict(
          'invoice-not-issued',
          `Invoice ${id} belongs to a royalty run that is not posted`,
          { runStatus: invoice.run_status },
        );
      }
    }
    await lockInvoicePayments(manager, ids);
    return ids.map((id) => byId.get(id)!);
  }

  /** Each invoice's payments so far and its payees' releases, read under the invoices' locks. */
  private async paymentStates(
    manager: EntityManager,
    invoices: InvoiceRow[],
  ): Promise<Map<string, InvoicePaymentState>> {
    const ids = invoices.map((invoice) => invoice.id);
    const totals = new Map((await paymentTotals(manager, ids)).map((row) => [row.invoice_id, row]));
    const states = new Map<string, InvoicePaymentState>(
      invoices.map((invoice) => [
        invoice.id,
        {
          invoiceId: invoice.id,
          amount: BigInt(invoice.amount),
          paid: BigInt(totals.get(invoice.id)?.paid ?? 0),
          mostEverPaid: BigInt(totals.get(invoice.id)?.most ?? 0),
          payees: [],
        },
      ]),
    );
    for (const row of await invoicesPayees(manager, ids)) {
      states.get(row.invoice_id)!.payees.push({
        payeeId: row.payee_id,
        publisherId: row.publisher_id,
        earned: BigInt(row.earned),
        released: BigInt(row.released),
      });
    }
    return states;
  }
}

/** A payment's postings: the receivable settled (from Stripe clearing or the licensee's credit), the payees' releases. */
function paymentPostings(invoice: InvoiceRow, source: PaymentSource, plan: PaymentPlan): Posting[] {
  const receivable: AccountKey = {
    type: 'licensee-receivable',
    ownerId: invoice.licensee_id,
    organizationId: invoice.licensee_id,
    currency: invoice.currency,
  };
  const from: AccountKey =
    source === 'credit'
      ? { ...receivable, type: 'licensee-credit' }
      : {
          type: 'platform-stripe-clearing',
          ownerId: null,
          organizationId: null,
          currency: invoice.currency,
        };
  const postings: Posting[] = [
    { account: from, amount: plan.amount },
    { account: receivable, amount: -plan.amount },
  ];
  for (const release of plan.released) {
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
  return postings;
}
