import { describeProgress, formatBytes, percentSent } from './upload-progress';

describe('upload progress in words', () => {
  it('formats byte counts', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(999)).toBe('999 bytes');
    expect(formatBytes(12_800_000)).toBe('12.8 MB');
    expect(formatBytes(3_200_000_000)).toBe('3.2 GB');
  });

  it('never says 100 % before the last byte', () => {
    expect(percentSent({ loaded: 999, total: 1000 })).toBe(99);
    expect(percentSent({ loaded: 1000, total: 1000 })).toBe(100);
    expect(percentSent({ loaded: 0, total: 0 })).toBe(0);
    expect(describeProgress({ loaded: 6_400_000, total: 12_800_000 })).toBe(
      '6.4 MB of 12.8 MB sent (50 %)',
    );
  });
});
