import { RateLimitDecision } from './rate-limit-decision';

/**
 * Fixed windows counted in this process only, at most `max` of them (expired ones are swept
 * first, then the oldest): what limits requests while Redis cannot count them. Each api process
 * counts alone, so the effective limit is the configured one times the number of processes.
 */
export class LocalWindows {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly max: number,
    private readonly windowMs = 60_000,
  ) {}

  consume(key: string, limit: number, now: number): RateLimitDecision {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      this.makeRoom(now);
      window = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, window);
    }
    window.count++;
    return {
      allowed: window.count <= limit,
      limit,
      remaining: Math.max(0, limit - window.count),
      resetSeconds: Math.max(1, Math.ceil((window.resetAt - now) / 1000)),
    };
  }

  get size(): number {
    return this.windows.size;
  }

  private makeRoom(now: number): void {
    makeRoom(this.windows, this.max, (window) => window.resetAt <= now);
  }
}

/**
 * Room for one more entry in a map of at most `max`: the ended entries go first, then the oldest
 * (a Map iterates in insertion order).
 */
export function makeRoom<V>(entries: Map<string, V>, max: number, ended: (value: V) => boolean) {
  if (entries.size < max) return;
  for (const [key, value] of entries) if (ended(value)) entries.delete(key);
  for (const key of entries.keys()) {
    if (entries.size < max) break;
    entries.delete(key);
  }
}

/** Keys refused until a time, at most `max` of them (expired first, then the oldest go). */
export class Blocklist {
  private readonly until = new Map<string, number>();

  constructor(private readonly max: number) {}

  get isEmpty(): boolean {
    return this.until.size === 0;
  }

  /** Seconds left, or 0 when the key is not blocked. */
  secondsLeft(key: string, now: number): number {
    const until = this.until.get(key);
    if (until === undefined) return 0;
    if (until <= now) {
      this.until.delete(key);
      return 0;
    }
    return Math.max(1, Math.ceil((until - now) / 1000));
  }

  block(key: string, until: number, now: number): void {
    if (!this.until.has(key) && this.until.size >= this.max) {
      for (const [other, end] of this.until) if (end <= now) this.until.delete(other);
      for (const other of this.until.keys()) {
        if (this.until.size < this.max) break;
        this.until.delete(other);
      }
    }
    this.until.set(key, until);
  }
}
