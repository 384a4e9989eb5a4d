import { Global, Module } from '@nestjs/common';
import { RateLimiter } from './rate-limiter';

/**
 * The rate limiter, one per process: the guard counts requests with it, and the console's
 * sign-in (organizations) counts its failures per address with the same counts.
 */
@Global()
@Module({ providers: [RateLimiter], exports: [RateLimiter] })
export class RateLimitModule {}
