import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { GroupCommit } from '../common/concurrency/group-commit';
import { isUuid } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { LedgerService } from '../ledger/ledger.service';
import { CollectedEntry, InvoicePaymentService } from '../royalties/invoice-payment.service';
import { StripeClient } from '../stripe/stripe-client';
import { collectionOf, CollectionInvoiceRow } from './collection.queries';
import { recordStripeInvoice } from './issuing.queries';
import {
  addOverpaid,
  claimOverpaid,
  claimSyncs,
  collectionsOfStripeInvoices,
  ClaimedSync,
  overpaidNotOnStripe,
  putBackSyncs,
  recordStates,
  STATUS_PLACE,
  StripeInvoiceState,
  unclaimOverpaid,
} from './syncing.queries';
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
 * How many marked Stripe invoices one job reads and applies together: their payments are
 * recorded in one database transaction, one turn of the ledger's writer lock for them all.
 */
export const SYNC_BATCH = 100;

/** Batches a drain has in flight at once: the reads of some overlap the writing of others. */
const DRAIN_LANES = 4;

/** The longest a mark whose reads keep failing waits before it is read again. */
const MAX_BACKOFF_MS = 5 * 60_000;

/** The most reads one transaction applies (several jobs' batches). */
const WRITE_GROUP = 1000;

/** A Stripe invoice read, with the platform invoice it is. */
interface Applied {
  row: CollectionInvoiceRow;
  invoice: Stripe.Invoice;
}

/** How far along a read of an invoice is: its status's place, then what it says was paid. */
const progress = (invoice: Stripe.Invoice) =>
  (STATUS_PLACE[invoice.status ?? ''] ?? 0) * 1e15 + invoice.amount_paid;

/**
 * Stripe invoices read again and applied: their state (status moving only forwards) and every
 * payment on them, each recorded once under Stripe's own id through the one payment path (the
 * receivable settled, the payees' earnings released), the licensee's credit Stripe applied at
 * finalizing recorded as a payment from that credit. Money Stripe collected beyond what is still
 * owed (the invoice was also paid by hand) is held as the licensee's credit, in the ledger and on
 * its Stripe balance, where the next invoice uses it.
 */
@Injectable()
export class InvoiceSync {
  private readonly logger = new Logger(InvoiceSync.name);
  private readonly writes = new GroupCommit<Applied>((applied) => this.write(applied), WRITE_GROUP);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly stripe: StripeClient,
    private readonly gate: CollectionGate,
    private readonly payments: InvoicePaymentService,
    private readonly ledger: LedgerService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Every due mark read and applied, until none is left: DRAIN_LANES lanes, each claiming
   * SYNC_BATCH marks (oldest first), reading them from Stripe at once and handing the reads to
   * the group writer, so reads of one batch overlap the writing of another. A mark made after
   * its claim stays for a later claim (or the next drain). A read or write that fails puts its
   * mark back, due after a wait that doubles with each failure; the drain goes on with the rest.
   */
  async drain(): Promise<void> {
    await Promise.all(Array.from({ length: DRAIN_LANES }, () => this.lane()));
  }

  private async lane(): Promise<void> {
    for (;;) {
      // Claimed before the read: the other events of the same change find nothing to read (one
      // read per change, not one per event); an event after this moment marks it again.
      const claimed = await claimSyncs(this.dataSource, SYNC_BATCH);
      if (!claimed.length) return;
      const { read, failed } = await this.readAll(claimed);
      try {
        await this.applyAll(read);
      } catch (error) {
        const ids = new Set(read.map((invoice) => invoice.id));
        failed.push(...claimed.filter((mark) => ids.has(mark.stripe_invoice_id)));
        this.logger.warn({ err: error }, 'Stripe invoices read but not applied; marks put back');
      }
      await putBackSyncs(
        this.dataSource,
        failed,
        this.config.get('COLLECTION_BACKOFF_MS'),
        MAX_BACKOFF_MS,
      );
      // Events still arriving: let their marks gather, so that the next claim's reads and write
      // serve many invoices instead of one or two each (the statements and commits per invoice
      // are what a stream of events costs the database).
      if (claimed.length < SYNC_BATCH) await sleep(this.config.get('COLLECTION_SYNC_GATHER_MS'));
    }
  }

