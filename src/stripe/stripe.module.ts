import { Module } from '@nestjs/common';
import { StripeClient } from './stripe-client';
import { StripeEventRouter } from './stripe-event-router';
import { StripeWebhooksController } from './stripe-webhooks.controller';
import { StripeWebhooksService } from './stripe-webhooks.service';

/**
 * The way into Stripe (the official SDK, configured once) and the way back (the signed webhook
 * route, each event stored once and routed to the module that registered for its type).
 */
@Module({
  controllers: [StripeWebhooksController],
  providers: [StripeClient, StripeEventRouter, StripeWebhooksService],
  exports: [StripeClient, StripeEventRouter],
})
export class StripeModule {}
