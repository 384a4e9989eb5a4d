import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RecoverySweeper } from '../queue/recovery-sweeper';
import { PayoutDispatcher } from './payout-dispatcher';
import { DUE_ITEMS, EXECUTING_RUNS } from './payout-items.queries';
import { PayoutSender } from './payout-sender';

/**
 * Redis holds no money: the database says what is due. At start and every minute, pending items
 * of executing runs not attempted in the last two minutes are queued again (a job still queued
 * is not added twice), and runs left with nothing pending are completed.
 */
@Injectable()
export class PayoutRecovery extends RecoverySweeper {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly queue: PayoutDispatcher,
    private readonly sender: PayoutSender,
  ) {
    super({ everyMs: 60_000, failure: 'payout recovery sweep failed' });
  }

  protected async recover(atStart: boolean): Promise<void> {
    const due = await this.dataSource.query<{ id: string }[]>(DUE_ITEMS, [atStart]);
    await this.queue.enqueue(due.map((d) => d.id));
    const runs = await this.dataSource.query<{ id: string }[]>(EXECUTING_RUNS);
    for (const run of runs) await this.sender.completeRun(run.id);
  }
}