  /**
   * The claimed Stripe invoices read: a licensee's several with one list call (its newest 100,
   * payments expanded), the rest — and any the list did not hold — one call each.
   */
  private async readAll(
    claimed: ClaimedSync[],
  ): Promise<{ read: Stripe.Invoice[]; failed: ClaimedSync[] }> {
    const byCustomer = new Map<string, ClaimedSync[]>();
    for (const mark of claimed) {
      if (!mark.stripe_customer_id) continue;
      const marks = byCustomer.get(mark.stripe_customer_id) ?? [];
      marks.push(mark);
      byCustomer.set(mark.stripe_customer_id, marks);
    }
    const listed = new Map<string, Stripe.Invoice>();
    await Promise.all(
      [...byCustomer].map(async ([customer, marks]) => {
        if (marks.length < 2) return;
        try {
          const page = await this.gate.call(() =>
            this.stripe.sdk.invoices.list({ customer, limit: 100, expand: ['data.payments'] }),
          );
          for (const invoice of page.data) listed.set(invoice.id, invoice);
        } catch (error) {
          // Read one by one below.
          this.logger.warn({ err: error, customer }, 'Stripe invoices not listed');
        }
      }),
    );
    const read: Stripe.Invoice[] = [];
    const failed: ClaimedSync[] = [];
    const single = claimed.filter((mark) => {
      const invoice = listed.get(mark.stripe_invoice_id);
      if (invoice) read.push(invoice);
      return !invoice;
    });
    const reads = await Promise.allSettled(
      single.map(({ stripe_invoice_id: id }) =>
        this.gate.call(() => this.stripe.sdk.invoices.retrieve(id, { expand: ['payments'] })),
      ),
    );
    reads.forEach((outcome, i) => {
      if (outcome.status === 'fulfilled') read.push(outcome.value);
      else {
        failed.push(single[i]);
        this.logger.warn(
          { err: outcome.reason as unknown, stripeInvoiceId: single[i].stripe_invoice_id },
          'Stripe invoice not read; its mark is put back',
        );
      }
    });
    return { read, failed };
  }

  /** What one read of a Stripe invoice says, applied (payments read too when it has some). */
  apply(read: Stripe.Invoice): Promise<void> {
    return this.applyAll([read]);
  }

  /**
   * What reads of Stripe invoices say, applied: in one database transaction with whatever the
   * other lanes (and the issuer) of this process hand in meanwhile (GroupCommit), then what was
   * paid twice over pushed to Stripe.
   */
  async applyAll(reads: Stripe.Invoice[]): Promise<void> {
    const rows = await this.ours(reads);
    const found: { row: CollectionInvoiceRow; read: Stripe.Invoice }[] = [];
    reads.forEach((read, i) => {
      const row = rows[i];
      if (row && read.status !== 'draft' && STATUSES[read.status ?? '']) found.push({ row, read });
    });
    if (!found.length) return;
    const applied = await Promise.all(
      found.map(async ({ row, read }) => ({
        row,
        invoice:
          !read.payments && read.amount_paid > 0
            ? await this.gate.call(() =>
                this.stripe.sdk.invoices.retrieve(read.id, { expand: ['payments'] }),
              )
            : read,
      })),
    );
    await this.writes.add(applied);
    const overpaid = await overpaidNotOnStripe(
      this.dataSource,
      applied.map(({ row }) => row.invoice_id),
    );
    for (const { row, invoice } of applied) {
      if (overpaid.includes(row.invoice_id))
        await this.creditOverpaidOnStripe(row.invoice_id, invoice);
    }
  }

  /**
   * Reads applied in one transaction: every payment through the payment path, then each
   * invoice's state. Two reads of one invoice (two lanes' reads in one group) give all their
   * payments (each recorded once by its Stripe id) and the state of the one further along.
   */
  private async write(applied: Applied[]): Promise<void> {
    const furthest = new Map<string, Applied>();
    for (const one of applied) {
      const other = furthest.get(one.row.invoice_id);
      if (!other || progress(one.invoice) > progress(other.invoice)) {
        furthest.set(one.row.invoice_id, one);
      }
    }
    await this.dataSource.transaction(async (manager) => {
      await this.recordPayments(manager, applied);
      await recordStates(
        manager,
        [...furthest.values()].map(({ row, invoice }) => ({
          invoiceId: row.invoice_id,
          state: {
            status: STATUSES[invoice.status ?? '']!,
            number: invoice.number,
            hostedInvoiceUrl: invoice.hosted_invoice_url ?? null,
            invoicePdf: invoice.invoice_pdf ?? null,
            collectionMethod: invoice.collection_method,
            dueOn: invoice.due_date ? dayOf(invoice.due_date) : null,
            amountPaid: invoice.amount_paid,
            amountRemaining: invoice.amount_remaining,
          },
        })),
      );
    });
  }

