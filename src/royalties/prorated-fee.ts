/** A fee or guarantee per calendar month, quarter or year. */
export type FeePeriod = 'month' | 'quarter' | 'year';

/** An exact non-negative rational amount of minor units. */
export interface Fraction {
  numerator: bigint;
  denominator: bigint;
}

const DAY_MS = 86_400_000;

function day(date: string): number {
  return Date.parse(`${date}T00:00:00Z`) / DAY_MS;
}

function gcd(a: bigint, b: bigint): bigint {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The calendar fee period (first and last day, as day numbers) containing a day. */
function feePeriodOf(dayNumber: number, period: FeePeriod): { first: number; last: number } {
  const date = new Date(dayNumber * DAY_MS);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const startMonth = period === 'month' ? month : period === 'quarter' ? month - (month % 3) : 0;
  const months = period === 'month' ? 1 : period === 'quarter' ? 3 : 12;
  const first = Date.UTC(year, startMonth, 1) / DAY_MS;
  const last = Date.UTC(year, startMonth + months, 1) / DAY_MS - 1;
  return { first, last };
}

/**
 * The part of a periodic fee that falls in a royalty run, pro-rated by days: for each calendar
 * fee period, amount × (days the agreement is in force within both the run and that fee period)
 * ÷ (days in that fee period). A run of a whole month with a monthly fee in force all month
 * charges the fee once; an agreement starting on the 16th of a 30-day month charges 15/30 of it.
 */
export function proratedFee(
  amount: bigint,
  period: FeePeriod,
  inForce: { from: string; to: string | null },
  run: { start: string; end: string },
): Fraction {
  const from = Math.max(day(inForce.from), day(run.start));
  const to = Math.min(inForce.to === null ? Infinity : day(inForce.to), day(run.end));
  let numerator = 0n;
  let denominator = 1n;
  for (let cursor = from; cursor <= to;) {
    const fee = feePeriodOf(cursor, period);
    const last = Math.min(fee.last, to);
    const days = BigInt(last - cursor + 1);
    const length = BigInt(fee.last - fee.first + 1);
    // numerator/denominator + amount × days / length
    numerator = numerator * length + amount * days * denominator;
    denominator *= length;
    const divisor = gcd(numerator, denominator) || 1n;
    numerator /= divisor;
    denominator /= divisor;
    cursor = last + 1;
  }
  return { numerator, denominator };
}
