import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module';
import { RoyaltiesModule } from '../royalties/royalties.module';
import { StripeModule } from '../stripe/stripe.module';
import { ChargeSync } from './charge-sync';
import { CollectionModule } from './collection.module';
import { CollectionProcessor } from './collection.processor';
import { CollectionRecovery } from './collection-recovery';
import { CreditIssuer } from './credit-issuer';
import { InvoiceIssuer } from './invoice-issuer';
import { InvoiceSync } from './invoice-sync';
import { OutOfBandTeller } from './out-of-band-teller';

/** Collection's background work: issuing, syncing from Stripe, credits, recovery. Runs where workers run. */
@Module({
  imports: [CollectionModule, LedgerModule, RoyaltiesModule, StripeModule],
  providers: [
    CollectionProcessor,
    CollectionRecovery,
    ChargeSync,
    CreditIssuer,
    InvoiceIssuer,
    InvoiceSync,
    OutOfBandTeller,
  ],
})
export class CollectionWorkersModule {}
