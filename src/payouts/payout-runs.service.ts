import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { PayeeService } from '../catalogue/payee.service';
import { Principal } from '../common/auth/principal';
import { Conflict, DomainError, ResourceNotFound } from '../common/errors/domain-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { isUuid, newId } from '../common/ids';
import {
  decodeCursor,
  DEFAULT_PAGE_SIZE,
  encodeCursor,
  MAX_PAGE_SIZE,
  Page,
  PageQuery,
  pageOf,
} from '../common/pagination/page';
import { LedgerService } from '../ledger/ledger.service';
import { AuditService } from '../organizations/audit.service';
import {
  CreatePayoutRunDto,
  ListPayoutItemsQuery,
  ListPayoutRunsQuery,
  PayoutExclusionResponse,
  PayoutItemResponse,
  PayoutRunResponse,
  PayoutRunSummaryResponse,
} from './dto/payout-run.dto';
import { loadCandidates } from './payout-candidates';
import { selectPayees } from './payout-eligibility';
import { moneyOf, releaseEntry, reservationEntry } from './payout-ledger';
import { PayoutDispatcher } from './payout-dispatcher';
import {
  PayoutExclusionRow,
  PayoutItemRow,
  PayoutItemViewRow,
  PayoutRunNamesRow,
  PayoutRunRow,
  PayoutRunTotalsRow,
  toPayoutExclusionResponse,
  toPayoutItemResponse,
  toPayoutRunResponse,
  toPayoutRunSummary,
} from './payout-run-response';
import {
  APPROVE_RUN,
  CANCEL_RUN,
  CANCEL_UNSENT_ITEMS,
  EXCLUSIONS_PAGE,
  INSERT_DRAFT_ITEMS,
  INSERT_EXCLUSIONS,
  INSERT_RUN,
  ITEMS_PAGE,
  MARK_ITEMS_PENDING,
  PENDING_ITEM_IDS,
  RUN,
  RUN_ITEMS,
  RUN_WITH_TOTALS,
  RUNS_PAGE,
  SET_RELEASE,
} from './payout-runs.queries';

/**
 * Payout runs: a draft lists who would be paid and who is left out; a second finance principal
 * approves it (four eyes), which reserves every amount in the ledger (payable → payout pending)
 * and queues one job per item; cancelling stops what has not been sent; resume re-queues what is
 * still pending.
 */
