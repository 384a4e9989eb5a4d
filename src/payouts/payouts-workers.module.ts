import { Module } from '@nestjs/common';
import { PayoutRecovery } from './payout-recovery';
import { PayoutSettlerLoop } from './payout-settler.loop';
import { PayoutProcessor } from './payout.processor';
import { PayoutsModule } from './payouts.module';
import { ReconciliationProcessor, ReconciliationSchedule } from './reconciliation.processor';

/** Payouts' background work: sending items, recovering lost jobs, reconciling. Runs where workers run. */
@Module({
  imports: [PayoutsModule],
  providers: [
    PayoutProcessor,
    PayoutSettlerLoop,
    PayoutRecovery,
    ReconciliationProcessor,
    ReconciliationSchedule,
  ],
})
export class PayoutsWorkersModule {}
