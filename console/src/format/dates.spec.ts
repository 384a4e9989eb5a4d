import { formatPeriod, monthBounds } from './dates';

describe('console dates', () => {
  it('names a calendar month as a month, any other period by its days', () => {
    expect(formatPeriod('2027-06-01', '2027-06-30')).toBe('June 2027');
    expect(formatPeriod('2028-02-01', '2028-02-29')).toBe('February 2028');
    expect(formatPeriod('2027-02-01', '2027-02-28')).toBe('February 2027');
    expect(formatPeriod('2027-06-01', '2027-06-29')).toBe('2027-06-01 – 2027-06-29');
    expect(formatPeriod('2027-06-01', '2027-07-31')).toBe('2027-06-01 – 2027-07-31');
  });

  it('gives the bounds of a month', () => {
    expect(monthBounds(new Date(2028, 1, 10))).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(monthBounds(new Date(2027, 11, 31))).toEqual({ start: '2027-12-01', end: '2027-12-31' });
  });
});
