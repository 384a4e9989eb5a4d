import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { todayUtc } from '../catalogue/work-inputs';
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

interface InvoiceRow {
  id: string;
  licensee_id: string;
  currency: string;
  amount: string;
  payee_total: string;
}

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
      const [{ paid }] = await manager.query<{ paid: string }[]>(
        `SELECT COALESCE(sum(amount), 0) AS paid FROM invoice_payments WHERE invoice_id = $1`,
        [invoice.id],
      );
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
      await manager.query(
        `INSERT INTO invoice_payments (id, invoice_id, amount, received_on, reference,
                  ledger_transaction_id, recorded_by_principal_id)
           VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [
          id,
          invoice.id,
          String(payment),
          receivedOn,
          dto.reference ?? null,
          transaction.id,
          actor.id,
        ],
      );
      if (released.length) {
        await manager.query(
          `INSERT INTO invoice_payment_releases (payment_id, payee_id, amount)
             SELECT $1, payee_id, amount FROM unnest($2::uuid[], $3::bigint[]) AS r(payee_id, amount)`,
          [id, released.map((r) => r.payeeId), released.map((r) => String(r.amount))],
        );
      }
      await this.audit.record(manager, actor, {
        action: 'invoice.payment',
        resourceType: 'invoice',
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
    const [invoice] = isUuid(invoiceId)
      ? await manager.query<(InvoiceRow & { run_status: string })[]>(
          `SELECT i.id, i.licensee_id, i.currency, i.amount, i.payee_total, r.status AS run_status
             FROM invoices i JOIN royalty_runs r ON r.id = i.run_id WHERE i.id = $1`,
          [invoiceId],
        )
      : [];
    if (!invoice) throw new ResourceNotFound('invoice', invoiceId);
    if (invoice.run_status !== 'posted') {
      throw new Conflict(
        'invoice-not-issued',
        `Invoice ${invoiceId} belongs to a royalty run that is not posted`,
        { runStatus: invoice.run_status },
      );
    }
    // Payments on one invoice one at a time.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('invoice-payments:' || $1))`, [
      invoice.id,
    ]);
    return invoice;
  }

  /** What this payment releases to each payee of the invoice (awaiting → payable). */
  private async releases(
    manager: EntityManager,
    invoice: InvoiceRow,
    paidBefore: bigint,
    paidAfter: bigint,
  ): Promise<{ payeeId: string; publisherId: string; amount: bigint }[]> {
    const payees = await manager.query<
      { payee_id: string; publisher_id: string; earned: string; released: string }[]
    >(
      `SELECT s.payee_id, s.publisher_id, l.net AS earned,
              COALESCE((SELECT sum(r.amount) FROM invoice_payment_releases r
                          JOIN invoice_payments p ON p.id = r.payment_id
                         WHERE p.invoice_id = $1 AND r.payee_id = s.payee_id), 0) AS released
         FROM statement_invoices l JOIN statements s ON s.id = l.statement_id
        WHERE l.invoice_id = $1
        ORDER BY s.payee_id`,
      [invoice.id],
    );
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
