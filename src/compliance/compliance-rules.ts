/**
 * Compliance's rules that are not SQL: when a period's report is due, and when a period's volume
 * has fallen against the ones before it. Plain functions, unit-tested.
 */

/** The report due day of an offer's terms when it names none: the 15th of the next month. */
export const DEFAULT_REPORT_DUE_DAY = 15;

/** `YYYY-MM` → its first and last day. */
export function monthBounds(period: string): { start: string; end: string } {
  const [year, month] = period.split('-').map(Number);
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return { start: `${period}-01`, end: `${period}-${String(last).padStart(2, '0')}` };
}

/** The `YYYY-MM` `n` months before `period` (n may be negative: after). */
export function monthsBefore(period: string, n: number): string {
  const [year, month] = period.split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1 - n, 1));
  return date.toISOString().slice(0, 7);
}

/** The day a period's report is due: `dueDay` of the month after the period. */
export function reportDueOn(period: string, dueDay: number): string {
  return `${monthsBefore(period, -1)}-${String(dueDay).padStart(2, '0')}`;
}

/** Whole days from the end of `dueOn` (UTC) to `at`, when positive; 0 otherwise. */
export function daysAfter(dueOn: string, at: Date): number {
  const endOfDue = Date.parse(`${dueOn}T00:00:00Z`) + 86_400_000;
  return Math.max(0, Math.ceil((at.getTime() - endOfDue) / 86_400_000));
}

/**
 * A fall in reported volume: the period's units against the mean of the three before it (a
 * period with nothing reported counts as 0). A finding when that mean is above zero and the
 * period fell by more than `thresholdBps` of it; `dropBps` is the fall in basis points, rounded
 * down. Units are decimal strings (numeric in the database); compared exactly with BigInt at a
 * fixed scale of 6 decimals, the most a unit count carries here.
 */
export function volumeDrop(
  units: string,
  trailing: [string, string, string],
  thresholdBps: number,
): { dropBps: number; trailingMean: string } | null {
  const scaled = (value: string) => {
    const [whole, fraction = ''] = value.split('.');
    return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
  };
  const current = scaled(units);
  const sum = trailing.reduce((total, value) => total + scaled(value), 0n);
  if (sum === 0n) return null;
  // current < mean × (1 − t)  ⇔  3·current·10,000 < sum·(10,000 − t)
  if (current * 3n * 10_000n >= sum * BigInt(10_000 - thresholdBps)) return null;
  const dropBps = Number(((sum - current * 3n) * 10_000n) / sum);
  const mean = sum / 3n;
  const whole = mean / 1_000_000n;
  const fraction = (mean % 1_000_000n).toString().padStart(6, '0').replace(/0+$/, '');
  return { dropBps, trailingMean: fraction ? `${whole}.${fraction}` : `${whole}` };
}
