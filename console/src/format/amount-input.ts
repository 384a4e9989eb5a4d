import { currencyExponent, parseAmount } from './money';

/**
 * A typed amount in major units ("50", "1,250.00") → integer minor units for the API, exactly
 * (parseAmount: integer arithmetic, never a float), or the reason it is not one.
 */
export type AmountInput =
  { minor: number; error?: undefined } | { minor?: undefined; error: string };

export function amountForApi(text: string, currency: string): AmountInput {
  if (!/^[A-Z]{3}$/.test(currency)) return { error: 'Choose the currency first' };
  let minor: bigint | null;
  try {
    minor = parseAmount(text, currency);
  } catch {
    return { error: `${currency} is not a currency` };
  }
  if (minor === null) return { error: `Not an amount of ${currency}` };
  if (minor < 1n) return { error: 'At least the smallest unit of the currency' };
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return { error: 'Too large an amount' };
  return { minor: Number(minor) };
}

/**
 * Why a typed amount cannot be sent, in words for beside its field; undefined when it can (or
 * nothing is typed yet). Zero is only refused once the user has tried to submit (`touched`).
 */
export function typedAmountError(
  text: string,
  currency: string,
  touched: boolean,
): string | undefined {
  if (text.trim() === '') return undefined;
  const exponent = currencyExponent(currency);
  const minor = parseAmount(text, currency);
  if (minor === null) {
    return exponent === 0
      ? `Enter a whole amount of ${currency}, without decimals`
      : `Enter an amount of ${currency} with at most ${exponent} decimals, e.g. 1,234.${'5'.padEnd(exponent, '0')}`;
  }
  if (minor > BigInt(Number.MAX_SAFE_INTEGER)) return 'This amount is too large';
  if (touched && minor === 0n) return 'Enter an amount above zero';
  return undefined;
}
