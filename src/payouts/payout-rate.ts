const WINDOWS_MS = [100, 200, 250, 500, 1000];

/**
 * BullMQ's limiter as the shortest window (of 100, 200, 250, 500 or 1000 ms) that holds a whole
 * number of jobs at the same rate, so a window's burst stays small beside Stripe's token bucket:
 * 95/s → 19 per 200 ms, 98/s → 49 per 500 ms, 20/s → 2 per 100 ms.
 */
export function payoutLimiter(perSecond: number): { max: number; duration: number } {
  const duration = WINDOWS_MS.find((ms) => (perSecond * ms) % 1000 === 0) ?? 1000;
  return { max: (perSecond * duration) / 1000, duration };
}
