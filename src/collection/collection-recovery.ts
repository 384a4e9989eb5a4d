import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { RecoverySweeper } from '../queue/recovery-sweeper';
import { dueToCredit, dueToIssue } from './issuing.queries';
import { staleSyncs } from './syncing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { issueCreditJob, issueInvoiceJob, syncInvoiceJob } from './collection.queue';

/**
 * Redis holds no money: at start and every 30 seconds the database says what collection has
 * left to do — invoices still issuing (not refused), credits pending, Stripe invoices marked more
 * than 30 seconds ago — and their jobs are queued again (one still queued is not added twice).
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
    const syncs = await staleSyncs(this.dataSource, age);
    await this.dispatcher.enqueue([
      ...invoices.map((i) => issueInvoiceJob(i.invoice_id)),
      ...credits.map((c) => issueCreditJob(c.id)),
      ...syncs.map((s) => syncInvoiceJob(s.stripe_invoice_id, s.mark)),
    ]);
  }
}
