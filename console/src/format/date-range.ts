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
