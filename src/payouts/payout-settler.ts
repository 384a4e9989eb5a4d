import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { newId } from '../common/ids';
import { LedgerService } from '../ledger/ledger.service';
import { COMPLETE_RUN, MARK_SETTLED, UNSETTLED_PAID_ITEMS } from './payout-items.queries';
import { moneyOf, settlementEntry } from './payout-ledger';
import { PayoutItemRow } from './payout-run-response';

const BATCH = 2000;

/**
 * Posts the ledger side of paid items in batches: every paid item not yet settled (the outbox
 * the sender writes) is settled in one journal transaction per round, and the items point at
 * it, in the same database transaction. The ledger takes one writer at a time, so one posting
 * per transfer would cap payouts at the database's commit rate; one per round does not.
 * Rounds run on `nudge` (after each payment) and on a timer where workers run, and resume from
 * the database after any crash (SKIP LOCKED lets two settlers share the work).
 */
@Injectable()
export class PayoutSettler {
  private readonly logger = new Logger(PayoutSettler.name);
  private running?: Promise<void>;
  private again = false;
  private enabled = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: LedgerService,
  ) {}

  /** Where workers run: settle on nudges (the timer is PayoutSettlerLoop's). */
  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
    this.again = false;
  }

  /** Asks for a round soon; rounds never overlap in a process. */
  nudge(): void {
    if (!this.enabled) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.nudge();
      }
    });
  }

  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private async drain(): Promise<void> {
    try {
      while ((await this.settle()) === BATCH);
    } catch (error) {
      this.logger.warn({ err: error }, 'payout settlement round failed; the next one retries');
    }
  }

  /** One round: settles up to BATCH paid items; returns how many. */
  async settle(): Promise<number> {
    const { count, runs } = await this.dataSource.transaction(async (manager) => {
      const items = await manager.query<PayoutItemRow[]>(UNSETTLED_PAID_ITEMS(BATCH));
      if (items.length === 0) return { count: 0, runs: [] };
      const posted = await this.ledger.post(manager, settlementEntry(newId(), items.map(moneyOf)));
      await manager.query(MARK_SETTLED, [posted.id, items.map((i) => i.id)]);
      return { count: items.length, runs: [...new Set(items.map((i) => i.run_id))] };
    });
    for (const runId of runs) await this.completeRun(runId);
    return count;
  }

  /**
   * A run is completed when none of its items is pending or paid but unsettled. Checked after
   * each commit that may finish one, so of two finishing together the later check sees both.
   */
  async completeRun(runId: string): Promise<void> {
    await this.dataSource.query(COMPLETE_RUN, [runId]);
  }
}
