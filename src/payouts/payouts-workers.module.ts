import { Module } from '@nestjs/common';
import { PayoutRecovery } from './payout-recovery';
import { PayoutWorker } from './payout.worker';
import { PayoutsModule } from './payouts.module';

/** Payouts' background work: sending items, recovering lost jobs. Runs where workers run. */
@Module({
  imports: [PayoutsModule],
  providers: [PayoutWorker, PayoutRecovery],
})
export class PayoutsWorkersModule {}
