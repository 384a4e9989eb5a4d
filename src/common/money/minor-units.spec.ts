import { currencyExponent, majorToMinor, minorToMajor, safeMinor } from './minor-units';

describe('currencyExponent', () => {
  it.each([
    ['EUR', 2],
    ['USD', 2],
    ['JPY', 0],
    ['KWD', 3],
  ])('%s has %i minor digits', (currency, exponent) => {
    expect(currencyExponent(currency)).toBe(exponent);
  });
});

describe('minorToMajor', () => {
  it.each([
    ['0.0125', 2, '0.000125'],
    ['1250', 2, '12.50'],
    ['500000', 2, '5000.00'],
    ['1', 2, '0.01'],
    ['0', 2, '0.00'],
    ['0', 0, '0'],
    ['500', 0, '500'],
    ['7', 3, '0.007'],
    ['123456789012345678.123456789012', 2, '1234567890123456.78123456789012'],
    ['0.000000000001', 2, '0.00000000000001'],
    ['10.50', 2, '0.105'],
    ['1.00', 2, '0.01'],
    ['1.0500', 0, '1.05'],
  ])('%s minor units at exponent %i are %s', (minor, exponent, major) => {
    expect(minorToMajor(minor, exponent)).toBe(major);
  });

  it('refuses what is not a decimal', () => {
    expect(() => minorToMajor('1e3', 2)).toThrow('not a non-negative decimal');
  });
});

describe('majorToMinor', () => {
  it.each([
    ['0.000125', 2, '0.0125'],
    ['12.50', 2, '1250'],
    ['5000.00', 2, '500000'],
    ['0.01', 2, '1'],
    ['0', 2, '0'],
    ['500', 0, '500'],
    ['0.5', 0, '0.5'],
    ['007.10', 2, '710'],
    [' 12.50 ', 2, '1250'],
    ['0.00012500', 2, '0.0125'],
    ['3.100', 0, '3.1'],
  ])('%s major units at exponent %i are %s minor', (major, exponent, minor) => {
    expect(majorToMinor(major, exponent)).toBe(minor);
  });

  it.each(['-1', '1e3', '1,50', '', '.5', 'abc'])('refuses %j', (major) => {
    expect(majorToMinor(major, 2)).toBeNull();
  });

  it('round-trips minorToMajor exactly', () => {
    for (const minor of ['0.0125', '1250', '0', '99999999999999.999999999999']) {
      expect(majorToMinor(minorToMajor(minor, 2), 2)).toBe(minor);
    }
  });
});

describe('safeMinor', () => {
  it('answers an integer amount up to 2^53 − 1 as a number, from a bigint or a string', () => {
    expect(safeMinor(9_007_199_254_740_991n)).toBe(9_007_199_254_740_991);
    expect(safeMinor('-1250')).toBe(-1250);
    expect(safeMinor(0n)).toBe(0);
  });

  it('refuses what a JSON number would not carry exactly', () => {
    expect(() => safeMinor(9_007_199_254_740_992n)).toThrow(
      'amount 9007199254740992 is not a safe integer',
    );
    expect(() => safeMinor('12.5')).toThrow('amount 12.5 is not a safe integer');
  });
});
