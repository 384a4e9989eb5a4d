import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Logger } from '@nestjs/common';
import { Job } from 'bullmq';
import { CatalogueImportLoader } from './catalogue-import-loader';
import { CATALOGUE_IMPORT_QUEUE, LoadImportJob } from './catalogue-import.queue';
import { logWorkerError } from '../../queue/queue-errors';

@Processor(CATALOGUE_IMPORT_QUEUE, { concurrency: 1 })
export class CatalogueImportProcessor extends WorkerHost {
  private readonly logger = new Logger(CatalogueImportProcessor.name);

  constructor(private readonly loader: CatalogueImportLoader) {
    super();
  }

  process(job: Job<LoadImportJob>): Promise<void> {
    return this.loader.load(job.data.importId);
  }

  @OnWorkerEvent('failed')
  async onFailed(job: Job<LoadImportJob> | undefined, error: Error): Promise<void> {
    if (!job) return;
    this.logger.error(
      { err: error, importId: job.data.importId, attempt: job.attemptsMade },
      'import failed',
    );
    if (job.attemptsMade >= (job.opts.attempts ?? 1)) {
      await this.loader.fail(job.data.importId, error.message);
    }
  }

  @OnWorkerEvent('error')
  onError(error: Error): void {
    logWorkerError(CATALOGUE_IMPORT_QUEUE, error);
  }
}
