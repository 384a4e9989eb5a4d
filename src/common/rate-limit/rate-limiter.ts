import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';
import { DomainError } from '../errors/domain-error';
import { REDIS, redisKey } from '../redis/redis.module';
import { Coalesced } from '../concurrency/coalesced';
import { Blocklist, LocalWindows } from './local-windows';
import { LocalRateCounts } from './local-rate-counts';
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

/**
 * Adds what a process counted in its interval (consumeHere) to the same shared count, starting
 * the window when the key is new, and answers the count and the window's seconds left.
 */
const ADD = `
local count = redis.call('INCRBY', KEYS[1], ARGV[1])
if redis.call('TTL', KEYS[1]) < 0 then redis.call('EXPIRE', KEYS[1], ARGV[2]) end
return {count, redis.call('TTL', KEYS[1])}
`;

@Injectable()
export class RateLimiter implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RateLimiter.name);
  private readonly local = new LocalWindows(LOCAL_ENTRIES, WINDOW_SECONDS * 1000);
  /** consumeHere's counts, reconciled with the shared ones every RATE_LIMIT_SYNC_MS. */
  private readonly counted = new LocalRateCounts(LOCAL_ENTRIES, WINDOW_SECONDS * 1000);
  private readonly reconciliations = new Coalesced(() => this.reconcile());
  private timer: NodeJS.Timeout | undefined;
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

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => {
      this.reconciliations.request().catch(() => undefined);
    }, this.config.get('RATE_LIMIT_SYNC_MS'));
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.reconciliations.request().catch(() => undefined);
  }

  /**
   * Counts one request of `subject` in `bucket` like `consume`, in the same shared count, but
   * decided in this process without waiting for Redis: for the licence check, whose answer takes
   * less time than a round trip. The count reaches Redis within RATE_LIMIT_SYNC_MS (what that
   * allows beyond the limit across processes: LocalRateCounts). Never fails: while Redis cannot
   * take the counts, this process counts alone (the 'open' rule).
   */
  consumeHere(bucket: string, subject: string, limit: number): RateLimitDecision {
    return this.counted.consume(redisKey(this.config, 'rate', bucket, subject), limit, Date.now());
  }

  /** What consumeHere counted since the last time, added to the shared counts in one pipeline. */
  private async reconcile(): Promise<void> {
    const unsent = this.counted.takeUnsent();
    if (!unsent.length) return;
    const pipeline = this.redis.pipeline();
    for (const { key, delta } of unsent) pipeline.eval(ADD, 1, key, delta, WINDOW_SECONDS);
    let results: [Error | null, unknown][] | null = null;
    try {
      results = await pipeline.exec();
    } catch (error) {
      this.warn(error, 'open');
    }
    const now = Date.now();
    unsent.forEach((taken, i) => {
      const [error, value] = results?.[i] ?? [new Error('not sent'), null];
      if (error) return this.counted.restore(taken);
      const [count, ttl] = value as [number, number];
      this.counted.reconcile(taken.key, count, ttl, now);
    });
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
