import { Injectable } from '@nestjs/common';
import { RecoverySweeper, requeueEach } from '../queue/recovery-sweeper';
import { RoyaltyCalculator } from './royalty-calculator';
import { RoyaltyRunService } from './royalty-run.service';

/** Runs left calculating (a lost job) are queued again at start and every five minutes. */
@Injectable()
export class RoyaltyRunRecovery extends RecoverySweeper {
  constructor(
    private readonly calculator: RoyaltyCalculator,
    private readonly runs: RoyaltyRunService,
  ) {
    super({ everyMs: 5 * 60_000, failure: 'royalty run recovery sweep failed' });
  }

  protected recover(): Promise<void> {
    return requeueEach(
      () => this.calculator.unfinished(),
      (id) => this.runs.enqueue(id),
    );
  }
}
