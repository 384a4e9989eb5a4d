import { formatDuration, transferRate } from './progress';

describe('a payout run’s pace', () => {
  const approvedAt = '2027-07-01T10:00:00.000Z';

  it('is paid items over the seconds since approval while the run pays', () => {
    expect(
      transferRate({ approvedAt, endedAt: null, paid: 50 }, new Date('2027-07-01T10:00:04.000Z')),
    ).toEqual({ perSecond: '12.5', elapsedSeconds: 4 });
  });

  it('stops at the end of the run', () => {
    expect(
      transferRate(
        { approvedAt, endedAt: '2027-07-01T10:01:40.000Z', paid: 1000 },
        new Date('2027-07-01T11:00:00.000Z'),
      ),
    ).toEqual({ perSecond: '10.0', elapsedSeconds: 100 });
  });

  it('has no pace before approval, within the first second or before anything is paid', () => {
    const now = new Date('2027-07-01T10:00:00.500Z');
    expect(transferRate({ approvedAt: null, endedAt: null, paid: 0 }, now)).toEqual({
      perSecond: null,
      elapsedSeconds: 0,
    });
    expect(transferRate({ approvedAt, endedAt: null, paid: 3 }, now)).toEqual({
      perSecond: null,
      elapsedSeconds: 0,
    });
    expect(
      transferRate({ approvedAt, endedAt: null, paid: 0 }, new Date('2027-07-01T10:00:09.000Z')),
    ).toEqual({ perSecond: null, elapsedSeconds: 9 });
  });

  it('says how long in words', () => {
    expect(formatDuration(45)).toBe('45 s');
    expect(formatDuration(125)).toBe('2 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(-3)).toBe('0 s');
  });
});
