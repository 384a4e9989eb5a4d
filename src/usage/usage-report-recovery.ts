import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { ChangeFeed } from '../database/change-feed';
import { UsageReportMatcher } from './usage-report-matcher';
import { UsageReportService } from './usage-report.service';

const SWEEP_EVERY_MS = 60_000;
const REMATCH_EVERY_MS = 15 * 60_000;
const REMATCH_DEBOUNCE_MS = 1000;

/**
 * Redis holds only the queue; the database holds the truth. At start and every minute, every
 * unfinished report gets its job again (the job id makes that a no-op while it is queued).
 * Suspended lines are re-matched when the catalogue gains identifiers (a notification from the
 * database, debounced) and every fifteen minutes in case a notification was missed.
 */
@Injectable()
export class UsageReportRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(UsageReportRecovery.name);
  private timer?: NodeJS.Timeout;
  private rematchTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;

  constructor(
    private readonly matcher: UsageReportMatcher,
    private readonly reports: UsageReportService,
    private readonly changes: ChangeFeed,
  ) {
    changes.subscribe('work_identifiers_added', () => this.rematchSoon());
  }

  onApplicationBootstrap(): void {
    void this.sweep();
    void this.changes.ensureListening();
    this.timer = setInterval(() => void this.sweep(), SWEEP_EVERY_MS);
    this.timer.unref();
    this.rematchTimer = setInterval(() => void this.reports.enqueueRematch(), REMATCH_EVERY_MS);
    this.rematchTimer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
    clearInterval(this.rematchTimer);
    clearTimeout(this.debounce);
  }

  private rematchSoon(): void {
    if (this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      void this.reports.enqueueRematch();
    }, REMATCH_DEBOUNCE_MS);
    this.debounce.unref();
  }

  async sweep(): Promise<void> {
    try {
      for (const id of await this.matcher.unfinished()) await this.reports.enqueue(id);
    } catch (error) {
      this.logger.warn({ err: error }, 'usage report recovery sweep failed');
    }
  }
}
