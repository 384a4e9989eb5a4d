import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { PayoutDispatcher } from './payout-dispatcher';
import { PayoutSender } from './payout-sender';

const SWEEP_EVERY_MS = 60_000;

/**
 * Redis holds no money: the database says what is due. At start and every minute, pending items
 * of executing runs not attempted in the last two minutes are queued again (a job still queued
 * is not added twice), and runs left with nothing pending are completed.
 */
@Injectable()
export class PayoutRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PayoutRecovery.name);
  private timer?: NodeJS.Timeout;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: PayoutDispatcher,
    private readonly sender: PayoutSender,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep(true);
    this.timer = setInterval(() => void this.sweep(false), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(atStart: boolean): Promise<void> {
    try {
      const due = await this.dataSource.query<{ id: string }[]>(
        `SELECT i.id FROM payout_items i JOIN payout_runs r ON r.id = i.run_id
          WHERE i.status = 'pending' AND r.status IN ('executing', 'cancelled')
            AND ($1 OR i.last_attempt_at IS NULL OR i.last_attempt_at < now() - interval '2 minutes')
          ORDER BY i.id`,
        [atStart],
      );
      await this.queue.enqueue(due.map((d) => d.id));
      const runs = await this.dataSource.query<{ id: string }[]>(
        `SELECT id FROM payout_runs WHERE status = 'executing'`,
      );
      for (const run of runs) await this.sender.completeRun(run.id);
    } catch (error) {
      this.logger.warn({ err: error }, 'payout recovery sweep failed');
    }
  }
}
