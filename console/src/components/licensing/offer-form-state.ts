import { amountForApi } from '../../format/amount-input';
import { minorToDecimal } from '../../format/money';
import type { PricingPeriod, Rate, Terms } from './terms';

/**
 * The offer form as typed (strings, as the inputs hold them) and its conversion to the API's
 * terms: amounts typed in major units become integer minor units (amountForApi, never a float),
 * rates stay decimal strings. Only what the browser must parse is checked here; every rule of
 * the terms is the API's, shown beside its field when it refuses.
 */
export interface RateInput {
  usage: string;
  unit: Rate['unit'];
  per: string;
  rate: string;
}

export interface PeriodAmountInput {
  enabled: boolean;
  amount: string;
  period: PricingPeriod;
}

export interface OfferFormState {
  title: string;
  scopeType: Terms['scope']['type'];
  workIds: string;
  kinds: string[];
  identifierSchemes: string[];
  usages: string[];
  prohibits: string[];
  territories: string[];
  userTypes: string[];
  termType: 'dates' | 'duration';
  start: string;
  end: string;
  durationMonths: string;
  currency: string;
  rates: RateInput[];
  flatFee: PeriodAmountInput;
  minimumGuarantee: PeriodAmountInput;
  revenueShare: { enabled: boolean; bps: string };
  advance: { enabled: boolean; amount: string };
  attributionRequired: boolean;
}

export const EMPTY_RATE: RateInput = { usage: '', unit: 'token', per: '1000', rate: '' };

export function emptyOfferForm(): OfferFormState {
  return {
    title: '',
    scopeType: 'all',
    workIds: '',
    kinds: [],
    identifierSchemes: [],
    usages: [],
    prohibits: [],
    territories: ['worldwide'],
    userTypes: [],
    termType: 'dates',
    start: '',
    end: '',
    durationMonths: '',
    currency: 'EUR',
    rates: [{ ...EMPTY_RATE }],
    flatFee: { enabled: false, amount: '', period: 'month' },
    minimumGuarantee: { enabled: false, amount: '', period: 'month' },
    revenueShare: { enabled: false, bps: '' },
    advance: { enabled: false, amount: '' },
    attributionRequired: false,
  };
}

/** Terms from the API (an offer to edit, or an RSL import's draft) as the form holds them. */
export function offerFormFrom(terms: Terms): OfferFormState {
  const { pricing, currency } = terms;
  const major = (minor: number) => minorToDecimal(minor, currency);
  const duration = terms.term.durationMonths;
  return {
    title: terms.title,
    scopeType: terms.scope.type,
    workIds: (terms.scope.workIds ?? []).join('\n'),
    kinds: [...(terms.scope.kinds ?? [])],
    identifierSchemes: [...(terms.scope.identifierSchemes ?? [])],
    usages: [...terms.usages],
    prohibits: [...(terms.prohibits ?? [])],
    territories: [...terms.territories],
    userTypes: [...(terms.userTypes ?? [])],
    termType: duration !== undefined ? 'duration' : 'dates',
    start: terms.term.start ?? '',
    end: terms.term.end ?? '',
    durationMonths: duration !== undefined ? String(duration) : '',
    currency,
    rates: (pricing.rates ?? []).map((r) => ({ ...r, per: String(r.per) })),
    flatFee: pricing.flatFee
      ? { enabled: true, amount: major(pricing.flatFee.amount), period: pricing.flatFee.period }
      : { enabled: false, amount: '', period: 'month' },
    minimumGuarantee: pricing.minimumGuarantee
      ? {
          enabled: true,
          amount: major(pricing.minimumGuarantee.amount),
          period: pricing.minimumGuarantee.period,
        }
      : { enabled: false, amount: '', period: 'month' },
    revenueShare:
      pricing.revenueShareBps !== undefined
        ? { enabled: true, bps: String(pricing.revenueShareBps) }
        : { enabled: false, bps: '' },
    advance: pricing.advance
      ? { enabled: true, amount: major(pricing.advance.amount) }
      : { enabled: false, amount: '' },
    attributionRequired: terms.attributionRequired ?? false,
  };
}

