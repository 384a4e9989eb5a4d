import { FeePeriod, proratedFee } from './prorated-fee';

const june = { start: '2027-06-01', end: '2027-06-30' };
const juneAndJuly = { start: '2027-06-01', end: '2027-07-31' };

/** The fee falling in `run` of an agreement in force from `from` to `to` (null: open-ended). */
const fee = (
  amount: bigint,
  period: FeePeriod,
  from: string,
  to: string | null,
  run: { start: string; end: string },
) => proratedFee(amount, period, { from, to }, run);
const exactly = (numerator: bigint, denominator = 1n) => ({ numerator, denominator });

describe('proratedFee', () => {
  it('charges a whole month once', () => {
    expect(fee(30000n, 'month', '2027-01-01', null, june)).toEqual(exactly(30000n));
  });

  it('pro-rates by days when the agreement starts or ends inside the run', () => {
    expect(fee(30000n, 'month', '2027-06-16', null, june)).toEqual(exactly(15000n));
    // Ends on 10 June: 10/30 of the fee.
    expect(fee(1000n, 'month', '2027-01-01', '2027-06-10', june)).toEqual(exactly(1000n, 3n));
    expect(fee(1000n, 'month', '2027-07-01', null, june)).toEqual(exactly(0n));
  });

  it('spreads quarterly and yearly fees over their calendar periods', () => {
    // Q2 has 91 days; June has 30 of them.
    expect(fee(9100n, 'quarter', '2027-01-01', null, june)).toEqual(exactly(3000n));
    expect(fee(36500n, 'year', '2027-01-01', null, june)).toEqual(exactly(3000n));
    // A run over two months with a monthly fee: twice.
    expect(fee(100n, 'month', '2027-01-01', null, juneAndJuly)).toEqual(exactly(200n));
  });

  it('adds a part period to a whole one exactly', () => {
    // 1,000 a month from 21 June over June and July: 10/30 of June's and all of July's,
    // 333⅓ + 1,000 = 4,000/3.
    expect(fee(1000n, 'month', '2027-06-21', null, juneAndJuly)).toEqual(exactly(4000n, 3n));
  });
});
