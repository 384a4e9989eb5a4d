import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Job, Worker } from 'bullmq';
import { AppConfig } from '../config/app-config';
import { closeWorker } from '../queue/close-worker';
import { redisConnectionOptions } from '../queue/redis-connection';
import { payoutLimiter } from './payout-rate';
import { PayoutSender, StripeThrottled } from './payout-sender';
import { PAYOUT_QUEUE, SendPayoutJob } from './payout.queue';

/** How long the whole queue pauses after a 429 (Stripe's limits are per second). */
const THROTTLE_PAUSE_MS = 1000;

/**
 * The payout queue's worker, made by hand because its limiter and concurrency come from
 * configuration: at most PAYOUT_REQUESTS_PER_SECOND jobs start per second across every worker
 * process (BullMQ's limiter is per queue), a 429 pauses the queue without spending an attempt,
 * other failures retry with exponential backoff. The job is thin: the sender does the work.
 */
@Injectable()
export class PayoutProcessor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(PayoutProcessor.name);
  private worker?: Worker<SendPayoutJob>;

  constructor(
    private readonly config: AppConfig,
    private readonly sender: PayoutSender,
  ) {}

  onApplicationBootstrap(): void {
    const lock = this.config.get('PAYOUT_JOB_LOCK_MS');
    this.worker = new Worker<SendPayoutJob>(PAYOUT_QUEUE, (job) => this.process(job), {
      connection: redisConnectionOptions(this.config.get('REDIS_URL')),
      prefix: `${this.config.get('REDIS_PREFIX')}:bull`,
      concurrency: this.config.get('PAYOUT_CONCURRENCY'),
      limiter: payoutLimiter(this.config.get('PAYOUT_REQUESTS_PER_SECOND')),
      lockDuration: lock,
      stalledInterval: lock,
      maxStalledCount: 100,
    });
    this.worker.on('failed', (job, error) => {
      this.logger.warn({ err: error, itemId: job?.data.itemId }, 'payout attempt failed');
    });
    this.worker.on('error', (error) => this.logger.error({ err: error }, 'payout worker error'));
  }

  /**
   * Lets jobs in flight finish for a few seconds, then leaves them: an abandoned job is taken
   * over by another worker and starts with a lookup, so nothing is sent twice.
   */
  onApplicationShutdown(): Promise<void> {
    return closeWorker(this.worker);
  }

  private async process(job: Job<SendPayoutJob>): Promise<void> {
    try {
      await this.sender.send(job.data.itemId);
    } catch (error) {
      if (error instanceof StripeThrottled && this.worker) {
        await this.worker.rateLimit(THROTTLE_PAUSE_MS);
        throw Worker.RateLimitError();
      }
      throw error;
    }
  }
}
