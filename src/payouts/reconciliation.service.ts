import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { logQueueErrors } from '../queue/queue-errors';
import { DataSource } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { BadRequest, ResourceNotFound } from '../common/errors/domain-error';
import { isUuid, newId } from '../common/ids';
import { decodeCursor, DEFAULT_PAGE_SIZE, Page, pageOf } from '../common/pagination/page';
import { AuditService } from '../organizations/audit.service';
import {
  CreateReconciliationDto,
  ListReconciliationsQuery,
  ReconciliationResponse,
  ReconciliationSummaryItemResponse,
} from './dto/reconciliation.dto';
import { Difference, reconcile, StripeBalanceTransaction, StripeTransfer } from './reconcile';
import {
  RECONCILE_JOB,
  RECONCILIATION_QUEUE,
  RECONCILIATION_SCHEDULER,
  ReconcileJob,
  SCHEDULED_RECONCILIATION_JOB,
} from './reconciliation.queue';
import {
  COMPLETE_RECONCILIATION,
  FAIL_RECONCILIATION,
  INSERT_RECONCILIATION,
  INSERT_SCHEDULED_RECONCILIATION,
  RECONCILIATION,
  RECONCILIATIONS_PAGE,
  RUNNING_RECONCILIATION,
  TRANSFERRED_ITEMS,
} from './reconciliations.queries';
import { StripeClient } from '../stripe/stripe-client';

interface ReconciliationRow {
  id: string;
  range_from: Date;
  range_to: Date;
  currency: string | null;
  status: string;
  requested_by_principal_id: string | null;
  requested_by_name: string | null;
  created_at: Date;
  completed_at: Date | null;
  summary: ReconciliationResponse['summary'];
  differences: Difference[] | null;
  error: string | null;
}

/**
 * Reconciliation: the paid items whose Stripe transfer was made in a range (whole seconds, as
 * Stripe counts `created`) against Stripe's transfers and balance transactions of the same
 * range; every difference is stored and reported. Runs on the queue (it pages through Stripe).
 */
