/**
 * Money as the API gives it: integer minor units (a number within 2^53, or a decimal string).
 * Every amount the console shows passes through here: the minor units become an exact decimal
 * string by integer arithmetic (BigInt), and Intl formats that string — never a float division.
 */
export type MinorUnits = number | string | bigint;

const exponents = new Map<string, number>();

/** Digits after the decimal point of a currency (EUR 2, JPY 0, KWD 3), from the platform's ICU. */
export function currencyExponent(currency: string): number {
  let exponent = exponents.get(currency);
  if (exponent === undefined) {
    exponent = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits!;
    exponents.set(currency, exponent);
  }
  return exponent;
}

export function toBigInt(minor: MinorUnits): bigint {
  if (typeof minor === 'bigint') return minor;
  if (typeof minor === 'number') {
    if (!Number.isSafeInteger(minor)) throw new RangeError(`not an integer amount: ${minor}`);
    return BigInt(minor);
  }
  if (!/^-?\d+$/.test(minor)) throw new RangeError(`not an integer amount: ${minor}`);
  return BigInt(minor);
}

/** "-123456" EUR → "-1234.56": exact, for Intl and for CSV-like display. */
export function minorToDecimal(minor: MinorUnits, currency: string): string {
  const value = toBigInt(minor);
  const exponent = currencyExponent(currency);
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(exponent + 1, '0');
  const whole = digits.slice(0, digits.length - exponent);
  const fraction = digits.slice(digits.length - exponent);
  return `${negative ? '-' : ''}${whole}${exponent > 0 ? `.${fraction}` : ''}`;
}

const formatters = new Map<string, Intl.NumberFormat>();

function formatter(currency: string, locale?: string): Intl.NumberFormat {
  const key = `${locale ?? ''}|${currency}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, {
      style: 'currency',
      currency,
      currencyDisplay: 'code',
    });
    formatters.set(key, format);
  }
  return format;
}

/** "EUR 1,234.56" in the user's locale (the currency code always shown: several meet here). */
export function formatMoney(minor: MinorUnits, currency: string, locale?: string): string {
  // Intl formats a decimal string exactly (ES2023), where a number would round past 2^53.
  return formatter(currency, locale).format(
    minorToDecimal(minor, currency) as Intl.StringNumericLiteral,
  );
}

/** The sum of amounts, exactly. */
export function sumMinor(amounts: readonly MinorUnits[]): bigint {
  return amounts.reduce<bigint>((sum, amount) => sum + toBigInt(amount), 0n);
}

/**
 * A user's typed amount ("1,234.5" or "1234.50") → minor units, or null when it is not an amount
 * of this currency (more decimals than it has, letters, empty). Only "." is the decimal mark; ","
 * only separates thousands, in groups of three — "1,5" is refused, never read as 15 or 1.5.
 */
export function parseAmount(text: string, currency: string): bigint | null {
  const cleaned = text.trim().replace(/\s/g, '');
  const exponent = currencyExponent(currency);
  const match = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(cleaned);
  if (!match) return null;
  const fraction = match[2] ?? '';
  if (fraction.length > exponent) return null;
  return BigInt(match[1].replace(/,/g, '') + fraction.padEnd(exponent, '0'));
}
