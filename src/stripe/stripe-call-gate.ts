import Redis from 'ioredis';

/**
 * Generic cell rate (GCRA) in one Redis script: KEYS[1] holds the theoretical arrival time in
 * ms; each call takes one interval. Answers 0 when the caller may go now, else how many ms to
 * wait before asking again. A burst of up to `burst` calls may go at once.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '0')
if tat < now then tat = now end
local allowed_at = tat - interval * burst
-- Redis answers a Lua number as an integer: a wait under 1 ms must not come back as 0 (go).
if allowed_at > now then return math.ceil(allowed_at - now) end
redis.call('SET', KEYS[1], tat + interval, 'PX', math.ceil(interval * (burst + 2) + 1000))
return 0`;

/**
 * At most `perSecond` Stripe calls a second across every process that shares the key, so a job
 * of several calls (collection's create, add lines, finalize) keeps under Stripe's limit by the
 * call rather than by the job. Redis away: the caller waits and asks again (no call is made
 * unmetered).
 */
export class StripeCallGate {
  private readonly intervalMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    perSecond: number,
    private readonly burst = 1,
  ) {
    this.intervalMs = 1000 / perSecond;
  }

  async take(): Promise<void> {
    for (;;) {
      const waitMs = await this.tryTake();
      if (waitMs <= 0) return;
      await new Promise((resolve) => setTimeout(resolve, Math.ceil(waitMs)));
    }
  }

  /** One call's slot if there is one now (0), else how many ms until there is (none taken). */
  async tryTake(): Promise<number> {
    try {
      return Number(
        await this.redis.eval(TAKE, 1, this.key, Date.now(), this.intervalMs, this.burst),
      );
    } catch {
      return 200;
    }
  }

  /** Runs one Stripe call once the gate lets it through. */
  async call<T>(request: () => Promise<T>): Promise<T> {
    await this.take();
    return request();
  }
}
