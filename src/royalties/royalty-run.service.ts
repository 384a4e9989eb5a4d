import { InjectQueue } from '@nestjs/bullmq';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Queue } from 'bullmq';
import { logQueueErrors } from '../queue/queue-errors';
import { DataSource, EntityManager } from 'typeorm';
import { isCalendarDate } from '../common/validation/calendar-date';
import { Principal } from '../common/auth/principal';
import { decodeCursor, pageOf } from '../common/pagination/page';
import { Conflict, ResourceNotFound } from '../common/errors/domain-error';
import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import { IdempotentRequest, runIdempotent } from '../common/idempotency/idempotency';
import { isUuid, newId } from '../common/ids';
import { AppConfig } from '../config/app-config';
import { JournalEntry, Posting } from '../ledger/journal-entry';
import { AccountKey } from '../ledger/ledger-accounts';
import { LedgerService } from '../ledger/ledger.service';
import { AuditService } from '../organizations/audit.service';
import { CreateRoyaltyRunDto, RoyaltyRunResponse } from './dto/royalty-run.dto';
import { CALCULATE_RUN_JOB, CalculateRunJob, ROYALTY_RUN_QUEUE } from './royalty-run.queue';
import { RunPostedListeners } from './run-posted';
import {
  insertRun,
  listRuns,
  lockPostings,
  markCalculating,
  markFailed,
  markPosted,
  postedOverlapping,
  postingInvoices,
  postingRepayments,
  postingShares,
  readRun,
  RunRow,
  staleAdjustments,
} from './royalty-run.queries';
import { groupBy } from '../common/group-by';

function toResponse(row: RunRow): RoyaltyRunResponse {
  return {
    id: row.id,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    status: row.status,
    commissionBps: row.commission_bps,
    summary: row.summary,
    calculationHash: row.calculation_hash?.toString('hex') ?? null,
    failure: row.failure,
    createdAt: row.created_at.toISOString(),
    calculatedAt: row.calculated_at?.toISOString() ?? null,
    postedAt: row.posted_at?.toISOString() ?? null,
  };
}

/**
 * Royalty runs (finance): created and calculated by a worker as a preview, recalculated until
 * posted, posted to the ledger once, atomically, and never changed after.
 */
@Injectable()
export class RoyaltyRunService {
  private readonly logger = new Logger(RoyaltyRunService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectQueue(ROYALTY_RUN_QUEUE) private readonly queue: Queue<CalculateRunJob>,
    private readonly ledger: LedgerService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly postedListeners: RunPostedListeners,
  ) {
    logQueueErrors(queue);
  }

  async create(
    actor: Principal,
    dto: CreateRoyaltyRunDto,
    idempotency?: IdempotentRequest,
  ): Promise<RoyaltyRunResponse> {
    const errors: FieldError[] = [];
    for (const field of ['periodStart', 'periodEnd'] as const) {
      if (!isCalendarDate(dto[field]))
        errors.push({ field, messages: [`${field} is not a calendar date`] });
    }
    if (!errors.length && dto.periodEnd < dto.periodStart) {
      errors.push({ field: 'periodEnd', messages: ['periodEnd is before periodStart'] });
    }
    if (errors.length) throw new RequestValidationFailed(errors);
    const result = await runIdempotent(this.dataSource, actor, idempotency, async (manager) => {
      await this.refusePosted(manager, dto.periodStart, dto.periodEnd);
      const id = newId();
      await insertRun(manager, {
        id,
        start: dto.periodStart,
        end: dto.periodEnd,
        commissionBps: this.config.get('PLATFORM_COMMISSION_BPS'),
        createdBy: actor.id,
      });
      await this.audit.record(manager, actor, {
        action: 'royalty-run.create',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { periodStart: dto.periodStart, periodEnd: dto.periodEnd },
      });
      return { status: 202, body: toResponse(await this.read(manager, id)) };
    });
    await this.enqueue(result.body.id);
    return result.body;
  }

