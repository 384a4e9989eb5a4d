import { Module } from '@nestjs/common';
import { LedgerReportsService } from './ledger-reports.service';
import { LedgerController } from './ledger.controller';
import { LedgerService } from './ledger.service';

/** The double-entry ledger: used by royalties and payouts through LedgerService. */
@Module({
  controllers: [LedgerController],
  providers: [LedgerService, LedgerReportsService],
  exports: [LedgerService],
})
export class LedgerModule {}
