import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { CatalogueModule } from '../catalogue/catalogue.module';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { PayeeHoldsController } from './payee-holds.controller';
import { PayeeHoldsService } from './payee-holds.service';
import { PayoutDispatcher } from './payout-dispatcher';
import { PayoutReversals } from './payout-reversals';
import { PayoutRunsController } from './payout-runs.controller';
import { PayoutRunsService } from './payout-runs.service';
import { PayoutSender } from './payout-sender';
import { PayoutSettler } from './payout-settler';
import { PAYOUT_QUEUE } from './payout.queue';
import { StripeAccountsController } from './stripe-accounts.controller';
import { StripeAccountsService } from './stripe-accounts.service';
import { StripeModule } from '../stripe/stripe.module';
import { PayoutStripeEvents } from './payout-stripe-events';
import { RECONCILIATION_QUEUE } from './reconciliation.queue';
import { ReconciliationService } from './reconciliation.service';
import { ReconciliationsController } from './reconciliations.controller';

/** Stripe Connect onboarding, holds, payout runs, their Stripe events and reconciliation. */
@Module({
  imports: [
    OrganizationsModule,
    CatalogueModule,
    LedgerModule,
    StripeModule,
    BullModule.registerQueue({ name: PAYOUT_QUEUE }, { name: RECONCILIATION_QUEUE }),
  ],
  controllers: [
    StripeAccountsController,
    PayeeHoldsController,
    PayoutRunsController,
    ReconciliationsController,
  ],
  providers: [
    StripeAccountsService,
    PayeeHoldsService,
    PayoutDispatcher,
    PayoutRunsService,
    PayoutSender,
    PayoutSettler,
    PayoutReversals,
    PayoutStripeEvents,
    ReconciliationService,
  ],
  exports: [PayoutSender, PayoutSettler, PayoutDispatcher, ReconciliationService],
})
export class PayoutsModule {}
