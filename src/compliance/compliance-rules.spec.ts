import { daysAfter, monthBounds, monthsBefore, reportDueOn, volumeDrop } from './compliance-rules';

describe('compliance rules', () => {
  it('knows months, their bounds and due days', () => {
    expect(monthBounds('2027-02')).toEqual({ start: '2027-02-01', end: '2027-02-28' });
    expect(monthBounds('2028-02')).toEqual({ start: '2028-02-01', end: '2028-02-29' });
    expect(monthBounds('2027-12')).toEqual({ start: '2027-12-01', end: '2027-12-31' });
    expect(monthsBefore('2027-01', 3)).toBe('2026-10');
    expect(monthsBefore('2027-12', -1)).toBe('2028-01');
    expect(reportDueOn('2027-06', 15)).toBe('2027-07-15');
    expect(reportDueOn('2027-12', 5)).toBe('2028-01-05');
  });

  it('counts days past the end of the due day', () => {
    expect(daysAfter('2027-07-15', new Date('2027-07-15T23:59:59Z'))).toBe(0);
    expect(daysAfter('2027-07-15', new Date('2027-07-16T00:00:01Z'))).toBe(1);
    expect(daysAfter('2027-07-15', new Date('2027-08-05T12:00:00Z'))).toBe(21);
  });

  it('finds a fall of more than the threshold against the mean of the three periods before', () => {
    // mean 1,000; 499 is a fall of 50.1 % (5,010 bps) > 50 %.
    expect(volumeDrop('499', ['1000', '1200', '800'], 5000)).toEqual({
      dropBps: 5010,
      trailingMean: '1000',
    });
    // Exactly 50 % is not more than 50 %.
    expect(volumeDrop('500', ['1000', '1200', '800'], 5000)).toBeNull();
    // A period with nothing reported counts as 0: mean 400, 100 is a fall of 75 %.
    expect(volumeDrop('100', ['1200', '0', '0'], 5000)).toEqual({
      dropBps: 7500,
      trailingMean: '400',
    });
    // Nothing before: nothing to fall from.
    expect(volumeDrop('0', ['0', '0', '0'], 5000)).toBeNull();
    expect(volumeDrop('0', ['0', '0', '3'], 5000)).toEqual({ dropBps: 10000, trailingMean: '1' });
    // Decimal units, a mean that does not divide evenly: 10 / 3.
    expect(volumeDrop('1.5', ['10', '0', '0'], 5000)).toEqual({
      dropBps: 5500,
      trailingMean: '3.333333',
    });
  });
});
