import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import Stripe from 'stripe';
import { DataSource, EntityManager } from 'typeorm';
import { LedgerService } from '../ledger/ledger.service';
import {
  CLAIM_ITEM,
  FINISH_UNPAID,
  LOCK_ITEM,
  MARK_ATTEMPT,
  NOTE_UNKNOWN_OUTCOME,
  OPEN_HOLD_REASON,
  RECORD_PAID,
  RUN_STATUS,
  UNMARK_SENT,
} from './payout-items.queries';
import { moneyOf, releaseEntry } from './payout-ledger';
import { PayoutSettler } from './payout-settler';
import { PayoutItemRow } from './payout-run-response';
import { StripeClient } from '../stripe/stripe-client';
import { classifyStripeError } from '../stripe/stripe-outcome';

/** Stripe answered 429: nothing was done; the queue should pause and try again. */
export class StripeThrottled extends Error {}

/** The call may or may not have made a transfer: retry later, which looks it up first. */
export class PayoutOutcomeUnknown extends Error {}

type Claim =
  | { kind: 'done' }
  | { kind: 'cancelled'; runId: string }
  | { kind: 'send'; item: PayoutItemRow; sentBefore: boolean };

/**
 * Sends one payout item to Stripe, at most once:
 * 1. claim: mark the attempt in the database (committed) before any call, so a cancellation
 *    cannot cancel an item that may have been sent, and a later attempt knows to look first;
 * 2. if an earlier attempt may have reached Stripe, look the transfer up (its transfer group
 *    is the item's idempotency key, its metadata the item id) and record it if found;
 * 3. otherwise create it with the item's idempotency key (Stripe returns the first result for
 *    a key it has seen, so even a lookup that missed an in-flight request cannot pay twice);
 * 4. record the outcome: paid (the settler then posts payout pending → Stripe clearing, in
 *    batches), refused (failed with Stripe's reason, reservation released), or unknown (left
 *    pending, retried).
 */
@Injectable()
export class PayoutSender {
  private readonly logger = new Logger(PayoutSender.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly stripe: StripeClient,
    private readonly settler: PayoutSettler,
  ) {}

  async send(itemId: string): Promise<void> {
    const claim = await this.claim(itemId);
    if (claim.kind !== 'send') return;
    const { item } = claim;
    if (claim.sentBefore) {
      const found = await this.lookUp(item);
      if (found) return this.recordPaid(item, found);
    }
    let transfer: Stripe.Transfer;
    try {
      transfer = await this.stripe.sdk.transfers.create(
        {
          amount: Number(item.amount),
          currency: item.currency.toLowerCase(),
          destination: item.stripe_account_id,
          transfer_group: item.idempotency_key,
          description: `Rights Ledger payout ${item.id}`,
          metadata: { payoutItemId: item.id, payoutRunId: item.run_id, payeeId: item.payee_id },
        },
        { idempotencyKey: item.idempotency_key },
      );
    } catch (error) {
      const failure = classifyStripeError(error);
      switch (failure.kind) {
        case 'refused':
          return this.recordRefused(item, failure.code, failure.message);
        case 'throttled':
          // A 429 did nothing; if no earlier attempt reached Stripe either, the item is unsent
          // again (and so may still be cancelled), unless another attempt has started since.
          if (!claim.sentBefore) {
            await this.dataSource.query(UNMARK_SENT, [item.id, item.attempts + 1]);
          }
          throw new StripeThrottled(failure.message);
        case 'unknown':
          await this.dataSource.query(NOTE_UNKNOWN_OUTCOME, [
            item.id,
            failure.code,
            failure.message,
          ]);
          throw new PayoutOutcomeUnknown(`payout ${item.id}: ${failure.message}`);
      }
    }
    await this.recordPaid(item, transfer);
  }

  /** The transfer Stripe made for this item, if any: by transfer group, checked by metadata. */
  async lookUp(item: PayoutItemRow): Promise<Stripe.Transfer | undefined> {
    try {
      const page = await this.stripe.sdk.transfers.list({
        transfer_group: item.idempotency_key,
        limit: 10,
      });
      return page.data.find((t) => t.metadata?.payoutItemId === item.id);
    } catch (error) {
      const failure = classifyStripeError(error);
      if (failure.kind === 'throttled') throw new StripeThrottled(failure.message);
      throw new PayoutOutcomeUnknown(`payout ${item.id}: lookup failed: ${failure.message}`);
    }
  }

