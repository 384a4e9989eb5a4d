import { formatMoney, minorToDecimal, parseAmount, sumMinor } from './money';

describe('console money formatting', () => {
  it('turns minor units into an exact decimal of the currency', () => {
    expect(minorToDecimal(123456, 'EUR')).toBe('1234.56');
    expect(minorToDecimal(-5, 'EUR')).toBe('-0.05');
    expect(minorToDecimal(0, 'EUR')).toBe('0.00');
    expect(minorToDecimal(1500, 'JPY')).toBe('1500');
    expect(minorToDecimal(1234, 'KWD')).toBe('1.234');
    // Beyond 2^53: a string keeps every digit.
    expect(minorToDecimal('900719925474099312', 'EUR')).toBe('9007199254740993.12');
  });

  it('formats with the currency code, exactly, in the given locale', () => {
    expect(formatMoney(123456789, 'EUR', 'en-GB')).toBe('EUR\u00a01,234,567.89');
    expect(formatMoney(-1, 'USD', 'en-US')).toBe('-USD\u00a00.01');
    expect(formatMoney('900719925474099312', 'EUR', 'en-GB')).toBe(
      'EUR\u00a09,007,199,254,740,993.12',
    );
    expect(formatMoney(1500, 'JPY', 'en-GB')).toBe('JPY\u00a01,500');
  });

  it('refuses what is not an integer amount', () => {
    expect(() => minorToDecimal(1.5, 'EUR')).toThrow(RangeError);
    expect(() => minorToDecimal('12.5', 'EUR')).toThrow(RangeError);
  });

  it('sums exactly and parses typed amounts into minor units', () => {
    expect(sumMinor([Number.MAX_SAFE_INTEGER, 2, '3'])).toBe(9007199254740996n);
    expect(parseAmount('1,234.5', 'EUR')).toBe(123450n);
    expect(parseAmount('0.01', 'EUR')).toBe(1n);
    expect(parseAmount('12', 'JPY')).toBe(12n);
    expect(parseAmount('1.001', 'EUR')).toBeNull();
    expect(parseAmount('1.5', 'JPY')).toBeNull();
    expect(parseAmount('-1', 'EUR')).toBeNull();
    expect(parseAmount('abc', 'EUR')).toBeNull();
    // A comma only groups thousands: a decimal comma is refused, not misread.
    expect(parseAmount('1,5', 'EUR')).toBeNull();
    expect(parseAmount('1,50', 'EUR')).toBeNull();
    expect(parseAmount('12,34,567', 'EUR')).toBeNull();
    expect(parseAmount('1,234,567.89', 'EUR')).toBe(123456789n);
    expect(parseAmount('', 'EUR')).toBeNull();
  });
});
