import { makeRoom } from './local-windows';
import { RateLimitDecision } from './rate-limit-decision';

interface Count {
  /** When this window ends: Redis's TTL of the shared count once reconciled, else our own guess. */
  windowEndsAt: number;
  /** The shared count as Redis last answered it (every process's requests, ours included). */
  known: number;
  /** Counted here since the last reconciliation, not yet added to the shared count. */
  unsent: number;
}

/** Increments to add to the shared count of `key`. */
export interface UnsentCount {
  key: string;
  delta: number;
  /** The window they were counted in (a delta is never restored into a later one). */
  readonly window: object;
}

/**
 * A fixed-window count per key, decided in the process and reconciled with the shared count in
 * Redis once per interval (RateLimiter) instead of a round trip per request: a request is allowed
 * while the shared count last heard plus what this process counted since stays within the limit.
 * What this allows beyond the limit: within one interval each other process does not yet see this
 * one's requests, so with P processes a window admits at most the limit plus (P − 1) × what one
 * process admits in an interval, and never more than P × the limit. With one process, none.
 * At most `max` keys are held (ended windows are swept first, then the oldest).
 */
export class LocalRateCounts {
  private readonly counts = new Map<string, Count>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
  ) {}

  consume(key: string, limit: number, now: number): RateLimitDecision {
    let count = this.counts.get(key);
    if (!count || count.windowEndsAt <= now) {
      if (!count) makeRoom(this.counts, this.max, (other) => other.windowEndsAt <= now);
      count = { windowEndsAt: now + this.windowMs, known: 0, unsent: 0 };
      this.counts.set(key, count);
    }
    count.unsent++;
    const total = count.known + count.unsent;
    return {
      allowed: total <= limit,
      limit,
      remaining: Math.max(0, limit - total),
      resetSeconds: Math.max(1, Math.ceil((count.windowEndsAt - now) / 1000)),
    };
  }

  /** What was counted since the last call, taken to be sent (counted as known meanwhile). */
  takeUnsent(): UnsentCount[] {
    const taken: UnsentCount[] = [];
    for (const [key, count] of this.counts) {
      if (count.unsent === 0) continue;
      taken.push({ key, delta: count.unsent, window: count });
      count.known += count.unsent;
      count.unsent = 0;
    }
    return taken;
  }

  /** Redis's answer to adding a taken delta: the shared count, and the seconds its window has left. */
  reconcile(key: string, shared: number, ttlSeconds: number, now: number): void {
    const count = this.counts.get(key);
    if (!count) return;
    count.known = shared;
    count.windowEndsAt = now + (ttlSeconds > 0 ? ttlSeconds * 1000 : this.windowMs);
  }

  /** A taken delta Redis did not take: sent again with the next one (if its window lasts). */
  restore({ key, delta, window }: UnsentCount): void {
    const count = this.counts.get(key);
    if (!count || count !== window) return;
    count.known = Math.max(0, count.known - delta);
    count.unsent += delta;
  }

  get size(): number {
    return this.counts.size;
  }
}
