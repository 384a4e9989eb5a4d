import { isAssignedCountryCode, isCountryCode, isCurrencyCode } from './iso-codes';

describe('ISO codes', () => {
  it('knows currencies', () => {
    expect(['EUR', 'USD', 'JPY', 'GBP'].every(isCurrencyCode)).toBe(true);
    expect(['eur', 'EURO', 'XYZ', 'ZZZ', 42].some(isCurrencyCode)).toBe(false);
  });

  it('knows countries', () => {
    expect(['DE', 'US', 'JP', 'BR'].every(isCountryCode)).toBe(true);
    expect(['de', 'XX', 'QQ', 'DEU', ''].some(isCountryCode)).toBe(false);
  });

  it('knows which countries ISO 3166-1 assigns today', () => {
    const letters = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
    const all = letters.flatMap((a) => letters.map((b) => a + b));
    expect(all.filter(isAssignedCountryCode)).toHaveLength(249);
    expect(['DE', 'US', 'GB', 'SS', 'BQ', 'AX', 'AQ'].every(isAssignedCountryCode)).toBe(true);
    // Reserved, CLDR's own, user-assigned, withdrawn: ICU names them, ISO does not assign them.
    for (const code of 'EU UN AC CQ EZ QO XA ZZ XK DD SU UK YU'.split(' ')) {
      expect([code, isCountryCode(code), isAssignedCountryCode(code)]).toEqual([code, true, false]);
    }
    expect(['de', 'XX', 'QQ', 'DEU', '', 42].some(isAssignedCountryCode)).toBe(false);
  });
});
