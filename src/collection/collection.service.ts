import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { isUuid } from '../common/ids';
import { invalidCursor } from '../common/pagination/number-cursor';
import { DEFAULT_PAGE_SIZE, Page } from '../common/pagination/page';
import { isCalendarDate, todayUtc } from '../common/validation/calendar-date';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { AuditService } from '../organizations/audit.service';
import {
  CollectionCreditRow,
  collectionOf,
  CollectionInvoiceRow,
  collectionsOf,
  creditsOf,
  overdueByLicensee,
  overdueInvoices,
  postedInvoices,
  PostedInvoiceRow,
} from './collection.queries';
import { retryIssuing } from './issuing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { issueInvoiceJob } from './collection.queue';
import {
  InvoiceCollectionResponse,
  InvoiceCollectionsQuery,
  InvoiceCollectionsResponse,
  IssueAgainResponse,
  OverdueByLicenseeQuery,
  OverdueByLicenseeResponse,
  OverdueInvoice,
  OverdueQuery,
} from './dto/collection.dto';

const CURSOR = /^o(\d{1,6})\.([0-9a-f-]{36})$/;

function toInvoiceCollection(
  invoice: PostedInvoiceRow,
  row: CollectionInvoiceRow | undefined,
  credit: CollectionCreditRow | undefined,
): InvoiceCollectionResponse {
  const amount = BigInt(invoice.amount);
  const paid = BigInt(invoice.paid);
  return {
    invoiceId: invoice.id,
    licenseeId: invoice.licensee_id,
    kind: amount < 0n ? 'credit-note' : 'invoice',
    currency: invoice.currency,
    amount: Number(amount),
    paid: Number(paid),
    outstanding: Number(amount - paid),
    status: row?.status ?? credit?.status ?? 'pending',
    stripeInvoiceId: row?.stripe_invoice_id ?? null,
    number: row?.number ?? null,
    hostedInvoiceUrl: row?.hosted_invoice_url ?? null,
    invoicePdf: row?.invoice_pdf ?? null,
    dueOn: row?.due_on ?? null,
    collectionMethod: row?.collection_method ?? null,
    attempts: row?.attempts ?? credit?.attempts ?? 0,
    failure: row?.failure ?? credit?.failure ?? null,
    issuedAt: (row?.issued_at ?? credit?.issued_at)?.toISOString() ?? null,
    credit: credit
      ? {
          method: credit.method,
          status: credit.status,
          refunded: Number(credit.refunded),
          credited: Number(credit.credited),
          stripeCreditNoteId: credit.stripe_credit_note_id,
          correctsInvoiceId: credit.corrects_invoice_id,
          failure: credit.failure,
        }
      : null,
  };
}

/**
 * What collection shows: an invoice's Stripe side (to its licensee and finance), what is overdue
 * (finance), and finance's second try at an invoice Stripe refused.
 */
