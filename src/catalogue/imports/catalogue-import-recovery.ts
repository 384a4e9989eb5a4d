import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CatalogueImportLoader } from './catalogue-import-loader';
import { CatalogueImportService } from './catalogue-import.service';

const SWEEP_EVERY_MS = 60_000;

/**
 * Redis holds only the queue; the database holds the truth. At start and every minute, every
 * unfinished import gets its job again (the job id makes that a no-op when it is queued).
 */
@Injectable()
export class CatalogueImportRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(CatalogueImportRecovery.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly loader: CatalogueImportLoader,
    private readonly imports: CatalogueImportService,
  ) {}

  onApplicationBootstrap(): void {
    void this.sweep();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<void> {
    try {
      for (const id of await this.loader.unfinished()) await this.imports.enqueue(id);
    } catch (error) {
      this.logger.warn({ err: error }, 'import recovery sweep failed');
    }
  }
}
