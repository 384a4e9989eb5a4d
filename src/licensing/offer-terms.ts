import { PERIODS, RATE_UNITS, TERRITORY_ALL } from './offer-vocabulary';
import { isCalendarDate } from '../common/validation/calendar-date';
import { coveredByAny } from './usage-types';

export type RateUnit = (typeof RATE_UNITS)[number];
export type Period = (typeof PERIODS)[number];

export interface OfferTerms {
  title: string;
  scope:
    | { type: 'all' }
    | { type: 'works'; workIds: string[] }
    | { type: 'filter'; kinds?: string[]; identifierSchemes?: string[] };
  usages: string[];
  prohibits: string[];
  territories: string[];
  userTypes: string[];
  term: { start?: string; end?: string; durationMonths?: number };
  currency: string;
  pricing: {
    rates?: { usage: string; unit: RateUnit; per: number; rate: string }[];
    flatFee?: { amount: number; period: Period };
    revenueShareBps?: number;
    minimumGuarantee?: { amount: number; period: Period };
    advance?: { amount: number };
  };
  attributionRequired: boolean;
  /** The day of the month after each period by which its usage report is due (default 15). */
  reportDueDay?: number;
}

export interface TermsProblem {
  field: string;
  message: string;
}

/**
 * The rules a DTO cannot say alone: priced usages must be permitted and not prohibited, a
 * term has one shape, territories do not mix "worldwide" with places, pricing says something.
 */
export function termsProblems(terms: OfferTerms): TermsProblem[] {
  const problems: TermsProblem[] = [];
  (terms.pricing.rates ?? []).forEach((rate, index) => {
    if (!coveredByAny(terms.usages, rate.usage)) {
      problems.push({
        field: `pricing.rates.${index}.usage`,
        message: `${rate.usage} is priced but not permitted by usages`,
      });
    } else if (coveredByAny(terms.prohibits, rate.usage)) {
      problems.push({
        field: `pricing.rates.${index}.usage`,
        message: `${rate.usage} is priced but prohibited`,
      });
    }
  });
  const permittedAndAllowed = terms.usages.filter((usage) => !coveredByAny(terms.prohibits, usage));
  if (permittedAndAllowed.length === 0) {
    problems.push({ field: 'prohibits', message: 'every permitted usage is also prohibited' });
  }
  if (terms.territories.includes(TERRITORY_ALL) && terms.territories.length > 1) {
    problems.push({ field: 'territories', message: `${TERRITORY_ALL} stands alone` });
  }
  const { start, end, durationMonths } = terms.term;
  if (durationMonths !== undefined && (start !== undefined || end !== undefined)) {
    problems.push({
      field: 'term',
      message: 'give start (and end), or durationMonths from acceptance, not both',
    });
  }
  if (durationMonths === undefined && start === undefined) {
    problems.push({
      field: 'term',
      message: 'give start (and end), or durationMonths from acceptance',
    });
  }
  if (start !== undefined && !isCalendarDate(start))
    problems.push({ field: 'term.start', message: 'start is not a calendar date' });
  if (end !== undefined && !isCalendarDate(end))
    problems.push({ field: 'term.end', message: 'end is not a calendar date' });
  if (start !== undefined && end !== undefined && end < start) {
    problems.push({ field: 'term.end', message: 'end is before start' });
  }
  const pricing = terms.pricing;
  if (
    !pricing.rates?.length &&
    !pricing.flatFee &&
    pricing.revenueShareBps === undefined &&
    !pricing.minimumGuarantee &&
    !pricing.advance
  ) {
    problems.push({ field: 'pricing', message: 'pricing needs at least one component' });
  }
  return problems;
}
