import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { RunPostedListeners } from '../royalties/run-posted';
import { seedCredits, seedInvoices } from './issuing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { issueCreditJob, issueInvoiceJob } from './collection.queue';

/**
 * A posted run's invoices become collection's work in the posting's own transaction (the
 * outbox: a run is never posted without them), and their jobs are queued once it commits. With
 * COLLECTION_THROUGH_STRIPE off, nothing is issued and payments are recorded by hand.
 */
@Injectable()
export class RunSeeding implements OnModuleInit {
  private readonly logger = new Logger(RunSeeding.name);
  private readonly seeded = new Map<string, { invoices: string[]; credits: string[] }>();

  constructor(
    private readonly posted: RunPostedListeners,
    private readonly dispatcher: CollectionDispatcher,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.get('COLLECTION_THROUGH_STRIPE')) return;
    this.posted.onPosting((manager, runId) => this.seed(manager, runId));
    this.posted.on((runId) => this.queue(runId));
  }

  private async seed(manager: EntityManager, runId: string): Promise<void> {
    const invoices = await seedInvoices(manager, runId);
    const credits = await seedCredits(manager, runId);
    this.seeded.set(runId, {
      invoices: invoices.map((i) => i.invoice_id),
      credits: credits.map((c) => c.id),
    });
  }

  private async queue(runId: string): Promise<void> {
    const seeded = this.seeded.get(runId);
    this.seeded.delete(runId);
    if (!seeded) return;
    await this.dispatcher.enqueue([
      ...seeded.invoices.map(issueInvoiceJob),
      ...seeded.credits.map(issueCreditJob),
    ]);
    this.logger.log(
      { runId, invoices: seeded.invoices.length, credits: seeded.credits.length },
      'posted run queued for collection',
    );
  }
}
