import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { RoyaltiesModule } from '../royalties/royalties.module';
import { StripeModule } from '../stripe/stripe.module';
import { BillingProfileService } from './billing-profile.service';
import { BillingProfilesController } from './billing-profiles.controller';
import { CollectionController } from './collection.controller';
import { CollectionDispatcher } from './collection-dispatcher';
import { CollectionGate } from './collection-gate';
import { CollectionService } from './collection.service';
import { CollectionStripeEvents } from './collection-stripe-events';
import { COLLECTION_QUEUE } from './collection.queue';
import { ManualPaymentHook } from './manual-payment-hook';
import { RunSeeding } from './run-seeding';
import { StripeCustomers } from './stripe-customers';

/**
 * Collection through Stripe (docs/COLLECTION.md): licensees as Stripe customers, posted invoices
 * issued through Stripe, payments recorded from Stripe's events, credit notes given back, what is
 * overdue. Reads royalties' invoices and records payments through royalties' payment path.
 */
@Module({
  imports: [
    OrganizationsModule,
    LedgerModule,
    RoyaltiesModule,
    StripeModule,
    BullModule.registerQueue({ name: COLLECTION_QUEUE }),
  ],
  controllers: [BillingProfilesController, CollectionController],
  providers: [
    BillingProfileService,
    CollectionDispatcher,
    CollectionGate,
    CollectionService,
    CollectionStripeEvents,
    ManualPaymentHook,
    RunSeeding,
    StripeCustomers,
  ],
  exports: [CollectionDispatcher, CollectionGate, StripeCustomers],
})
export class CollectionModule {}