@Injectable()
export class PayoutRunsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
    private readonly payees: PayeeService,
    private readonly queue: PayoutDispatcher,
    private readonly audit: AuditService,
  ) {}

  async create(
    actor: Principal,
    dto: CreatePayoutRunDto,
    idempotency?: IdempotentRequest,
  ): Promise<PayoutRunResponse> {
    const minimum = BigInt(dto.minimumAmount ?? 1);
    const filter = dto.payeeIds ? [...new Set(dto.payeeIds)].sort() : null;
    const known = filter ? await this.payees.existing(filter) : [];
    if (filter && known.length !== filter.length) {
      const missing = filter.filter((id) => !known.some((p) => p.id === id));
      throw new ResourceNotFound('payee', missing.join(', '));
    }
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      const id = newId();
      const candidates = await loadCandidates(manager, this.ledger, dto.currency, filter, known);
      const selection = selectPayees(candidates, minimum);
      await manager.query(INSERT_RUN, [id, dto.currency, minimum.toString(), filter, actor.id]);
      const itemIds = selection.items.map(() => newId());
      await manager.query(INSERT_DRAFT_ITEMS, [
        id,
        dto.currency,
        itemIds,
        selection.items.map((i) => i.payeeId),
        selection.items.map((i) => i.organizationId),
        selection.items.map((i) => i.amount.toString()),
        selection.items.map((i) => i.stripeAccountId),
      ]);
      await manager.query(INSERT_EXCLUSIONS, [
        id,
        selection.excluded.map((e) => e.payeeId),
        selection.excluded.map((e) => e.organizationId),
        selection.excluded.map((e) => e.amount.toString()),
        selection.excluded.map((e) => e.reason),
      ]);
      await this.audit.record(manager, actor, {
        action: 'payout-run.create',
        resourceId: id,
        resourceOrganizationId: null,
        details: {
          currency: dto.currency,
          items: selection.items.length,
          excluded: selection.excluded.length,
        },
      });
      return { status: 201, body: await this.load(manager, id) };
    });
    return result.body;
  }

  get(id: string): Promise<PayoutRunResponse> {
    return this.load(this.dataSource.manager, id);
  }

  /**
   * Four eyes: only a finance principal other than the creator approves. Approval re-reads every
   * payable balance under the ledger's lock and refuses (409) a draft that no longer matches
   * them, so nobody is paid money they no longer have; then reserves and queues, once.
   */
  async approve(actor: Principal, id: string): Promise<PayoutRunResponse> {
    const itemIds = await this.dataSource.transaction(async (manager) => {
      const run = await this.lockRun(manager, id);
      if (run.created_by_principal_id === actor.id) {
        throw new DomainError(
          'four-eyes-required',
          403,
          'A payout run is approved by a finance principal other than the one who created it',
        );
      }
      if (run.status !== 'draft') {
        if (run.approved_by_principal_id === actor.id) return [];
        throw new Conflict('payout-run-not-draft', `Payout run ${id} is ${run.status}`, {
          state: run.status,
        });
      }
      const items = await this.items(manager, id);
      await this.ledger.lockForPosting(manager);
      const balances = new Map(
        (
          await this.ledger.balancesOf(
            manager,
            'payee-payable',
            run.currency,
            items.map((i) => i.payee_id),
          )
        ).map((b) => [b.ownerId, b.balance]),
      );
      const stale = items.filter((i) => (balances.get(i.payee_id) ?? 0n) < BigInt(i.amount));
      if (stale.length > 0) {
        throw new Conflict(
          'payout-run-stale',
          `Payable balances changed since the draft for ${stale.length} payee(s); create a new run`,
          { payeeIds: stale.map((i) => i.payee_id) },
        );
      }
      let reservation: string | null = null;
      if (items.length > 0) {
        reservation = (await this.ledger.post(manager, reservationEntry(id, items.map(moneyOf))))
          .id;
      }
      await manager.query(MARK_ITEMS_PENDING, [id]);
      await manager.query(APPROVE_RUN, [
        id,
        items.length > 0 ? 'executing' : 'completed',
        actor.id,
        reservation,
      ]);
      await this.audit.record(manager, actor, {
        action: 'payout-run.approve',
        resourceId: id,
        resourceOrganizationId: null,
        details: { items: items.length, reservationTransactionId: reservation },
      });
      return items.map((i) => i.id);
    });
    await this.queue.enqueue(itemIds);
    return this.get(id);
  }

  /**
   * Cancels a draft, or the items of an approved run that were never sent (their reservation
   * released); items already sent to Stripe finish on their own: their outcome is Stripe's.
   */
  async cancel(actor: Principal, id: string): Promise<PayoutRunResponse> {
    await this.dataSource.transaction(async (manager) => {
      const run = await this.lockRun(manager, id);
      if (run.status === 'completed' || run.status === 'cancelled') {
        throw new Conflict('payout-run-finished', `Payout run ${id} is ${run.status}`, {
          state: run.status,
        });
      }
      const [cancelled] = await manager.query<[PayoutItemRow[], number]>(CANCEL_UNSENT_ITEMS, [id]);
      for (const item of run.status === 'executing' ? cancelled : []) {
        const released = await this.ledger.post(
          manager,
          releaseEntry(moneyOf(item), 'run cancelled'),
        );
        await manager.query(SET_RELEASE, [item.id, released.id]);
      }
      await manager.query(CANCEL_RUN, [id, actor.id]);
      await this.audit.record(manager, actor, {
        action: 'payout-run.cancel',
        resourceId: id,
        resourceOrganizationId: null,
        details: { cancelledItems: cancelled.length, previousStatus: run.status },
      });
    });
    return this.get(id);
  }

  /** Runs, oldest first (ids are time-ordered), with their totals; by status and currency. */
  async list(query: ListPayoutRunsQuery): Promise<Page<PayoutRunSummaryResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.dataSource.query<
      (PayoutRunRow & PayoutRunTotalsRow & PayoutRunNamesRow)[]
    >(RUNS_PAGE, [
      query.status ?? null,
      query.currency ?? null,
      query.cursor ? decodeCursor(query.cursor) : null,
      limit + 1,
    ]);
    return pageOf(rows.slice(0, limit).map(toPayoutRunSummary), rows.length > limit);
  }

  /** A run's items a page at a time (a run may pay tens of thousands of payees). */
  async listItems(id: string, query: ListPayoutItemsQuery): Promise<Page<PayoutItemResponse>> {
    const run = await this.lockRun(this.dataSource.manager, id, false);
    return this.itemPage(this.dataSource.manager, run.id, query);
  }

  /** The payees a run left out, and why, a page at a time (by payee id). */
  async listExclusions(id: string, query: PageQuery): Promise<Page<PayoutExclusionResponse>> {
    const run = await this.lockRun(this.dataSource.manager, id, false);
    return this.exclusionPage(this.dataSource.manager, run.id, query);
  }

  private async itemPage(
    manager: EntityManager,
    runId: string,
    query: ListPayoutItemsQuery,
  ): Promise<Page<PayoutItemResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await manager.query<PayoutItemViewRow[]>(ITEMS_PAGE, [
      runId,
      query.status ?? null,
      query.cursor ? decodeCursor(query.cursor) : null,
      limit + 1,
    ]);
    return pageOf(rows.slice(0, limit).map(toPayoutItemResponse), rows.length > limit);
  }

  private async exclusionPage(
    manager: EntityManager,
    runId: string,
    query: PageQuery,
  ): Promise<Page<PayoutExclusionResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await manager.query<PayoutExclusionRow[]>(EXCLUSIONS_PAGE, [
      runId,
      query.cursor ? decodeCursor(query.cursor) : null,
      limit + 1,
    ]);
    const data = rows.slice(0, limit);
    const last = data[data.length - 1];
    return {
      data: data.map(toPayoutExclusionResponse),
      nextCursor: rows.length > limit && last ? encodeCursor(last.payee_id) : null,
    };
  }

  /** Queues again every item still pending (e.g. after a worker outage or exhausted retries). */
  async resume(_actor: Principal, id: string): Promise<PayoutRunResponse> {
    const run = await this.lockRun(this.dataSource.manager, id, false);
    const pending = await this.dataSource.query<{ id: string }[]>(PENDING_ITEM_IDS, [run.id]);
    await this.queue.requeue(pending.map((p) => p.id));
    return this.get(id);
  }

  private async lockRun(manager: EntityManager, id: string, lock = true): Promise<PayoutRunRow> {
    const [run] = isUuid(id) ? await manager.query<PayoutRunRow[]>(RUN(lock), [id]) : [];
    if (!run) throw new ResourceNotFound('payout-run', id);
    return run;
  }

  private items(manager: EntityManager, runId: string): Promise<PayoutItemRow[]> {
    return manager.query<PayoutItemRow[]>(RUN_ITEMS, [runId]);
  }

  private async load(manager: EntityManager, id: string): Promise<PayoutRunResponse> {
    const [run] = isUuid(id)
      ? await manager.query<(PayoutRunRow & PayoutRunTotalsRow & PayoutRunNamesRow)[]>(
          RUN_WITH_TOTALS,
          [id],
        )
      : [];
    if (!run) throw new ResourceNotFound('payout-run', id);
    const first = { limit: MAX_PAGE_SIZE };
    return toPayoutRunResponse(
      run,
      await this.itemPage(manager, id, first),
      await this.exclusionPage(manager, id, first),
    );
  }
}
