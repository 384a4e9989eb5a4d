import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { ReconciliationService } from './reconciliation.service';
import {
  RECONCILE_JOB,
  RECONCILIATION_QUEUE,
  ReconcileJob,
  SCHEDULED_RECONCILIATION_JOB,
} from './reconciliation.queue';
import { logWorkerError } from '../queue/queue-errors';

@Processor(RECONCILIATION_QUEUE, { concurrency: 1 })
export class ReconciliationProcessor extends WorkerHost {
  constructor(private readonly reconciliations: ReconciliationService) {
    super();
  }

  process(job: Job<ReconcileJob>): Promise<void> {
    if (job.name === SCHEDULED_RECONCILIATION_JOB) return this.reconciliations.scheduled();
    if (job.name === RECONCILE_JOB) return this.reconciliations.run(job.data.reconciliationId);
    return Promise.resolve();
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    logWorkerError(RECONCILIATION_QUEUE, error);
  }
}

/** The daily reconciliation (RECONCILIATION_CRON, UTC; "off" turns it off), one scheduler. */
@Injectable()
export class ReconciliationSchedule implements OnApplicationBootstrap {
  private readonly logger = new Logger(ReconciliationSchedule.name);

  constructor(
    private readonly reconciliations: ReconciliationService,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    // Not awaited: start-up must not wait on Redis (health answers 503 while it is down).
    void this.reconciliations
      .schedule(this.config.get('RECONCILIATION_CRON'))
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'could not schedule the daily reconciliation'),
      );
  }
}
