import { Inject, Injectable } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS, redisKey } from '../common/redis/redis.module';
import { AppConfig } from '../config/app-config';
import { StripeCallGate } from '../stripe/stripe-call-gate';

/**
 * Collection's Stripe calls, at most COLLECTION_REQUESTS_PER_SECOND a second across every
 * process: issuing an invoice is several calls, so the limit is kept by the call, not the job.
 */
@Injectable()
export class CollectionGate {
  private readonly gate: StripeCallGate;

  constructor(@Inject(REDIS) redis: Redis, config: AppConfig) {
    this.gate = new StripeCallGate(
      redis,
      redisKey(config, 'stripe-gate', 'collection'),
      config.get('COLLECTION_REQUESTS_PER_SECOND'),
    );
  }

  call<T>(request: () => Promise<T>): Promise<T> {
    return this.gate.call(request);
  }
}
