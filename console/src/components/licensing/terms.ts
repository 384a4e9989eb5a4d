import type { components } from '../../api/schema';
import { formatMoney } from '../../format/money';
import { describeRate, formatBps } from '../../pages/finance/royalty-figures';

/**
 * Words for a licence offer's terms, as the API gives them (display only: the API decides what
 * the terms mean). Rates stay the API's decimal strings, in minor units of the currency per
 * `per` units; amounts are integer minor units formatted by format/money.
 */
export type Terms = components['schemas']['LicenceOfferTermsDto'];
export type Offer = components['schemas']['LicenceOfferResponse'];
export type OfferVersion = components['schemas']['LicenceOfferVersionResponse'];
export type Agreement = components['schemas']['AgreementResponse'];
export type AgreementVersion = components['schemas']['AgreementVersionResponse'];
export type Rate = components['schemas']['RateDto'];
export type PricingPeriod = components['schemas']['PeriodAmountDto']['period'];

/** The API's vocabularies (its DTO's enums), for the form's choices. */
export const USAGES = ['ai-train', 'ai-input', 'ai-index', 'search', 'ai-all', 'all'];
export const RATE_UNITS = [
  'token',
  'request',
  'retrieval',
  'crawl',
  'work',
  'byte',
] as const satisfies readonly Rate['unit'][];
export const PERIODS = ['month', 'quarter', 'year'] as const satisfies readonly PricingPeriod[];
export const USER_TYPES = [
  'commercial',
  'non-commercial',
  'education',
  'government',
  'personal',
] as const satisfies readonly NonNullable<Terms['userTypes']>[number][];
export const WORK_KINDS = [
  'book',
  'article',
  'web-page',
  'image',
  'audio',
  'video',
  'code',
  'dataset',
  'other',
] as const satisfies readonly NonNullable<Terms['scope']['kinds']>[number][];
export const IDENTIFIER_SCHEMES = [
  'isbn',
  'issn',
  'doi',
  'iswc',
  'isrc',
  'isni',
  'url',
  'sha256',
  'ext',
] as const satisfies readonly NonNullable<Terms['scope']['identifierSchemes']>[number][];

/** "0.0125 per 1,000 tokens" (minor units of the currency). */
export function rateWords(rate: Rate): string {
  return describeRate({ kind: 'rate', unit: rate.unit, rate: rate.rate, per: rate.per }) ?? '';
}

export function scopeWords(scope: Terms['scope']): string {
  switch (scope.type) {
    case 'all':
      return "All of the publisher's works";
    case 'works': {
      const count = scope.workIds?.length ?? 0;
      return `${count.toLocaleString('en')} listed work${count === 1 ? '' : 's'}`;
    }
    case 'filter': {
      const parts = [];
      if (scope.kinds?.length) parts.push(`kinds ${scope.kinds.join(', ')}`);
      if (scope.identifierSchemes?.length)
        parts.push(`identified by ${scope.identifierSchemes.join(', ')}`);
      return parts.length ? `Works of ${parts.join('; ')}` : 'Every work (empty filter)';
    }
  }
}

export function termWords(term: Terms['term']): string {
  if (term.durationMonths !== undefined) {
    return `${term.durationMonths} month${term.durationMonths === 1 ? '' : 's'} from acceptance`;
  }
  if (term.start && term.end) return `${term.start} to ${term.end}`;
  if (term.start) return `From ${term.start}, open-ended`;
  return '—';
}

export function listWords(values: readonly string[] | undefined, none: string): string {
  return values && values.length > 0 ? values.join(', ') : none;
}

export interface PricingLine {
  component: string;
  usage: string | null;
  price: string;
  basis: string;
}

/** Every pricing component of the terms, one line each, in the API's units. */
export function pricingLines(terms: Terms): PricingLine[] {
  const { pricing, currency } = terms;
  const lines: PricingLine[] = (pricing.rates ?? []).map((rate) => ({
    component: 'Rate',
    usage: rate.usage,
    price: rateWords(rate),
    basis: `minor units of ${currency}`,
  }));
  if (pricing.flatFee) {
    lines.push({
      component: 'Flat fee',
      usage: null,
      price: formatMoney(pricing.flatFee.amount, currency),
      basis: `per ${pricing.flatFee.period}`,
    });
  }
  if (pricing.minimumGuarantee) {
    lines.push({
      component: 'Minimum guarantee',
      usage: null,
      price: formatMoney(pricing.minimumGuarantee.amount, currency),
      basis: `per ${pricing.minimumGuarantee.period}`,
    });
  }
  if (pricing.revenueShareBps !== undefined) {
    lines.push({
      component: 'Revenue share',
      usage: null,
      price: `${formatBps(pricing.revenueShareBps)} (${pricing.revenueShareBps} bps)`,
      basis: 'of the revenue the licensee reports',
    });
  }
  if (pricing.advance) {
    lines.push({
      component: 'Advance',
      usage: null,
      price: formatMoney(pricing.advance.amount, currency),
      basis: 'once, recoupable',
    });
  }
  return lines;
}

/** The latest version in force or waiting: the terms a reader wants first. */
export function latestAccepted(versions: AgreementVersion[]): AgreementVersion | undefined {
  return [...versions].reverse().find((v) => v.status === 'accepted') ?? versions[0];
}