/** A whole number typed as text, or the reason it is not one. */
function wholeNumber(text: string): { value: number; error?: undefined } | { error: string } {
  const trimmed = text.trim().replace(/,/g, '');
  if (!/^\d+$/.test(trimmed)) return { error: 'Enter a whole number' };
  const value = Number(trimmed);
  if (!Number.isSafeInteger(value)) return { error: 'Too large a number' };
  return { value };
}

/** Field errors keyed by the API's field names (`pricing.rates.0.per`), so one map serves both. */
export type FieldErrors = Record<string, string>;

export function termsFromForm(form: OfferFormState): { terms: Terms; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const currency = form.currency.trim().toUpperCase();
  /** Minor units of a typed amount; a fee or guarantee may be zero (the API allows it), an advance not. */
  const amount = (field: string, text: string, zeroAllowed = false): number | undefined => {
    if (zeroAllowed && /^\s*0*(\.0*)?\s*$/.test(text) && /0/.test(text)) return 0;
    const parsed = amountForApi(text, currency);
    if (parsed.error !== undefined) {
      errors[field] = parsed.error;
      return undefined;
    }
    return parsed.minor;
  };
  const whole = (field: string, text: string): number | undefined => {
    const parsed = wholeNumber(text);
    if (parsed.error !== undefined) {
      errors[field] = parsed.error;
      return undefined;
    }
    return parsed.value;
  };

  const scope: Terms['scope'] =
    form.scopeType === 'works'
      ? {
          type: 'works',
          workIds: form.workIds
            .split(/[\s,]+/)
            .map((id) => id.trim())
            .filter(Boolean),
        }
      : form.scopeType === 'filter'
        ? {
            type: 'filter',
            ...(form.kinds.length ? { kinds: form.kinds as Terms['scope']['kinds'] } : {}),
            ...(form.identifierSchemes.length
              ? {
                  identifierSchemes: form.identifierSchemes as Terms['scope']['identifierSchemes'],
                }
              : {}),
          }
        : { type: 'all' };

  const term: Terms['term'] =
    form.termType === 'duration'
      ? { durationMonths: whole('term.durationMonths', form.durationMonths) ?? 0 }
      : {
          ...(form.start ? { start: form.start } : {}),
          ...(form.end ? { end: form.end } : {}),
        };

  const pricing: Terms['pricing'] = {};
  if (form.rates.length > 0) {
    pricing.rates = form.rates.map((rate, index) => ({
      usage: rate.usage.trim(),
      unit: rate.unit,
      per: whole(`pricing.rates.${index}.per`, rate.per) ?? 0,
      rate: rate.rate.trim(),
    }));
  }
  if (form.flatFee.enabled) {
    pricing.flatFee = {
      amount: amount('pricing.flatFee.amount', form.flatFee.amount, true) ?? 0,
      period: form.flatFee.period,
    };
  }
  if (form.minimumGuarantee.enabled) {
    pricing.minimumGuarantee = {
      amount: amount('pricing.minimumGuarantee.amount', form.minimumGuarantee.amount, true) ?? 0,
      period: form.minimumGuarantee.period,
    };
  }
  if (form.revenueShare.enabled) {
    pricing.revenueShareBps = whole('pricing.revenueShareBps', form.revenueShare.bps) ?? 0;
  }
  if (form.advance.enabled) {
    pricing.advance = { amount: amount('pricing.advance.amount', form.advance.amount) ?? 0 };
  }

  const terms: Terms = {
    title: form.title,
    scope,
    usages: form.usages,
    prohibits: form.prohibits,
    territories: form.territories,
    userTypes: form.userTypes as Terms['userTypes'],
    term,
    currency,
    pricing,
    attributionRequired: form.attributionRequired,
  };
  return { terms, errors };
}
