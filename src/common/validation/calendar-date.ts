/** A calendar date's shape, `YYYY-MM-DD` (whether it exists is isCalendarDate's question). */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A real calendar date in `YYYY-MM-DD` (arithmetic, no Date: it runs for every import line). */
export function isCalendarDate(value: string): boolean {
  if (!ISO_DATE.test(value)) return false;
  const year = Number(value.slice(0, 4));
  const month = Number(value.slice(5, 7));
  const day = Number(value.slice(8, 10));
  if (month < 1 || month > 12 || day < 1 || year < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return day <= (month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1]);
}

/** Today's calendar date in UTC, `YYYY-MM-DD`: the platform's day for terms and splits. */
export function todayUtc(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}
