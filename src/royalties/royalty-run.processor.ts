import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { RoyaltyCalculator } from './royalty-calculator';
import { RoyaltyRunService } from './royalty-run.service';
import { CalculateRunJob, ROYALTY_RUN_QUEUE } from './royalty-run.queue';
import { logWorkerError } from '../queue/queue-errors';

@Processor(ROYALTY_RUN_QUEUE, { concurrency: 1 })
export class RoyaltyRunProcessor extends WorkerHost {
  private readonly logger = new Logger(RoyaltyRunProcessor.name);

  constructor(
    private readonly calculator: RoyaltyCalculator,
    private readonly runs: RoyaltyRunService,
  ) {
    super();
  }

  process(job: Job<CalculateRunJob>): Promise<void> {
    return this.calculator.calculate(job.data.runId);
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<CalculateRunJob> | undefined, error: Error): Promise<void> {
    if (!job) return;
    this.logger.error({ err: error, runId: job.data.runId }, 'royalty run calculation failed');
    if (job.attemptsMade >= (job.opts.attempts ?? 1))
      await this.runs.fail(job.data.runId, error.message);
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    logWorkerError(ROYALTY_RUN_QUEUE, error);
  }
}
