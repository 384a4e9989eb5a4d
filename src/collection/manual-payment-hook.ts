import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { InvoicePaymentService } from '../royalties/invoice-payment.service';
import { CollectionDispatcher } from './collection-dispatcher';
import { TELL_OUT_OF_BAND_JOB } from './collection.queue';

/** A payment finance records by hand is told to Stripe (OutOfBandTeller), so it is not collected twice. */
@Injectable()
export class ManualPaymentHook implements OnModuleInit {
  private readonly logger = new Logger(ManualPaymentHook.name);

  constructor(
    private readonly payments: InvoicePaymentService,
    private readonly dispatcher: CollectionDispatcher,
    private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (!this.config.get('COLLECTION_THROUGH_STRIPE')) return;
    this.payments.onManualPayment(async (payment) => {
      try {
        await this.dispatcher.enqueue([
          {
            name: TELL_OUT_OF_BAND_JOB,
            data: { invoiceId: payment.invoiceId, paymentId: payment.id },
          },
        ]);
      } catch (error) {
        this.logger.warn(
          { err: error, invoiceId: payment.invoiceId },
          'Stripe not yet told of a manual payment; the next issue or sync will',
        );
      }
    });
  }
}
