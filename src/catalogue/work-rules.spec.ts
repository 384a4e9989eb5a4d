import fc from 'fast-check';
import { canonicalSplits, sameSplits } from './work-inputs';
import { isCalendarDate } from '../common/validation/calendar-date';
import { splitsProblem } from './work-rules';

const payeeIds = fc.uniqueArray(fc.uuid(), { minLength: 1, maxLength: 8 });

/** Shares that sum to exactly 10000: cut points in (0, 10000). */
const validSplits = payeeIds.chain((ids) =>
  fc
    .uniqueArray(fc.integer({ min: 1, max: 9999 }), {
      minLength: ids.length - 1,
      maxLength: ids.length - 1,
    })
    .map((cuts) => {
      const points = [0, ...cuts.sort((a, b) => a - b), 10000];
      return ids.map((payeeId, i) => ({ payeeId, shareBps: points[i + 1] - points[i] }));
    }),
);

describe('splits', () => {
  it('accepts every set of positive shares that sums to 10000, and canonical order keeps them', () => {
    fc.assert(
      fc.property(validSplits, (splits) => {
        expect(splitsProblem(splits)).toBeNull();
        const canonical = canonicalSplits([...splits].reverse());
        expect(canonical.reduce((sum, split) => sum + split.shareBps, 0)).toBe(10000);
        expect(sameSplits(canonical, canonicalSplits(splits))).toBe(true);
      }),
    );
  });

  it('refuses any set that does not sum to 10000', () => {
    fc.assert(
      fc.property(validSplits, fc.integer({ min: 1, max: 500 }), (splits, extra) => {
        const off = splits.map((split, i) =>
          i === 0 ? { ...split, shareBps: split.shareBps + extra } : split,
        );
        expect(splitsProblem(off)).toBe(
          `shares sum to ${10000 + extra} bps; they must sum to exactly 10000`,
        );
      }),
    );
  });

  it('names the exact problem', () => {
    expect(splitsProblem([])).toBe('splits must not be empty');
    expect(splitsProblem([{ payeeId: 'a', shareBps: 10000.5 }])).toBe(
      'shareBps must be a positive integer (got 10000.5)',
    );
  });
});

describe('isCalendarDate', () => {
  it('knows real dates', () => {
    expect(
      ['2024-02-29', '2000-02-29', '0001-01-01', '1999-12-31', '2023-04-30'].every(isCalendarDate),
    ).toBe(true);
    expect(
      [
        '2023-02-29',
        '1900-02-29',
        '2024-13-01',
        '2024-00-10',
        '2024-04-31',
        '2024-01-00',
        '0000-01-01',
        '2024-1-01',
        '20240101',
      ].some(isCalendarDate),
    ).toBe(false);
  });
});
