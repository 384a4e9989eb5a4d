import { OfferTerms } from './offer-terms';
import { coveredByAny } from './usage-types';

/** The first and last day an agreement accepted on `acceptedOn` is in force (end null: open). */
export function agreementPeriod(
  term: OfferTerms['term'],
  acceptedOn: string,
): { startsOn: string; endsOn: string | null } {
  if (term.durationMonths !== undefined) {
    return { startsOn: acceptedOn, endsOn: addMonthsMinusOneDay(acceptedOn, term.durationMonths) };
  }
  return { startsOn: term.start!, endsOn: term.end ?? null };
}

/** `2027-01-31` + 1 month → `2027-02-28` (the day before the same day next month, clamped). */
export function addMonthsMinusOneDay(date: string, months: number): string {
  const [year, month, day] = date.split('-').map(Number);
  const target = new Date(Date.UTC(year, month - 1 + months, 1));
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  const end = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth(), Math.min(day, lastDay)),
  );
  end.setUTCDate(end.getUTCDate() - 1);
  return end.toISOString().slice(0, 10);
}

export function periodsOverlap(
  a: { startsOn: string; endsOn: string | null },
  b: { startsOn: string; endsOn: string | null },
): boolean {
  return (
    (a.endsOn === null || a.endsOn >= b.startsOn) && (b.endsOn === null || b.endsOn >= a.startsOn)
  );
}

/** Usages an agreement charges for: rated ones, or every allowed one when a fee covers all use. */
export function pricedUsages(terms: OfferTerms): string[] {
  const allowed = terms.usages.filter((usage) => !coveredByAny(terms.prohibits, usage));
  const { pricing } = terms;
  if (
    pricing.flatFee ||
    pricing.revenueShareBps !== undefined ||
    pricing.minimumGuarantee ||
    pricing.advance
  ) {
    return allowed;
  }
  return (pricing.rates ?? []).map((rate) => rate.usage);
}

/** Whether one use could be priced by both (a usage of one covers, or is covered by, one of the other). */
export function usagesOverlap(a: string[], b: string[]): boolean {
  return a.some((x) => b.some((y) => coveredByAny([x], y) || coveredByAny([y], x)));
}

/**
 * Whether two scopes of one publisher may cover the same work. Conservative: filters are taken
 * to overlap unless their kinds are disjoint, since the catalogue can change under them.
 */
export function scopesOverlap(a: OfferTerms['scope'], b: OfferTerms['scope']): boolean {
  if (a.type === 'all' || b.type === 'all') return true;
  if (a.type === 'works' && b.type === 'works')
    return a.workIds.some((id) => b.workIds.includes(id));
  if (a.type === 'filter' && b.type === 'filter' && a.kinds && b.kinds) {
    return a.kinds.some((kind) => b.kinds!.includes(kind));
  }
  return true;
}