  /** The platform invoice each Stripe invoice is, by its id or (a lost answer) its metadata. */
  private async ours(reads: Stripe.Invoice[]): Promise<(CollectionInvoiceRow | undefined)[]> {
    const rows = await collectionsOfStripeInvoices(
      this.dataSource,
      reads.map((invoice) => invoice.id),
    );
    const byStripeId = new Map(rows.map((row) => [row.stripe_invoice_id, row]));
    return Promise.all(
      reads.map(async (invoice) => {
        const row = byStripeId.get(invoice.id);
        if (row) return row;
        const claimed = invoice.metadata?.rlInvoiceId;
        if (!claimed || !isUuid(claimed)) return undefined;
        await recordStripeInvoice(this.dataSource, claimed, invoice.id, invoice.created);
        const again = await collectionOf(this.dataSource, claimed);
        return again?.stripe_invoice_id === invoice.id ? again : undefined;
      }),
    );
  }

  /**
   * Every payment on the invoices, in one batch through the payment path: the credit Stripe
   * applied at finalizing, then each paid invoice payment; what an invoice could not take (paid
   * twice over) held as the licensee's credit.
   */
  private async recordPayments(manager: EntityManager, applied: Applied[]): Promise<void> {
    const payments: { invoiceId: string; entry: CollectedEntry; row: CollectionInvoiceRow }[] = [];
    for (const { row, invoice } of applied) {
      const credit =
        invoice.starting_balance < 0 ? (invoice.ending_balance ?? 0) - invoice.starting_balance : 0;
      if (credit > 0) {
        payments.push({
          invoiceId: row.invoice_id,
          row,
          entry: {
            source: 'credit',
            amount: BigInt(credit),
            receivedOn: dayOf(invoice.status_transitions.finalized_at ?? invoice.created),
            reference: `balance applied to ${invoice.id}`,
            stripeReference: `${invoice.id}-balance`,
          },
        });
      }
      for (const payment of invoice.payments?.data ?? []) {
        if (payment.status !== 'paid' || !payment.amount_paid) continue;
        payments.push({
          invoiceId: row.invoice_id,
          row,
          entry: {
            source: 'stripe',
            amount: BigInt(payment.amount_paid),
            receivedOn: dayOf(payment.status_transitions.paid_at ?? invoice.created),
            reference: idOf(payment.payment.charge) ?? idOf(payment.payment.payment_intent) ?? null,
            stripeReference: payment.id,
          },
        });
      }
    }
    // A Stripe payment whose excess is held already was applied when first seen: never again
    // (a refund since may have made room on the invoice, but that money is the licensee's credit).
    const held = await this.ledger.postedKeys(
      manager,
      payments.map((p) => excessKey(p.entry.stripeReference)),
    );
    const fresh = payments.filter((p) => !held.has(excessKey(p.entry.stripeReference)));
    const recorded = await this.payments.recordAllCollected(manager, fresh);
    const excesses = fresh
      .map((payment, i) => ({ ...payment, excess: recorded[i]?.excess ?? 0n }))
      .filter((payment) => payment.entry.source === 'stripe' && payment.excess > 0n);
    // Held once per Stripe payment, by the ledger entry's key (a payment the invoice could take
    // none of is recorded nowhere else).
    const posted = await this.ledger.postMany(
      manager,
      excesses.map(({ row, entry, excess }) => ({
        idempotencyKey: excessKey(entry.stripeReference),
        reason: `paid twice over on invoice ${row.invoice_id}: held as the licensee's credit`,
        refs: { invoiceId: row.invoice_id, stripeInvoicePaymentId: entry.stripeReference },
        postings: [
          {
            account: {
              type: 'platform-stripe-clearing',
              ownerId: null,
              organizationId: null,
              currency: row.currency,
            },
            amount: excess,
          },
          {
            account: {
              type: 'licensee-credit',
              ownerId: row.licensee_id,
              organizationId: row.licensee_id,
              currency: row.currency,
            },
            amount: -excess,
          },
        ],
      })),
    );
    for (const [i, { invoiceId, excess }] of excesses.entries()) {
      if (!posted[i].replayed) await addOverpaid(manager, invoiceId, excess);
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

/** The ledger key of what a Stripe payment brought beyond what its invoice could take. */
const excessKey = (stripeReference: string) => `collection-excess:${stripeReference}`;

function idOf(value: string | { id: string } | null | undefined): string | undefined {
  if (!value) return undefined;
  return typeof value === 'string' ? value : value.id;
}
