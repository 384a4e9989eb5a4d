import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { UsageReportMatcher } from './usage-report-matcher';
import { ProcessReportJob, REMATCH_JOB, USAGE_REPORT_QUEUE } from './usage-report.queue';
import { UsageRematcher } from './usage-rematcher';
import { logWorkerError } from '../queue/queue-errors';

@Processor(USAGE_REPORT_QUEUE, { concurrency: 1 })
export class UsageReportProcessor extends WorkerHost {
  private readonly logger = new Logger(UsageReportProcessor.name);

  constructor(
    private readonly matcher: UsageReportMatcher,
    private readonly rematcher: UsageRematcher,
  ) {
    super();
  }

  async process(job: Job<ProcessReportJob>): Promise<void> {
    if (job.name === REMATCH_JOB) {
      await this.rematcher.rematchAll();
      return;
    }
    await this.matcher.process(job.data.reportId);
  }

  @OnWorkerEvent('failed')
  onFailed(job: Job<ProcessReportJob> | undefined, error: Error): void {
    if (!job || job.name === REMATCH_JOB) return;
    // The report stays unfinished; the recovery sweep queues it again.
    this.logger.error(
      { err: error, reportId: job.data.reportId, attempt: job.attemptsMade },
      'usage report processing failed',
    );
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    logWorkerError(USAGE_REPORT_QUEUE, error);
  }
}
