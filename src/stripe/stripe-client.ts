import { Injectable } from '@nestjs/common';
import Stripe from 'stripe';
import { DomainError } from '../common/errors/domain-error';
import { AppConfig } from '../config/app-config';
import { Environment } from '../config/environment';

/**
 * SDK options from configuration. STRIPE_API_URL points the SDK elsewhere (the project's emulator
 * in tests, the demo and benchmarks) through its own host/port/protocol options. The SDK never
 * retries by itself: payouts retry through their queue, with the same idempotency key.
 */
export function stripeOptions(
  env: Pick<Environment, 'STRIPE_API_URL' | 'STRIPE_TIMEOUT_MS'>,
): Stripe.StripeConfig {
  const options: Stripe.StripeConfig = {
    maxNetworkRetries: 0,
    timeout: env.STRIPE_TIMEOUT_MS,
    telemetry: false,
    appInfo: { name: 'rights-ledger' },
  };
  if (env.STRIPE_API_URL) {
    const url = new URL(env.STRIPE_API_URL);
    const protocol = url.protocol === 'http:' ? 'http' : 'https';
    options.host = url.hostname;
    options.port = url.port ? Number(url.port) : protocol === 'http' ? 80 : 443;
    options.protocol = protocol;
  }
  return options;
}

/** The one way into Stripe: the official SDK, configured once; tests may replace this provider. */
@Injectable()
export class StripeClient {
  private client?: Stripe;

  constructor(private readonly config: AppConfig) {}

  get sdk(): Stripe {
    if (!this.client) {
      const key = configured(
        this.config.get('STRIPE_SECRET_KEY'),
        'Stripe calls (payouts, collection) need STRIPE_SECRET_KEY; this deployment has none',
      );
      this.client = new Stripe(
        key,
        stripeOptions({
          STRIPE_API_URL: this.config.get('STRIPE_API_URL'),
          STRIPE_TIMEOUT_MS: this.config.get('STRIPE_TIMEOUT_MS'),
        }),
      );
    }
    return this.client;
  }

  /** Whether this deployment has a Stripe key at all. */
  get configured(): boolean {
    return Boolean(this.config.get('STRIPE_SECRET_KEY'));
  }

  get webhookSecret(): string {
    return configured(
      this.config.get('STRIPE_WEBHOOK_SECRET'),
      'Stripe webhooks need STRIPE_WEBHOOK_SECRET; this deployment has none',
    );
  }
}

/** A setting Stripe needs, or a 503 saying which one this deployment lacks. */
function configured(value: string | undefined, missing: string): string {
  if (!value) throw new DomainError('stripe-not-configured', 503, missing);
  return value;
}
