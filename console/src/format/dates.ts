/**
 * Dates as the API gives them (ISO `YYYY-MM-DD`, timestamps in ISO 8601), shown one way: days in
 * ISO form, timestamps in the user's locale, periods as "June 2027" when they are a calendar month.
 */
const MONTH = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const TIMESTAMP = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

function lastDayOfMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

export function formatPeriod(start: string, end: string): string {
  const [sy, sm, sd] = start.split('-').map(Number);
  const [ey, em, ed] = end.split('-').map(Number);
  if (sy === ey && sm === em && sd === 1 && ed === lastDayOfMonth(ey, em)) {
    return MONTH.format(new Date(Date.UTC(sy, sm - 1, 1)));
  }
  return `${start} – ${end}`;
}

export function formatTimestamp(iso: string | null | undefined): string {
  return iso ? TIMESTAMP.format(new Date(iso)) : '—';
}

/** The first and last day (ISO) of the month holding `date`. */
export function monthBounds(date: Date): { start: string; end: string } {
  const year = date.getFullYear();
  const month = date.getMonth() + 1;
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    start: `${year}-${pad(month)}-01`,
    end: `${year}-${pad(month)}-${pad(lastDayOfMonth(year, month))}`,
  };
}
