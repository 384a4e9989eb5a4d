import { describeLicenceRate, minorRateToMajor } from './rate';

describe('minorRateToMajor', () => {
  it('moves the decimal point by the currency exponent, exactly', () => {
    expect(minorRateToMajor('200', 'EUR')).toBe('2.00');
    expect(minorRateToMajor('0.0125', 'EUR')).toBe('0.000125');
    expect(minorRateToMajor('5', 'EUR')).toBe('0.05');
    expect(minorRateToMajor('123456789012345678.5', 'EUR')).toBe('1234567890123456.785');
    expect(minorRateToMajor('7', 'JPY')).toBe('7');
    expect(minorRateToMajor('1.500', 'JPY')).toBe('1.5');
    expect(minorRateToMajor('1250', 'KWD')).toBe('1.250');
  });
});

describe('describeLicenceRate', () => {
  it('says the rate in major units and as agreed, with its unit', () => {
    expect(describeLicenceRate({ rate: '200', per: 1000, unit: 'token', currency: 'EUR' })).toEqual(
      {
        major: 'EUR 2.00 per 1,000 tokens',
        asAgreed: '200 EUR minor units per 1,000 tokens',
      },
    );
    expect(describeLicenceRate({ rate: '3', per: 1, unit: 'request', currency: 'GBP' })).toEqual({
      major: 'GBP 0.03 per request',
      asAgreed: '3 GBP minor units per request',
    });
  });
});
