import { proratedFee } from './prorated-fee';

const june = { start: '2027-06-01', end: '2027-06-30' };

describe('proratedFee', () => {
  it('charges a whole month once', () => {
    expect(proratedFee(30000n, 'month', { from: '2027-01-01', to: null }, june)).toEqual({
      numerator: 30000n,
      denominator: 1n,
    });
  });

  it('pro-rates by days when the agreement starts or ends inside the run', () => {
    expect(proratedFee(30000n, 'month', { from: '2027-06-16', to: null }, june)).toEqual({
      numerator: 15000n,
      denominator: 1n,
    });
    // Ends on 10 June: 10/30 of the fee.
    expect(proratedFee(1000n, 'month', { from: '2027-01-01', to: '2027-06-10' }, june)).toEqual({
      numerator: 1000n,
      denominator: 3n,
    });
    expect(proratedFee(1000n, 'month', { from: '2027-07-01', to: null }, june)).toEqual({
      numerator: 0n,
      denominator: 1n,
    });
  });

  it('spreads quarterly and yearly fees over their calendar periods', () => {
    // Q2 has 91 days; June has 30 of them.
    expect(proratedFee(9100n, 'quarter', { from: '2027-01-01', to: null }, june)).toEqual({
      numerator: 3000n,
      denominator: 1n,
    });
    expect(proratedFee(36500n, 'year', { from: '2027-01-01', to: null }, june)).toEqual({
      numerator: 3000n,
      denominator: 1n,
    });
    // A run over two months with a monthly fee: twice.
    expect(
      proratedFee(
        100n,
        'month',
        { from: '2027-01-01', to: null },
        { start: '2027-06-01', end: '2027-07-31' },
      ),
    ).toEqual({ numerator: 200n, denominator: 1n });
  });
});
