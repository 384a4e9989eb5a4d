import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { LicensingModule } from '../licensing/licensing.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { UsageIssuesService } from './usage-issues.service';
import { UsageReportMatcher } from './usage-report-matcher';
import { USAGE_REPORT_QUEUE } from './usage-report.queue';
import { UsageRematcher } from './usage-rematcher';
import { UsageReportService } from './usage-report.service';
import { UsageReportsController } from './usage-reports.controller';
import { UsageController } from './usage.controller';

@Module({
  imports: [
    OrganizationsModule,
    LicensingModule,
    BullModule.registerQueue({ name: USAGE_REPORT_QUEUE }),
  ],
  controllers: [UsageReportsController, UsageController],
  providers: [UsageReportService, UsageIssuesService, UsageReportMatcher, UsageRematcher],
  exports: [UsageReportService, UsageReportMatcher, UsageRematcher],
})
export class UsageModule {}
