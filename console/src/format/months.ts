/** Calendar months as the overview's API names them (YYYY-MM), counted without Date's time zones. */
export function addMonths(month: string, delta: number): string {
  const [year, m] = month.split('-').map(Number);
  const index = year * 12 + (m - 1) + delta;
  return `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** The later of two months. */
export function laterMonth(a: string, b: string): string {
  return a > b ? a : b;
}

const MONTH_LABEL = new Intl.DateTimeFormat('en-GB', {
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** "2027-06" → "Jun 2027"; "2027-06-14" → "14 Jun". */
export function bucketLabel(key: string): string {
  const [year, month, day] = key.split('-').map(Number);
  if (day)
    return `${day} ${MONTH_LABEL.format(new Date(Date.UTC(year, month - 1, 1))).split(' ')[0]}`;
  return MONTH_LABEL.format(new Date(Date.UTC(year, month - 1, 1)));
}
