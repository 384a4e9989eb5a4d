import { addMonths, bucketLabel, laterMonth } from './months';

describe('overview months', () => {
  it('adds and subtracts months across years', () => {
    expect(addMonths('2027-06', -11)).toBe('2026-07');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-06', 0)).toBe('2027-06');
  });

  it('picks the later month and labels buckets', () => {
    expect(laterMonth('2026-12', '2027-06')).toBe('2027-06');
    expect(laterMonth('2027-06', '2026-12')).toBe('2027-06');
    expect(bucketLabel('2027-06')).toBe('Jun 2027');
    expect(bucketLabel('2027-06-14')).toBe('14 Jun');
  });
});
