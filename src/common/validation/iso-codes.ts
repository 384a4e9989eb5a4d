import { registerDecorator, ValidationOptions } from 'class-validator';

// ICU's tables, shipped with Node: no hand-kept copy of ISO 4217 or ISO 3166 to go stale.
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
const REGIONS = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'code' });

export function isCurrencyCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{3}$/.test(value) && CURRENCIES.has(value);
}

/** ISO 3166-1 alpha-2: two capitals that ICU knows as a region (not a UN M.49 number). */
export function isCountryCode(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Z]{2}$/.test(value) && REGIONS.of(value) !== value;
}

function codeDecorator(name: string, test: (value: unknown) => boolean, message: string) {
  return (options?: ValidationOptions) => (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message, ...options },
      validator: { validate: test },
    });
}

export const IsCurrencyCode = codeDecorator(
  'isCurrencyCode',
  isCurrencyCode,
  '$property must be an ISO 4217 currency code in capitals, e.g. EUR',
);
export const IsCountryCode = codeDecorator(
  'isCountryCode',
  isCountryCode,
  '$property must be an ISO 3166-1 alpha-2 country code in capitals, e.g. DE',
);
