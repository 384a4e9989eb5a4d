import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { RoyaltyCalculator } from './royalty-calculator';
import { RoyaltyRunService } from './royalty-run.service';

const SWEEP_EVERY_MS = 5 * 60_000;

/** Runs left calculating (a lost job) are queued again at start and every five minutes. */
@Injectable()
export class RoyaltyRunRecovery implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(RoyaltyRunRecovery.name);
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly calculator: RoyaltyCalculator,
    private readonly runs: RoyaltyRunService,
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
      for (const id of await this.calculator.unfinished()) await this.runs.enqueue(id);
    } catch (error) {
      this.logger.warn({ err: error }, 'royalty run recovery sweep failed');
    }
  }
}