@Injectable()
export class ReconciliationService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(RECONCILIATION_QUEUE) private readonly queue: Queue<ReconcileJob>,
    private readonly stripe: StripeClient,
    private readonly audit: AuditService,
  ) {
    logQueueErrors(queue);
  }

  async request(
    actor: Principal | null,
    dto: CreateReconciliationDto,
  ): Promise<ReconciliationResponse> {
    const from = new Date(dto.from);
    const to = new Date(dto.to);
    if (!(to > from)) {
      throw new BadRequest('invalid-range', '`to` must be after `from`', {
        errors: [{ field: 'to', messages: ['to must be after from'] }],
      });
    }
    const id = newId();
    await this.dataSource.transaction(async (manager) => {
      await manager.query(INSERT_RECONCILIATION, [
        id,
        from,
        to,
        dto.currency ?? null,
        actor?.id ?? null,
      ]);
      if (actor) {
        await this.audit.record(manager, actor, {
          action: 'reconciliation.create',
          resourceId: id,
          resourceOrganizationId: null,
          details: {
            from: from.toISOString(),
            to: to.toISOString(),
            currency: dto.currency ?? null,
          },
        });
      }
    });
    await this.enqueue(id);
    return this.get(id);
  }

  /** Schedules the daily job (a cron pattern, UTC), or removes it for `off`. */
  async schedule(pattern: string): Promise<void> {
    if (pattern === 'off') {
      await this.queue.removeJobScheduler(RECONCILIATION_SCHEDULER);
      return;
    }
    await this.queue.upsertJobScheduler(
      RECONCILIATION_SCHEDULER,
      { pattern, tz: 'UTC' },
      { name: SCHEDULED_RECONCILIATION_JOB, data: { reconciliationId: '' } },
    );
  }

  /** The scheduled one: yesterday (UTC), once per range. */
  async scheduled(now = new Date()): Promise<void> {
    const to = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const from = new Date(to.getTime() - 86_400_000);
    const [row] = await this.dataSource.query<{ id: string }[]>(INSERT_SCHEDULED_RECONCILIATION, [
      newId(),
      from,
      to,
    ]);
    if (row) await this.enqueue(row.id);
  }

  async get(id: string): Promise<ReconciliationResponse> {
    const [row] = isUuid(id)
      ? await this.dataSource.query<ReconciliationRow[]>(RECONCILIATION, [id])
      : [];
    if (!row) throw new ResourceNotFound('reconciliation', id);
    return toResponse(row);
  }

  /** Reconciliations, newest first, without their differences; by status and currency. */
  async list(query: ListReconciliationsQuery): Promise<Page<ReconciliationSummaryItemResponse>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await this.dataSource.query<Omit<ReconciliationRow, 'differences'>[]>(
      RECONCILIATIONS_PAGE,
      [
        query.status ?? null,
        query.currency ?? null,
        query.cursor ? decodeCursor(query.cursor) : null,
        limit + 1,
      ],
    );
    return pageOf(
      rows.slice(0, limit).map((row) => {
        const { differences: _differences, ...summary } = toResponse({ ...row, differences: [] });
        return summary;
      }),
      rows.length > limit,
    );
  }

  /** Runs one reconciliation (the queue's job); a failure is stored on it. */
  async run(id: string): Promise<void> {
    const [row] = await this.dataSource.query<ReconciliationRow[]>(RUNNING_RECONCILIATION, [id]);
    if (!row) return;
    const gte = Math.floor(row.range_from.getTime() / 1000);
    const lt = Math.floor(row.range_to.getTime() / 1000);
    const currency = row.currency?.toLowerCase();
    try {
      const transfers: StripeTransfer[] = [];
      for await (const t of this.stripe.sdk.transfers.list({ created: { gte, lt }, limit: 100 })) {
        if (currency && t.currency !== currency) continue;
        transfers.push({
          id: t.id,
          amount: t.amount,
          currency: t.currency,
          destination:
            typeof t.destination === 'string' ? t.destination : (t.destination?.id ?? ''),
          balanceTransaction: idOf(t.balance_transaction),
          payoutItemId: t.metadata?.payoutItemId ?? null,
        });
      }
      const balance: StripeBalanceTransaction[] = [];
      for await (const b of this.stripe.sdk.balanceTransactions.list({
        created: { gte, lt },
        type: 'transfer',
        limit: 100,
      })) {
        if (currency && b.currency !== currency) continue;
        balance.push({ id: b.id, amount: b.amount, currency: b.currency, source: idOf(b.source) });
      }
      const ledger = await this.dataSource.query<
        {
          id: string;
          transfer_id: string;
          amount: string;
          currency: string;
          stripe_account_id: string;
        }[]
      >(TRANSFERRED_ITEMS, [gte, lt, row.currency]);
      const result = reconcile(
        ledger.map((l) => ({
          itemId: l.id,
          transferId: l.transfer_id,
          amount: BigInt(l.amount),
          currency: l.currency,
          destination: l.stripe_account_id,
        })),
        transfers,
        balance,
      );
      await this.dataSource.query(COMPLETE_RECONCILIATION, [
        id,
        JSON.stringify(result.summary),
        JSON.stringify(result.differences),
      ]);
    } catch (error) {
      await this.dataSource.query(FAIL_RECONCILIATION, [
        id,
        error instanceof Error ? error.message : String(error),
      ]);
    }
  }

  private async enqueue(id: string): Promise<void> {
    await this.queue.add(
      RECONCILE_JOB,
      { reconciliationId: id },
      { jobId: `reconciliation-${id}`, removeOnComplete: true, removeOnFail: 100 },
    );
  }
}

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === 'string' ? value : value.id;
}

function toResponse(row: ReconciliationRow): ReconciliationResponse {
  return {
    id: row.id,
    status: row.status,
    from: row.range_from.toISOString(),
    to: row.range_to.toISOString(),
    currency: row.currency,
    requestedBy: row.requested_by_principal_id,
    requestedByName: row.requested_by_name,
    createdAt: row.created_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null,
    summary: row.summary,
    differences: row.differences ?? [],
    error: row.error,
  };
}
