/**
 * BullMQ's limiter as short windows of the same rate, so a window's burst stays small next to
 * Stripe's token bucket: 95/s → 19 per 200 ms, 20/s → 2 per 100 ms.
 */
export function payoutLimiter(perSecond: number): { max: number; duration: number } {
  if (perSecond % 10 === 0) return { max: perSecond / 10, duration: 100 };
  if (perSecond % 5 === 0) return { max: perSecond / 5, duration: 200 };
  return { max: perSecond, duration: 1000 };
}
