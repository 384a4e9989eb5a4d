/**
 * Exact conversions between minor units (what the ledger stores) and the major-unit decimals
 * people and other formats write (`12.50 EUR`). String arithmetic only: a money figure never
 * passes through a JavaScript `number`.
 */

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

/** ISO 4217 minor-unit exponent (EUR 2, JPY 0, KWD 3), from ICU's tables shipped with Node. */
export function currencyExponent(currency: string): number {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
    .maximumFractionDigits!;
}

function trimIntegerPart(digits: string): string {
  const trimmed = digits.replace(/^0+/, '');
  return trimmed === '' ? '0' : trimmed;
}

/**
 * A non-negative decimal string of minor units (`"1250"`, `"0.0125"`) as major units, exactly:
 * `minorToMajor("0.0125", 2)` is `"0.000125"`. The fraction keeps at least `exponent` digits
 * (`"500000"` → `"5000.00"`) and drops trailing zeros beyond them.
 */
export function minorToMajor(minor: string, exponent: number): string {
  const match = DECIMAL.exec(minor);
  if (!match) throw new Error(`not a non-negative decimal: ${minor}`);
  const integer = match[1];
  const fraction = match[2] ?? '';
  const padded = integer.padStart(exponent + 1, '0');
  const cut = padded.length - exponent;
  const whole = trimIntegerPart(padded.slice(0, cut));
  let decimals = padded.slice(cut) + fraction;
  decimals = decimals.replace(/0+$/, '');
  if (decimals.length < exponent) decimals = decimals.padEnd(exponent, '0');
  return decimals === '' ? whole : `${whole}.${decimals}`;
}

/**
 * A non-negative major-unit decimal (`"0.000125"`) as a canonical decimal string of minor units
 * (`"0.0125"` for EUR), exactly; `null` when `major` is not a plain non-negative decimal.
 */
export function majorToMinor(major: string, exponent: number): string | null {
  const match = DECIMAL.exec(major.trim());
  if (!match) return null;
  const fraction = (match[2] ?? '').padEnd(exponent, '0');
  const whole = trimIntegerPart(match[1] + fraction.slice(0, exponent));
  const rest = fraction.slice(exponent).replace(/0+$/, '');
  return rest === '' ? whole : `${whole}.${rest}`;
}

/** An integer amount of minor units as a JSON number, as this API answers; past 2^53 it would not be exact. */
export function safeMinor(value: bigint | string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number))
    throw new Error(`amount ${String(value)} is not a safe integer`);
  return number;
}
