import { Module } from '@nestjs/common';
import { UsageReportProcessor } from './usage-report.processor';
import { UsageReportRecovery } from './usage-report-recovery';
import { UsageModule } from './usage.module';

/** Usage's background work: matching reports. Runs where workers run (WORKER_MODULES). */
@Module({
  imports: [UsageModule],
  providers: [UsageReportProcessor, UsageReportRecovery],
})
export class UsageWorkersModule {}
