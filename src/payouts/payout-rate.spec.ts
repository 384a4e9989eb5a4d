import { payoutLimiter } from './payout-rate';

describe('payoutLimiter', () => {
  it('keeps the rate in windows of 100, 200 or 1000 ms', () => {
    expect(payoutLimiter(95)).toEqual({ max: 19, duration: 200 });
    expect(payoutLimiter(20)).toEqual({ max: 2, duration: 100 });
    expect(payoutLimiter(25)).toEqual({ max: 5, duration: 200 });
    expect(payoutLimiter(7)).toEqual({ max: 7, duration: 1000 });
  });
});
