import { dayRangeToInstants } from './date-range';

describe('a range of days', () => {
  it('runs from the first day’s start to the end of the last (exclusive)', () => {
    expect(dayRangeToInstants('2027-07-01', '2027-07-01')).toEqual({
      from: '2027-07-01T00:00:00.000Z',
      to: '2027-07-02T00:00:00.000Z',
    });
    expect(dayRangeToInstants('2028-02-01', '2028-02-29')).toEqual({
      from: '2028-02-01T00:00:00.000Z',
      to: '2028-03-01T00:00:00.000Z',
    });
    expect(dayRangeToInstants('2027-12-31', '2027-12-31').to).toBe('2028-01-01T00:00:00.000Z');
  });
});