@Injectable()
export class CollectionService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: CollectionDispatcher,
    private readonly audit: AuditService,
  ) {}

  async get(actor: Principal, invoiceId: string): Promise<InvoiceCollectionResponse> {
    const [found] = isUuid(invoiceId) ? await this.many(actor, [invoiceId]) : [];
    // Not collected through Stripe (collection was off when its run was posted, or it is zero),
    // or not this licensee's: 404 alike.
    if (!found) throw new ResourceNotFound('invoice-collection', invoiceId);
    return found;
  }

  async list(
    actor: Principal,
    query: InvoiceCollectionsQuery,
  ): Promise<InvoiceCollectionsResponse> {
    return { data: await this.many(actor, query.ids.toLowerCase().split(',')) };
  }

  /** The Stripe side of each of these invoices the caller may read (others are left out). */
  async many(actor: Principal, invoiceIds: string[]): Promise<InvoiceCollectionResponse[]> {
    const ids = [...new Set(invoiceIds)];
    const licenseeId = actor.role === 'licensee' ? actor.organizationId : null;
    // One snapshot: a payment recorded between two reads would show a status without its money.
    const [invoices, collections, credits] = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (manager) =>
        [
          await postedInvoices(manager, ids, licenseeId),
          await collectionsOf(manager, ids),
          await creditsOf(manager, ids),
        ] as const,
    );
    const collectionOf = new Map(collections.map((c) => [c.invoice_id, c]));
    const creditOf = new Map(credits.map((c) => [c.invoice_id, c]));
    return invoices
      .filter((i) => collectionOf.has(i.id) || creditOf.has(i.id))
      .sort((a, b) => ids.indexOf(a.id) - ids.indexOf(b.id))
      .map((i) => toInvoiceCollection(i, collectionOf.get(i.id), creditOf.get(i.id)));
  }

  /** Another try at an invoice still issuing (after Stripe refused it and the cause was fixed). */
  async issueAgain(actor: Principal, invoiceId: string): Promise<IssueAgainResponse> {
    const row = isUuid(invoiceId) ? await collectionOf(this.dataSource, invoiceId) : undefined;
    if (!row) throw new ResourceNotFound('invoice-collection', invoiceId);
    if (row.status !== 'issuing') {
      throw new Conflict(
        'invoice-already-issued',
        `Invoice ${invoiceId} is ${row.status} in Stripe`,
        {
          state: row.status,
        },
      );
    }
    await this.dataSource.transaction(async (manager) => {
      await retryIssuing(manager, invoiceId);
      await this.audit.record(manager, actor, {
        action: 'invoice.issue-again',
        resourceId: invoiceId,
        resourceOrganizationId: row.licensee_id,
        details: { failure: row.failure },
      });
    });
    await this.dispatcher.enqueue([issueInvoiceJob(invoiceId)]);
    return { invoiceId, status: 'issuing' };
  }

  async overdue(query: OverdueQuery): Promise<Page<OverdueInvoice>> {
    const asOf = this.asOf(query.asOf);
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    let after: { days: number; invoiceId: string } | null = null;
    if (query.cursor) {
      const match = CURSOR.exec(Buffer.from(query.cursor, 'base64url').toString());
      if (!match) throw invalidCursor();
      after = { days: Number(match[1]), invoiceId: match[2] };
    }
    const rows = await overdueInvoices(
      this.dataSource,
      asOf,
      after,
      query.licenseeId ?? null,
      limit + 1,
    );
    const data = rows.slice(0, limit).map((r) => ({
      invoiceId: r.invoice_id,
      licenseeId: r.licensee_id,
      licenseeName: r.licensee_name,
      currency: r.currency,
      amount: Number(r.amount),
      outstanding: Number(r.outstanding),
      dueOn: r.due_on,
      daysOverdue: r.days_overdue,
      status: r.status,
      number: r.number,
      hostedInvoiceUrl: r.hosted_invoice_url,
    }));
    const last = data[data.length - 1];
    return {
      data,
      nextCursor:
        rows.length > limit && last
          ? Buffer.from(`o${last.daysOverdue}.${last.invoiceId}`).toString('base64url')
          : null,
    };
  }

  async overdueByLicensee(query: OverdueByLicenseeQuery): Promise<OverdueByLicenseeResponse> {
    const asOf = this.asOf(query.asOf);
    const rows = await overdueByLicensee(this.dataSource, asOf);
    return {
      asOf,
      data: rows.map((r) => ({
        licenseeId: r.licensee_id,
        licenseeName: r.licensee_name,
        currency: r.currency,
        invoices: r.invoices,
        outstanding: Number(r.outstanding),
        oldestDaysOverdue: r.oldest_days_overdue,
      })),
    };
  }

  private asOf(value: string | undefined): string {
    const asOf = value ?? todayUtc();
    if (!isCalendarDate(asOf))
      throw new RequestValidationFailed([
        { field: 'asOf', messages: ['asOf is not a calendar date'] },
      ]);
    return asOf;
  }
}
