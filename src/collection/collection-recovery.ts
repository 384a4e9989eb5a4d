import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RecoverySweeper } from '../queue/recovery-sweeper';
import { dueToCredit, dueToIssue } from './issuing.queries';
import { nextSyncDue } from './syncing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { drainSyncsJob, issueCreditJob, issueInvoiceJob } from './collection.queue';

/**
 * Redis holds no money: at start and every 30 seconds the database says what collection has
 * left to do — invoices still issuing (not refused), credits pending, Stripe invoices marked and
 * due (also a failed read's, once its wait is over) — and their jobs are queued again (one still
 * queued is not added twice).
 */
@Injectable()
export class CollectionRecovery extends RecoverySweeper {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: CollectionDispatcher,
  ) {
    super({ everyMs: 30_000, failure: 'collection recovery sweep failed' });
  }

  protected async recover(atStart: boolean): Promise<void> {
    const age = atStart ? 0 : 30;
    const invoices = await dueToIssue(this.dataSource, age);
    const credits = await dueToCredit(this.dataSource, age);
    // One drain reads every due mark; adding it while one is queued or running is a no-op.
    const wait = await nextSyncDue(this.dataSource);
    const drain = wait !== null && wait <= 0 ? [drainSyncsJob()] : [];
    await this.dispatcher.enqueue([
      ...invoices.map((i) => issueInvoiceJob(i.invoice_id)),
      ...credits.map((c) => issueCreditJob(c.id)),
      ...drain,
    ]);
  }
}
