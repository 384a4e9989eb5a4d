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

/**
 * Regions ICU names that ISO 3166-1 does not assign: exceptional reservations (AC, CP, CQ, DG,
 * EA, EU, IC, TA, UN), CLDR's own codes (EZ, QO, XA, XB, ZZ) and the user-assigned XK (Kosovo).
 * Codes ICU keeps only as aliases of another (withdrawn DD, SU, YU, …; UK for GB) are not
 * canonical, so they need no entry here.
 */
const NOT_ASSIGNED_BY_ISO = new Set('AC CP CQ DG EA EU IC TA UN EZ QO XA XB ZZ XK'.split(' '));

/**
 * ISO 3166-1 alpha-2 as officially assigned today (249 codes), stricter than `isCountryCode`:
 * a region ICU knows by this very code rather than as an alias, less the codes above.
 */
export function isAssignedCountryCode(value: unknown): value is string {
  return (
    isCountryCode(value) &&
    !NOT_ASSIGNED_BY_ISO.has(value) &&
    Intl.getCanonicalLocales(`und-${value}`)[0] === `und-${value}`
  );
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
