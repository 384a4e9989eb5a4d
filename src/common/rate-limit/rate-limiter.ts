import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { REDIS, redisKey } from '../redis/redis.module';

export interface RateLimitDecision {
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Seconds until the current window ends. */
  resetSeconds: number;
}

const WINDOW_SECONDS = 60;

/**
 * Fixed one-minute window per API key, counted atomically in Redis (INCR, and EXPIRE on the
 * first hit). Every api process shares the count. When Redis cannot answer, requests are let
 * through and the failure logged: the limit protects capacity, it is not a security boundary.
 */
const CONSUME = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('TTL', KEYS[1])
return {count, ttl}
`;

@Injectable()
export class RateLimiter {
  private readonly logger = new Logger(RateLimiter.name);

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  async consume(subject: string): Promise<RateLimitDecision> {
    const limit = this.config.get('RATE_LIMIT_PER_MINUTE');
    try {
      const [count, ttl] = (await this.redis.eval(
        CONSUME,
        1,
        redisKey(this.config, 'rate', subject),
        WINDOW_SECONDS,
      )) as [number, number];
      const resetSeconds = ttl > 0 ? ttl : WINDOW_SECONDS;
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds,
      };
    } catch (error) {
      this.logger.warn({ err: error }, 'rate limiter unavailable; request allowed');
      return { allowed: true, limit, remaining: limit, resetSeconds: WINDOW_SECONDS };
    }
  }
}
