import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS, redisKey } from '../redis/redis.module';
import { Blocklist, LocalWindows } from './local-windows';
import { RateLimitDecision } from './rate-limit-decision';
import { WhenUnavailable } from './rate-limit-policy';

export type { RateLimitDecision } from './rate-limit-decision';

const WINDOW_SECONDS = 60;
/** Windows and blocked addresses one process keeps in memory at most. */
const LOCAL_ENTRIES = 100_000;

/**
 * Fixed one-minute windows, counted atomically in Redis (INCR, and EXPIRE on the first hit), so
 * every api process shares the count. Buckets: `principal` (every key of one principal together),
 * `public` and `webhook` (per client address, public routes), `auth-failure` (per client address,
 * presented keys that are unknown or revoked).
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
  private readonly local = new LocalWindows(LOCAL_ENTRIES, WINDOW_SECONDS * 1000);
  /** Addresses past AUTH_FAILURES_PER_MINUTE: refused before their key is looked up. */
  private readonly blocked = new Blocklist(LOCAL_ENTRIES);
  private lastWarned = 0;

  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    private readonly config: AppConfig,
  ) {}

  /**
   * Counts one request of `subject` in `bucket`. When Redis cannot answer: 'open' counts it in
   * this process instead; 'closed' refuses it (503 rate-limit-unavailable).
   */
  async consume(
    bucket: string,
    subject: string,
    limit: number,
    whenUnavailable: WhenUnavailable,
  ): Promise<RateLimitDecision> {
    try {
      const [count, ttl] = (await this.redis.eval(
        CONSUME,
        1,
        redisKey(this.config, 'rate', bucket, subject),
        WINDOW_SECONDS,
      )) as [number, number];
      return {
        allowed: count <= limit,
        limit,
        remaining: Math.max(0, limit - count),
        resetSeconds: ttl > 0 ? ttl : WINDOW_SECONDS,
      };
    } catch (error) {
      this.warn(error, whenUnavailable);
      if (whenUnavailable === 'closed') {
        throw new DomainError(
          'rate-limit-unavailable',
          503,
          'This route is not served while its rate limit cannot be counted; retry shortly with the same Idempotency-Key',
          {},
          { 'Retry-After': '5' },
        );
      }
      return this.local.consume(`${bucket}:${subject}`, limit, Date.now());
    }
  }

  /** Seconds the address is still refused for failed authentications, 0 when it is not. */
  authenticationBlocked(address: string): number {
    if (this.blocked.isEmpty) return 0;
    return this.blocked.secondsLeft(address, Date.now());
  }

  /** Counts a presented key that is unknown or revoked; past the limit, the address is refused. */
  async failedAuthentication(address: string): Promise<RateLimitDecision> {
    const decision = await this.consume(
      'auth-failure',
      address,
      this.config.get('AUTH_FAILURES_PER_MINUTE'),
      'open',
    );
    if (!decision.allowed) {
      const now = Date.now();
      this.blocked.block(address, now + decision.resetSeconds * 1000, now);
    }
    return decision;
  }

  private warn(error: unknown, whenUnavailable: WhenUnavailable): void {
    if (Date.now() - this.lastWarned < 10_000) return;
    this.lastWarned = Date.now();
    this.logger.warn(
      { err: error },
      whenUnavailable === 'closed'
        ? 'rate limiter unavailable; fail-closed routes answer 503'
        : 'rate limiter unavailable; counting in this process',
    );
  }
}
