import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { logQueueErrors } from '../queue/queue-errors';
import { COLLECTION_QUEUE, CollectionJob, collectionJobId } from './collection.queue';

const BATCH = 1000;

/**
 * Puts collection's work on its queue, retried with exponential backoff. The database says what
 * is unfinished (invoices issuing, credits pending, Stripe invoices marked), so a job Redis lost
 * is found again by the recovery sweep; a job still queued is not added twice.
 */
@Injectable()
export class CollectionDispatcher {
  constructor(
    @InjectQueue(COLLECTION_QUEUE) private readonly queue: Queue,
    private readonly config: AppConfig,
  ) {
    logQueueErrors(queue);
  }

  /** Jobs queued (those still queued under the same id are not added twice), after `delayMs`. */
  async enqueue(jobs: CollectionJob[], delayMs?: number): Promise<void> {
    for (let i = 0; i < jobs.length; i += BATCH) {
      await this.queue.addBulk(
        jobs.slice(i, i + BATCH).map((job) => ({
          name: job.name,
          data: job.data,
          opts: {
            jobId: collectionJobId(job),
            attempts: this.config.get('COLLECTION_ATTEMPTS'),
            backoff: { type: 'exponential', delay: this.config.get('COLLECTION_BACKOFF_MS') },
            removeOnComplete: true,
            removeOnFail: true,
            delay: delayMs,
          },
        })),
      );
    }
  }
}
