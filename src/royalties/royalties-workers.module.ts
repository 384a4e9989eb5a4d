import { Module } from '@nestjs/common';
import { RoyaltiesModule } from './royalties.module';
import { RoyaltyRunRecovery } from './royalty-run-recovery';
import { RoyaltyRunProcessor } from './royalty-run.processor';

/** Royalties' background work: calculating runs. Runs where workers run (WORKER_MODULES). */
@Module({
  imports: [RoyaltiesModule],
  providers: [RoyaltyRunProcessor, RoyaltyRunRecovery],
})
export class RoyaltiesWorkersModule {}
