import { formatTimestamp } from './dates';

/**
 * Days picked in the console (ISO `YYYY-MM-DD`, UTC days) → the instants a range route takes:
 * from the first day's start (inclusive) to the day after the last (exclusive).
 */
export function dayRangeToInstants(
  firstDay: string,
  lastDay: string,
): { from: string; to: string } {
  const next = new Date(`${lastDay}T00:00:00.000Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return { from: `${firstDay}T00:00:00.000Z`, to: next.toISOString() };
}

/**
 * A range of instants (exclusive end) shown as the UTC days it covers when it is whole days
 * ("2027-07-01", "2027-07-01 – 2027-07-02"); otherwise as its two timestamps.
 */
export function formatInstantRange(from: string, to: string): string {
  const midnight = (iso: string) => /T00:00:00(\.000)?Z$/.test(iso);
  if (!midnight(from) || !midnight(to)) return `${formatTimestamp(from)} – ${formatTimestamp(to)}`;
  const firstDay = from.slice(0, 10);
  const lastDay = new Date(Date.parse(to) - 1).toISOString().slice(0, 10);
  return firstDay === lastDay ? firstDay : `${firstDay} – ${lastDay}`;
}