  /** Records a transfer Stripe made for a pending item (from the worker or a webhook), once. */
  async recordPaid(item: PayoutItemRow, transfer: Stripe.Transfer): Promise<void> {
    if (
      transfer.amount !== Number(item.amount) ||
      transfer.currency !== item.currency.toLowerCase() ||
      transfer.destination !== item.stripe_account_id
    ) {
      this.logger.error(
        { itemId: item.id, transferId: transfer.id },
        'Stripe transfer does not match its payout item; left pending for reconciliation',
      );
      throw new PayoutOutcomeUnknown(`transfer ${transfer.id} does not match payout ${item.id}`);
    }
    // The ledger entry (payout pending → Stripe clearing) is posted by the settler, batched;
    // this row is its outbox: paid and not yet settled.
    await this.dataSource.query(RECORD_PAID, [item.id, transfer.id, transfer.created]);
    this.settler.nudge();
  }

  private async recordRefused(item: PayoutItemRow, code: string, message: string): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const current = await this.lock(manager, item.id);
      if (current?.status !== 'pending') return;
      await this.finishUnpaid(manager, current, 'failed', code, message);
    });
    await this.completeRun(item.run_id);
  }

  private async finishUnpaid(
    manager: EntityManager,
    item: PayoutItemRow,
    status: 'failed' | 'cancelled',
    code: string,
    message: string,
  ): Promise<void> {
    const released = await this.ledger.post(manager, releaseEntry(moneyOf(item), code));
    await manager.query(FINISH_UNPAID, [item.id, status, code, message, released.id]);
  }

  /**
   * Marks an attempt before calling Stripe. An item never sent whose run was cancelled, or whose
   * payee was put on hold, is cancelled instead (reservation released).
   */
  private async claim(itemId: string): Promise<Claim> {
    // The usual case in one statement (one commit): a pending item, sent before or free to send.
    // (An UPDATE answers [rows, count] through TypeORM.)
    const [[claimed]] = await this.dataSource.query<
      [(PayoutItemRow & { previously_sent_at: Date | null })[], number]
    >(CLAIM_ITEM, [itemId]);
    if (claimed) {
      return {
        kind: 'send',
        item: { ...claimed, attempts: claimed.attempts - 1 },
        sentBefore: claimed.previously_sent_at !== null,
      };
    }
    return this.claimSlowly(itemId);
  }

  /** Everything else: not pending, or never sent and its run cancelled or its payee held. */
  private async claimSlowly(itemId: string): Promise<Claim> {
    const claim = await this.dataSource.transaction(async (manager): Promise<Claim> => {
      const item = await this.lock(manager, itemId);
      if (item?.status !== 'pending') return { kind: 'done' };
      if (!item.first_sent_at) {
        const [run] = await manager.query<{ status: string }[]>(RUN_STATUS, [item.run_id]);
        if (run.status === 'cancelled') {
          await this.finishUnpaid(
            manager,
            item,
            'cancelled',
            'run-cancelled',
            'The run was cancelled',
          );
          return { kind: 'cancelled', runId: item.run_id };
        }
        const [hold] = await manager.query<{ reason: string }[]>(OPEN_HOLD_REASON, [item.payee_id]);
        if (hold) {
          await this.finishUnpaid(manager, item, 'cancelled', 'payee-on-hold', hold.reason);
          return { kind: 'cancelled', runId: item.run_id };
        }
      }
      await manager.query(MARK_ATTEMPT, [itemId]);
      return { kind: 'send', item, sentBefore: item.first_sent_at !== null };
    });
    if (claim.kind === 'cancelled') await this.completeRun(claim.runId);
    return claim;
  }

  private async lock(manager: EntityManager, itemId: string): Promise<PayoutItemRow | undefined> {
    const [item] = await manager.query<PayoutItemRow[]>(LOCK_ITEM, [itemId]);
    return item;
  }

  completeRun(runId: string): Promise<void> {
    return this.settler.completeRun(runId);
  }
}
