import { agreementVersions } from '../licensing/agreement-versions';
import { CandidateAgreement, EU_MEMBERS } from '../licensing/licence-check';
import { TERRITORY_ALL } from '../licensing/offer-vocabulary';
import { OfferTerms } from '../licensing/offer-terms';
import { coveredByAny } from '../licensing/usage-types';

/**
 * One agreement version's permission for one usage type, flattened for a set-based join in
 * SQL: a report's lines match the rows whose publisher, usage, days, territory and scope fit.
 */
export interface CoverageRow {
  agreementId: string;
  version: number;
  publisherId: string;
  usage: string;
  scopeType: 'all' | 'works' | 'filter';
  workIds: string[] | null;
  kinds: string[] | null;
  schemes: string[] | null;
  /** Null: every territory. */
  territories: string[] | null;
  fromDate: string;
  /** Inclusive; null: open-ended. */
  toDate: string | null;
  /** Whether the version charges for this usage (preferred when two versions cover a use). */
  priced: boolean;
}

function territoriesOf(terms: OfferTerms): string[] | null {
  if (terms.territories.includes(TERRITORY_ALL)) return null;
  const codes = new Set(terms.territories.filter((territory) => territory !== 'EU'));
  if (terms.territories.includes('EU')) for (const member of EU_MEMBERS) codes.add(member);
  return [...codes].sort();
}

/** The coverage of a licensee's agreements for the usage types a report uses. */
export function coverageRows(agreements: CandidateAgreement[], usages: string[]): CoverageRow[] {
  const rows: CoverageRow[] = [];
  for (const agreement of agreements) {
    for (const { version, terms, fromDate, toDate } of agreementVersions(agreement)) {
      const rated = new Set((terms.pricing.rates ?? []).map((rate) => rate.usage));
      const feeCoversAll = Boolean(
        terms.pricing.flatFee ||
        terms.pricing.revenueShareBps !== undefined ||
        terms.pricing.minimumGuarantee ||
        terms.pricing.advance,
      );
      for (const usage of usages) {
        if (!coveredByAny(terms.usages, usage) || coveredByAny(terms.prohibits, usage)) continue;
        const { scope } = terms;
        rows.push({
          agreementId: agreement.id,
          version,
          publisherId: agreement.publisherId,
          usage,
          scopeType: scope.type,
          workIds: scope.type === 'works' ? scope.workIds : null,
          kinds: scope.type === 'filter' ? (scope.kinds ?? null) : null,
          schemes: scope.type === 'filter' ? (scope.identifierSchemes ?? null) : null,
          territories: territoriesOf(terms),
          fromDate,
          toDate,
          priced: feeCoversAll || [...rated].some((token) => coveredByAny([token], usage)),
        });
      }
    }
  }
  return rows;
}

/**
 * The days inside a period on which some agreement version starts or stops covering: between
 * two of them every day gets the same answer from the coverage, so lines are matched by the
 * stretch of the period their day falls in, not by the day (a month has thirty days and
 * usually one stretch).
 */
export function coverageBoundaries(
  agreements: CandidateAgreement[],
  period: { periodStart: string; periodEnd: string },
): string[] {
  const days = new Set<string>([period.periodStart]);
  const inside = (day: string) => day > period.periodStart && day <= period.periodEnd;
  for (const agreement of agreements) {
    for (const { fromDate, toDate } of agreementVersions(agreement)) {
      if (inside(fromDate)) days.add(fromDate);
      if (toDate !== null) {
        const after = dayAfter(toDate);
        if (inside(after)) days.add(after);
      }
    }
  }
  return [...days].sort();
}

function dayAfter(day: string): string {
  const next = new Date(`${day}T00:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}
