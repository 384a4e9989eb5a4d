import { Module } from '@nestjs/common';
import { LedgerOverviewController } from './ledger-overview.controller';
import { LedgerOverviewService } from './ledger-overview.service';
import { LedgerReportsService } from './ledger-reports.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';

/** The double-entry ledger: used by royalties and payouts through LedgerService. */
@Module({
  controllers: [LedgerController, LedgerOverviewController],
  providers: [LedgerService, LedgerReportsService, LedgerOverviewService],
  exports: [LedgerService],
})
export class LedgerModule {}
