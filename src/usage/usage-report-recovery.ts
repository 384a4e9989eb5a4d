import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { UsageReportMatcher } from './usage-report-matcher';
import { UsageReportService } from './usage-report.service';

const SWEEP_EVERY_MS = 60_000;

/**
 * Redis holds only the queue; the database holds the truth. At start and every minute, every
 * unfinished report gets its job again (the job id makes that a no-op while it is queued).
 */
@Injectable()
export class UsageReportRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageReportRecovery.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly matcher: UsageReportMatcher,
    private readonly reports: UsageReportService,
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
      for (const id of await this.matcher.unfinished()) await this.reports.enqueue(id);
    } catch (error) {
      this.logger.warn({ err: error }, 'usage report recovery sweep failed');
    }
  }
}
