import { isCountryCode, isCurrencyCode } from './iso-codes';

describe('ISO codes', () => {
  it('knows currencies', () => {
    expect(['EUR', 'USD', 'JPY', 'GBP'].every(isCurrencyCode)).toBe(true);
    expect(['eur', 'EURO', 'XYZ', 'ZZZ', 42].some(isCurrencyCode)).toBe(false);
  });

  it('knows countries', () => {
    expect(['DE', 'US', 'JP', 'BR'].every(isCountryCode)).toBe(true);
    expect(['de', 'XX', 'QQ', 'DEU', ''].some(isCountryCode)).toBe(false);
  });
});
