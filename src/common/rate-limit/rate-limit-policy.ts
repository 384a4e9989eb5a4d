import { SetMetadata } from '@nestjs/common';

export const RATE_LIMIT_POLICY = 'rate-limit:policy';

/** What a route does when Redis cannot count its requests (docs/SECURITY.md gives each route's reason). */
export type WhenUnavailable =
  /** Counted in this process instead: degraded (each process counts alone), never refused. */
  | 'open'
  /** Refused with 503 rate-limit-unavailable: the route is not served without its limit. */
  | 'closed';

export interface RateLimitPolicy {
  /** Public routes: the variable holding the per-address limit; 'none': not limited. */
  perAddress?: 'PUBLIC_RATE_LIMIT_PER_MINUTE' | 'WEBHOOK_RATE_LIMIT_PER_MINUTE' | 'none';
  whenUnavailable?: WhenUnavailable;
}

/** A route's (or, on a class, its routes') rate-limit policy; the guard reads it. */
export const RateLimit = (policy: RateLimitPolicy) => SetMetadata(RATE_LIMIT_POLICY, policy);

/**
 * Money-moving commands: while Redis cannot count, they answer 503 rather than run unlimited.
 * They are few, made by people, and safe to retry with the same Idempotency-Key.
 */
export const FailClosed = () => RateLimit({ whenUnavailable: 'closed' });
