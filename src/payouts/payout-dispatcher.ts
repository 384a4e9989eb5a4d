import { InjectQueue } from '@nestjs/bullmq';
import { Injectable } from '@nestjs/common';
import { Queue } from 'bullmq';
import { logQueueErrors } from '../queue/queue-errors';
import { AppConfig } from '../config/app-config';
import { PAYOUT_QUEUE, payoutJobId, SEND_PAYOUT_JOB, SendPayoutJob } from './payout.queue';

const BATCH = 1000;

/**
 * Puts payout items on the queue: one job per item, retried with exponential backoff. The
 * database says which items are due (pending items of executing runs), so a lost job is found
 * again by the recovery sweep or a resume; a job still on the queue is not added twice.
 */
@Injectable()
export class PayoutDispatcher {
  constructor(
    @InjectQueue(PAYOUT_QUEUE) private readonly queue: Queue<SendPayoutJob>,
    private readonly config: AppConfig,
  ) {
    logQueueErrors(queue);
  }

  /** Resume: jobs waiting out a backoff run now; items without a job get one. */
  async requeue(itemIds: string[]): Promise<void> {
    const missing: string[] = [];
    for (const itemId of itemIds) {
      const job = await this.queue.getJob(payoutJobId(itemId));
      if (!job) missing.push(itemId);
      else if (await job.isDelayed()) await job.promote();
    }
    await this.enqueue(missing);
  }

  async enqueue(itemIds: string[]): Promise<void> {
    for (let i = 0; i < itemIds.length; i += BATCH) {
      await this.queue.addBulk(
        itemIds.slice(i, i + BATCH).map((itemId) => ({
          name: SEND_PAYOUT_JOB,
          data: { itemId },
          opts: {
            jobId: payoutJobId(itemId),
            attempts: this.config.get('PAYOUT_ATTEMPTS'),
            backoff: { type: 'exponential', delay: this.config.get('PAYOUT_BACKOFF_MS') },
            removeOnComplete: true,
            removeOnFail: true,
          },
        })),
      );
    }
  }
}
