import { currencyExponent } from '../../format/money';

export interface LicenceRate {
  unit: string;
  per: number;
  /** Minor units of the currency per `per` units, a decimal string as agreed. */
  rate: string;
  currency: string;
}

/**
 * A decimal string of minor units as major units, exactly: the decimal point moves left by the
 * currency's exponent (string arithmetic, never a float). "200" EUR → "2.00", "0.0125" → "0.000125".
 */
export function minorRateToMajor(rate: string, currency: string): string {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(rate);
  if (!match) return rate;
  const exponent = currencyExponent(currency);
  const digits = (match[1] + (match[2] ?? '')).replace(/^0+(?=\d)/, '');
  const scale = (match[2] ?? '').length + exponent;
  const padded = digits.padStart(scale + 1, '0');
  const whole = padded.slice(0, padded.length - scale);
  let fraction = padded.slice(padded.length - scale);
  // Trailing zeros beyond the currency's own decimals say nothing.
  while (fraction.length > exponent && fraction.endsWith('0')) fraction = fraction.slice(0, -1);
  return fraction ? `${whole}.${fraction}` : whole;
}

/** "1,000 tokens", "1 request". */
export function perUnits(per: number, unit: string): string {
  return per === 1 ? `${unit}` : `${per.toLocaleString('en')} ${unit}s`;
}

/**
 * A licence's rate in words, as agreed (minor units) and in the currency's major units:
 * { rate: "200", per: 1000, unit: "token", currency: "EUR" } →
 * "EUR 2.00 per 1,000 tokens" and "200 EUR minor units per 1,000 tokens".
 */
export function describeLicenceRate(rate: LicenceRate): { major: string; asAgreed: string } {
  const per = perUnits(rate.per, rate.unit);
  return {
    major: `${rate.currency} ${minorRateToMajor(rate.rate, rate.currency)} per ${per}`,
    asAgreed: `${rate.rate} ${rate.currency} minor units per ${per}`,
  };
}