  /** A calculated (or failed) run is calculated again from the data as it is now. */
  async recalculate(actor: Principal, id: string): Promise<RoyaltyRunResponse> {
    const run = await this.dataSource.transaction(async (manager) => {
      const current = await this.read(manager, id, true);
      if (current.status === 'posted' || current.status === 'calculating') {
        throw new Conflict(
          'invalid-transition',
          `Royalty run ${id} is ${current.status}; only a calculated or failed run can be recalculated`,
          { state: current.status },
        );
      }
      await markCalculating(manager, id);
      await this.audit.record(manager, actor, {
        action: 'royalty-run.recalculate',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: {},
      });
      return this.read(manager, id);
    });
    await this.enqueue(id);
    return toResponse(run);
  }

  /**
   * Posts a calculated run to the ledger in one transaction: per invoice, the licensee's
   * receivable is debited; the platform's commission and each payee's earnings (awaiting the
   * licensee's payment, or payable at once when so configured) are credited. Posting a posted
   * run answers it as it is; nothing is posted twice (the ledger's keys derive from the run).
   */
  async post(actor: Principal, id: string, seenHash?: string): Promise<RoyaltyRunResponse> {
    let postedNow = false;
    const run = await this.dataSource.transaction(async (manager) => {
      const current = await this.read(manager, id, true);
      const currentHash = current.calculation_hash?.toString('hex') ?? null;
      if (seenHash !== undefined && seenHash !== currentHash) {
        throw new Conflict(
          'calculation-changed',
          `Royalty run ${id} was recalculated since its figures were read: review them again before posting`,
          { calculationHash: currentHash, state: current.status },
        );
      }
      if (current.status === 'posted') return current;
      if (current.status !== 'calculated') {
        throw new Conflict(
          'invalid-transition',
          `Royalty run ${id} is ${current.status}; only a calculated run can be posted`,
          { state: current.status },
        );
      }
      await this.refusePosted(manager, current.period_start, current.period_end);
      await this.refuseStaleAdjustments(manager, current);
      await this.postToLedger(manager, current);
      await markPosted(manager, id, actor.id);
      await this.postedListeners.posting(manager, id);
      postedNow = true;
      await this.audit.record(manager, actor, {
        action: 'royalty-run.post',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { summary: current.summary },
      });
      return this.read(manager, id);
    });
    if (postedNow) await this.postedListeners.posted(id);
    return toResponse(run);
  }

  /** Every run, newest first. */
  async list(
    limit = 50,
    cursor?: string,
  ): Promise<{ data: RoyaltyRunResponse[]; nextCursor: string | null }> {
    const before = cursor ? decodeCursor(cursor) : null;
    const rows = await listRuns(this.dataSource, before, limit + 1);
    const data = rows.slice(0, limit).map(toResponse);
    return pageOf(data, rows.length > limit);
  }

  async get(id: string): Promise<RoyaltyRunResponse> {
    return toResponse(await this.read(this.dataSource.manager, id));
  }

  async enqueue(runId: string): Promise<void> {
    try {
      await this.queue.add(
        CALCULATE_RUN_JOB,
        { runId },
        {
          jobId: `${runId}-${Date.now()}`,
          attempts: 3,
          backoff: { type: 'exponential', delay: 2000 },
          removeOnComplete: true,
          removeOnFail: 100,
        },
      );
    } catch (error) {
      this.logger.warn({ err: error, runId }, 'could not queue the run; recovery will');
    }
  }

  async fail(runId: string, reason: string): Promise<void> {
    await markFailed(this.dataSource, runId, reason.slice(0, 1000));
  }

