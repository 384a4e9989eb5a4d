import { dayRange, monthAfter, monthRange } from './overview-range';

describe('overview ranges', () => {
  const now = new Date('2027-03-15T23:59:59Z');

  it('defaults to the twelve months up to the current one, across a year', () => {
    expect(monthRange(now)).toEqual({ from: '2026-04', to: '2027-03', count: 12 });
    expect(monthRange(now, '2027-01')).toEqual({ from: '2027-01', to: '2027-03', count: 3 });
    expect(monthRange(now, undefined, '2027-01')).toEqual({
      from: '2026-02',
      to: '2027-01',
      count: 12,
    });
  });

  it('defaults to the thirty days up to today; calendar days only', () => {
    expect(dayRange(now)).toEqual({ from: '2027-02-14', to: '2027-03-15', count: 30 });
    expect(dayRange(now, '2028-02-28', '2028-03-01')).toEqual({
      from: '2028-02-28',
      to: '2028-03-01',
      count: 3,
    });
    expect(() => dayRange(now, '2027-02-29', '2027-03-01')).toThrow('Invalid fields: from');
    expect(() => dayRange(now, '2027-02', '2027-03-01')).toThrow('Invalid fields: from');
    expect(() => monthRange(now, '2027-02-01')).toThrow('Invalid fields: from');
  });

  it('refuses a reversed range and more than 120 buckets, and allows exactly 120', () => {
    expect(() => monthRange(now, '2027-02', '2027-01')).toThrow('`from` must not be after `to`');
    expect(monthRange(now, '2017-01', '2026-12').count).toBe(120);
    expect(() => monthRange(now, '2016-12', '2026-12')).toThrow('at most 120 months');
    expect(dayRange(now, '2027-01-01', '2027-04-30').count).toBe(120);
    expect(() => dayRange(now, '2027-01-01', '2027-05-01')).toThrow('at most 120 days');
  });

  it('names the first day after a month', () => {
    expect(monthAfter('2027-12')).toBe('2028-01-01');
    expect(monthAfter('2027-01')).toBe('2027-02-01');
  });
});
