import { dayRangeToInstants, formatInstantRange } from './date-range';

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

describe('a range of instants shown', () => {
  it('names the days it covers when it is whole days', () => {
    expect(formatInstantRange('2027-07-01T00:00:00.000Z', '2027-07-02T00:00:00.000Z')).toBe(
      '2027-07-01',
    );
    expect(formatInstantRange('2027-07-01T00:00:00Z', '2027-08-01T00:00:00Z')).toBe(
      '2027-07-01 – 2027-07-31',
    );
  });

  it('shows both instants otherwise', () => {
    expect(formatInstantRange('2027-07-01T10:00:00.000Z', '2027-07-02T00:00:00.000Z')).toContain(
      ' – ',
    );
    expect(formatInstantRange('2027-07-01T10:00:00.000Z', '2027-07-02T00:00:00.000Z')).not.toMatch(
      /^2027-07-01$/,
    );
  });
});