  private async postToLedger(manager: EntityManager, run: RunRow): Promise<void> {
    const earnings = this.config.get('EARNINGS_PAYABLE_AT_ONCE')
      ? 'payee-payable'
      : 'payee-awaiting-collection';
    const invoices = await postingInvoices(manager, run.id);
    const shares = groupBy(await postingShares(manager, run.id), (row) => row.invoice_id);
    const repayments = groupBy(await postingRepayments(manager, run.id), (row) => row.invoice_id);
    const entries: JournalEntry[] = [];
    for (const invoice of invoices) {
      const receivable: AccountKey = {
        type: 'licensee-receivable',
        ownerId: invoice.licensee_id,
        organizationId: invoice.licensee_id,
        currency: invoice.currency,
      };
      // A credit note (a negative amount) credits the receivable and debits the commission.
      const postings: Posting[] = [];
      if (BigInt(invoice.amount) !== 0n) {
        postings.push({ account: receivable, amount: BigInt(invoice.amount) });
      }
      if (BigInt(invoice.commission) !== 0n) {
        postings.push({
          account: {
            type: 'platform-commission',
            ownerId: null,
            organizationId: null,
            currency: invoice.currency,
          },
          amount: -BigInt(invoice.commission),
        });
      }
      for (const share of shares.get(invoice.id) ?? []) {
        const net = BigInt(share.net);
        if (net === 0n) continue;
        postings.push({
          account: {
            // Earnings wait for the licensee's payment; what a restatement takes back (a negative
            // net) and what a credit note carries wait for nothing: payable at once, which may
            // leave the payee's payable negative, carried into its next earnings.
            type: net > 0n && BigInt(invoice.amount) > 0n ? earnings : 'payee-payable',
            ownerId: share.payee_id,
            organizationId: share.publisher_id,
            currency: invoice.currency,
          },
          amount: -BigInt(share.net),
        });
      }
      for (const repayment of repayments.get(invoice.id) ?? []) {
        // The payee's debt to its publisher shrinks by what its earnings repaid.
        const amount = BigInt(repayment.amount);
        postings.push(
          {
            account: {
              type: 'payee-advance',
              ownerId: repayment.payee_id,
              organizationId: repayment.publisher_id,
              currency: invoice.currency,
            },
            amount: -amount,
          },
          {
            account: {
              type: 'payee-advance',
              ownerId: repayment.default_payee_id,
              organizationId: repayment.publisher_id,
              currency: invoice.currency,
            },
            amount,
          },
        );
      }
      if (!postings.length) continue;
      entries.push({
        idempotencyKey: `royalty-run:${run.id}:invoice:${invoice.id}`,
        reason: `royalties ${run.period_start} to ${run.period_end}`,
        refs: { royaltyRunId: run.id, invoiceId: invoice.id },
        postings,
      });
    }
    // One ledger transaction per invoice, written together (a few statements for the run).
    await this.ledger.postMany(manager, entries);
  }

  /**
   * A run's adjustments are the difference from what each posted period was settled on when the
   * run was calculated: if another run has since posted adjustments of the same period, posting
   * this one would restate it twice. Recalculating prices what is left.
   */
  private async refuseStaleAdjustments(manager: EntityManager, run: RunRow): Promise<void> {
    // Posting runs one at a time: the check and the posting see the same settled state.
    await lockPostings(manager);
    const [other] = await staleAdjustments(manager, run.id);
    if (other) {
      throw new Conflict(
        'adjustments-stale',
        `Royalty run ${other.id} posted adjustments of the same periods after run ${run.id} was calculated; recalculate it first`,
        { postedRunId: other.id },
      );
    }
  }

  /** One posted run per period: a period that overlaps a posted one is refused. */
  private async refusePosted(manager: EntityManager, start: string, end: string): Promise<void> {
    const [posted] = await postedOverlapping(manager, start, end);
    if (posted) {
      throw new Conflict(
        'period-already-posted',
        `Royalty run ${posted.id} already posted ${posted.period_start} to ${posted.period_end}; later usage for it is settled in the next run`,
        { postedRunId: posted.id },
      );
    }
  }

  private async read(manager: EntityManager, id: string, lock = false): Promise<RunRow> {
    const [row] = isUuid(id) ? await readRun(manager, id, lock) : [];
    if (!row) throw new ResourceNotFound('royalty-run', id);
    return row;
  }
}
