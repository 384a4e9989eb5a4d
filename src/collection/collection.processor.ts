import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Job, UnrecoverableError, Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { closeWorker } from '../queue/close-worker';
import { redisConnectionOptions } from '../queue/redis-connection';
import { classifyStripeError } from '../stripe/stripe-outcome';
import { ChargeSync } from './charge-sync';
import {
  COLLECTION_QUEUE,
  CollectionJob,
  ISSUE_CREDIT_JOB,
  ISSUE_INVOICE_JOB,
  SYNC_CHARGE_JOB,
  DRAIN_SYNCS_JOB,
  drainSyncsJob,
  TELL_OUT_OF_BAND_JOB,
} from './collection.queue';
import { CreditIssuer } from './credit-issuer';
import { InvoiceIssuer } from './invoice-issuer';
import { InvoiceSync } from './invoice-sync';
import { nextSyncDue } from './syncing.queries';
import { CollectionDispatcher } from './collection-dispatcher';
import { OutOfBandTeller } from './out-of-band-teller';

/**
 * Collection's worker: issuing invoices and credits, reading Stripe invoices and charges again,
 * telling Stripe of payments made by hand. Thin: each job calls the one class that does it.
 * Stripe's pace is kept by the call gate, not here; what Stripe refused is recorded and not
 * retried (finance acts on it), anything else retries with backoff.
 */
@Injectable()
export class CollectionProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CollectionProcessor.name);
  private worker?: Worker<unknown>;

  constructor(
    private readonly config: AppConfig,
    private readonly issuer: InvoiceIssuer,
    private readonly credits: CreditIssuer,
    private readonly invoices: InvoiceSync,
    private readonly charges: ChargeSync,
    private readonly outOfBand: OutOfBandTeller,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly dispatcher: CollectionDispatcher,
  ) {}

  onApplicationBootstrap(): void {
    this.worker = new Worker(COLLECTION_QUEUE, (job) => this.process(job), {
      connection: redisConnectionOptions(this.config.get('REDIS_URL')),
      prefix: `${this.config.get('REDIS_PREFIX')}:bull`,
      concurrency: this.config.get('COLLECTION_CONCURRENCY'),
      // A dead worker's job is taken over once its lock lapses; it starts again from what the
      // database and Stripe say (each step is keyed), so nothing is issued twice.
      lockDuration: this.config.get('COLLECTION_JOB_LOCK_MS'),
      stalledInterval: this.config.get('COLLECTION_JOB_LOCK_MS'),
      maxStalledCount: 100,
    });
    // A mark made after the drain's last claim, while the drain was still running, added no job
    // (its id was taken): once the drain is gone (removed as it completed), look again; marks put
    // back after a failed read get a drain for when they are due.
    this.worker.on('completed', (job) => {
      if (job.name === DRAIN_SYNCS_JOB) void this.drainAgainIfDue();
    });
    this.worker.on('failed', (job, error) => {
      this.logger.warn({ err: error, job: job?.id }, 'collection job failed');
    });
    this.worker.on('error', (error) =>
      this.logger.error({ err: error }, 'collection worker error'),
    );
  }

  /** Another drain if a mark is due, or one for when the first mark put back is. */
  private async drainAgainIfDue(): Promise<void> {
    try {
      const wait = await nextSyncDue(this.dataSource);
      if (wait === null) return;
      if (wait <= 0) await this.dispatcher.enqueue([drainSyncsJob()]);
      else await this.dispatcher.enqueue([drainSyncsJob(true)], Math.ceil(wait));
    } catch (error) {
      this.logger.warn({ err: error }, 'no second drain queued; the recovery sweep will');
    }
  }

  /** Jobs in flight get a few seconds; an abandoned one starts again from what Stripe has. */
  onApplicationShutdown(): Promise<void> {
    return closeWorker(this.worker);
  }

  private async process(job: Job): Promise<void> {
    const task = { name: job.name, data: job.data as unknown } as CollectionJob;
    try {
      await this.run(task);
    } catch (error) {
      // Refused by Stripe: recorded where finance sees it; trying again would be refused again.
      if (classifyStripeError(error).kind === 'refused')
        throw new UnrecoverableError(String(error));
      throw error;
    }
  }

  private run(job: CollectionJob): Promise<void> {
    switch (job.name) {
      case ISSUE_INVOICE_JOB:
        return this.issuer.issue(job.data.invoiceId);
      case ISSUE_CREDIT_JOB:
        return this.credits.issue(job.data.creditId);
      case DRAIN_SYNCS_JOB:
        return this.invoices.drain();
      case SYNC_CHARGE_JOB:
        return this.charges.sync(job.data.chargeId);
      case TELL_OUT_OF_BAND_JOB:
        return this.outOfBand.tell(job.data.invoiceId);
    }
  }
}
