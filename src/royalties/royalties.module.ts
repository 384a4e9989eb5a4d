import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { EarningsController } from './earnings.controller';
import { EarningsService } from './earnings.service';
import { LedgerModule } from '../ledger/ledger.module';
import { PayeeAdvanceService } from './payee-advance.service';
import { PayeeAdvancesController } from './payee-advances.controller';
import { LicensingModule } from '../licensing/licensing.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { InvoicePaymentService } from './invoice-payment.service';
import { RoyaltyCalculator } from './royalty-calculator';
import { ROYALTY_RUN_QUEUE } from './royalty-run.queue';
import { RoyaltyRunService } from './royalty-run.service';
import { RoyaltyRunsController } from './royalty-runs.controller';
import { RunPostedListeners } from './run-posted';
import { StatementCsvExport } from './statement-csv';
import { StatementsService } from './statements.service';

@Module({
  imports: [
    OrganizationsModule,
    CatalogueModule,
    LicensingModule,
    LedgerModule,
    BullModule.registerQueue({ name: ROYALTY_RUN_QUEUE }),
  ],
  controllers: [RoyaltyRunsController, PayeeAdvancesController, EarningsController],
  providers: [
    RoyaltyRunService,
    RoyaltyCalculator,
    StatementsService,
    StatementCsvExport,
    InvoicePaymentService,
    PayeeAdvanceService,
    EarningsService,
    RunPostedListeners,
  ],
  exports: [RoyaltyRunService, RoyaltyCalculator, InvoicePaymentService, RunPostedListeners],
})
export class RoyaltiesModule {}
