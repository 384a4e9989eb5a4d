import { payoutLimiter } from './payout-rate';

describe('payoutLimiter', () => {
  it('keeps the rate in the shortest window that holds a whole number of jobs', () => {
    expect(payoutLimiter(95)).toEqual({ max: 19, duration: 200 });
    expect(payoutLimiter(98)).toEqual({ max: 49, duration: 500 });
    expect(payoutLimiter(20)).toEqual({ max: 2, duration: 100 });
    expect(payoutLimiter(25)).toEqual({ max: 5, duration: 200 });
    expect(payoutLimiter(7)).toEqual({ max: 7, duration: 1000 });
  });
});
