import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS, redisKey } from '../common/redis/redis.module';
import { AppConfig } from '../config/app-config';
import { StripeCallGate } from '../stripe/stripe-call-gate';

/** What one licensee's own requests (its billing profile) may spend of collection's Stripe calls. */
const LICENSEE_CALLS_PER_SECOND = 1;
const LICENSEE_BURST = 20;

/**
 * Collection's Stripe calls, at most COLLECTION_REQUESTS_PER_SECOND a second across every
 * process: issuing an invoice is several calls, so the limit is kept by the call, not the job.
 * The calls a licensee's own requests cause (editing its profile, a payment method) also pass a
 * budget of its own, so one licensee cannot spend the calls every other's invoices need.
 */
@Injectable()
export class CollectionGate {
  private readonly gate: StripeCallGate;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {
    this.gate = new StripeCallGate(
      redis,
      redisKey(config, 'stripe-gate', 'collection'),
      config.get('COLLECTION_REQUESTS_PER_SECOND'),
    );
  }

  call<T>(request: () => Promise<T>): Promise<T> {
    return this.gate.call(request);
  }

  /**
   * A slot of the licensee's own budget for `calls` calls (0), or how many ms until there is
   * one (nothing taken then): its request answers 429 or leaves Stripe for later, never waits.
   */
  async licenseeBudget(licenseeId: string, calls: number): Promise<number> {
    const own = new StripeCallGate(
      this.redis,
      redisKey(this.config, 'stripe-gate', 'licensee', licenseeId),
      LICENSEE_CALLS_PER_SECOND,
      LICENSEE_BURST,
    );
    for (let i = 0; i < calls; i++) {
      const waitMs = await own.tryTake();
      if (waitMs > 0) return waitMs;
    }
    return 0;
  }
}
