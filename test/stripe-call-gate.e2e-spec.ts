import Redis from 'ioredis';
import { randomUUID } from 'node:crypto';
import { TokenBucket } from '../emulator/stripe/token-bucket';
import { StripeCallGate } from '../src/stripe/stripe-call-gate';

/**
 * The gate every collection call to Stripe passes (a GCRA in Redis): however many callers ask at
 * once, calls go through no faster than the rate, so Stripe's limiter refuses none of them.
 */
describe('StripeCallGate', () => {
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  afterAll(() => redis.quit());

  it('lets 16 callers through at 98 calls a second together: Stripe at 100 refuses none', async () => {
    // 98 a second: an interval of 10.2 ms, fractions of a millisecond included.
    const gate = new StripeCallGate(redis, `test-gate:${randomUUID()}`, 98);
    const start = Date.now();
    const at: number[] = [];
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let i = 0; i < 15; i++) {
          await gate.take();
          at.push(Date.now());
        }
      }),
    );
    expect(at).toHaveLength(240);
    // 240 calls at 98 a second: the last goes no sooner than 239 / 98 s = 2.439 s after the first.
    expect(Math.max(...at) - start).toBeGreaterThanOrEqual(2_430);
    // Stripe's own limiter (a token bucket of 100, refilled 100 a second) would refuse none.
    at.sort((a, b) => a - b);
    let clock = start;
    const stripe = new TokenBucket(100, () => clock);
    const refused = at.filter((t) => {
      clock = t;
      return !stripe.take().ok;
    });
    expect(refused).toEqual([]);
  });

  it('tells a caller over the rate how long to wait, without taking a slot', async () => {
    const gate = new StripeCallGate(redis, `test-gate:${randomUUID()}`, 1, 2);
    expect(await gate.tryTake()).toBe(0);
    expect(await gate.tryTake()).toBe(0);
    expect(await gate.tryTake()).toBe(0);
    const wait = await gate.tryTake();
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
  });
});
