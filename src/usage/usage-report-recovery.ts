import { Injectable } from '@nestjs/common';
import { ChangeFeed } from '../database/change-feed';
import { RecoverySweeper, requeueEach } from '../queue/recovery-sweeper';
import { UsageReportMatcher } from './usage-report-matcher';
import { UsageReportService } from './usage-report.service';

const REMATCH_EVERY_MS = 15 * 60_000;
const REMATCH_DEBOUNCE_MS = 1000;

/**
 * Redis holds only the queue; the database holds the truth. At start and every minute, every
 * unfinished report gets its job again (the job id makes that a no-op while it is queued).
 * Suspended lines are re-matched when the catalogue gains identifiers (a notification from the
 * database, debounced) and every fifteen minutes in case a notification was missed.
 */
@Injectable()
export class UsageReportRecovery extends RecoverySweeper {
  private rematchTimer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;

  constructor(
    private readonly matcher: UsageReportMatcher,
    private readonly reports: UsageReportService,
    private readonly changes: ChangeFeed,
  ) {
    super({ everyMs: 60_000, failure: 'usage report recovery sweep failed' });
    changes.subscribe('work_identifiers_added', () => this.rematchSoon());
  }

  protected recover(): Promise<void> {
    return requeueEach(
      () => this.matcher.unfinished(),
      (id) => this.reports.enqueue(id),
    );
  }

  override onApplicationBootstrap(): void {
    super.onApplicationBootstrap();
    void this.changes.ensureListening();
    this.rematchTimer = setInterval(() => void this.reports.enqueueRematch(), REMATCH_EVERY_MS);
    this.rematchTimer.unref();
  }

  override onApplicationShutdown(): void {
    super.onApplicationShutdown();
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
}
