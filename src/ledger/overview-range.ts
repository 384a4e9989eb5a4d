import { BadRequest } from '../common/errors/domain-error';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { DAY, MAX_BUCKETS, MONTH } from './dto/ledger-overview.dto';

/** A chart's series: its first and last bucket (inclusive) and how many there are. */
export interface BucketRange {
  from: string;
  to: string;
  count: number;
}

/** A month (`YYYY-MM`) as months since year 0, and back. */
export const monthIndex = (month: string) =>
  Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
export const monthOf = (index: number) =>
  `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
const DAY_MS = 86_400_000;
const dayIndex = (day: string) => Date.parse(`${day}T00:00:00Z`) / DAY_MS;
const dayOf = (index: number) => new Date(index * DAY_MS).toISOString().slice(0, 10);

/** The day, if it exists in the calendar (2027-02-30 does not). */
function isCalendarDay(value: string): boolean {
  return DAY.test(value) && dayOf(dayIndex(value)) === value;
}

function checked(from: number, to: number, unit: 'months' | 'days') {
  if (from > to) {
    throw new BadRequest('invalid-range', '`from` must not be after `to`', {
      errors: [{ field: 'from', messages: ['from must not be after to'] }],
    });
  }
  if (to - from + 1 > MAX_BUCKETS) {
    throw new BadRequest('invalid-range', `A series spans at most ${MAX_BUCKETS} ${unit}`, {
      errors: [{ field: 'from', messages: [`from and to span at most ${MAX_BUCKETS} ${unit}`] }],
    });
  }
}

/**
 * Months from `from` to `to` (YYYY-MM, inclusive): `to` defaults to the current month (UTC),
 * `from` to 11 months before `to`. At most MAX_BUCKETS.
 */
export function monthRange(now: Date, from?: string, to?: string): BucketRange {
  const errors = [
    ...(from !== undefined && !MONTH.test(from)
      ? [{ field: 'from', messages: ['from must be a month, YYYY-MM, when interval is month'] }]
      : []),
    ...(to !== undefined && !MONTH.test(to)
      ? [{ field: 'to', messages: ['to must be a month, YYYY-MM, when interval is month'] }]
      : []),
  ];
  if (errors.length) throw new RequestValidationFailed(errors);
  const last = to !== undefined ? monthIndex(to) : now.getUTCFullYear() * 12 + now.getUTCMonth();
  const first = from !== undefined ? monthIndex(from) : last - 11;
  checked(first, last, 'months');
  return { from: monthOf(first), to: monthOf(last), count: last - first + 1 };
}

/**
 * Days from `from` to `to` (YYYY-MM-DD, inclusive): `to` defaults to today (UTC), `from` to 29
 * days before `to`. At most MAX_BUCKETS.
 */
export function dayRange(now: Date, from?: string, to?: string): BucketRange {
  const errors = [
    ...(from !== undefined && !isCalendarDay(from)
      ? [
          {
            field: 'from',
            messages: ['from must be a calendar date, YYYY-MM-DD, when interval is day'],
          },
        ]
      : []),
    ...(to !== undefined && !isCalendarDay(to)
      ? [
          {
            field: 'to',
            messages: ['to must be a calendar date, YYYY-MM-DD, when interval is day'],
          },
        ]
      : []),
  ];
  if (errors.length) throw new RequestValidationFailed(errors);
  const last = to !== undefined ? dayIndex(to) : Math.floor(now.getTime() / DAY_MS);
  const first = from !== undefined ? dayIndex(from) : last - 29;
  checked(first, last, 'days');
  return { from: dayOf(first), to: dayOf(last), count: last - first + 1 };
}

/** The first day of the month after `month` (YYYY-MM): an exclusive upper bound. */
export function monthAfter(month: string): string {
  return `${monthOf(monthIndex(month) + 1)}-01`;
}
