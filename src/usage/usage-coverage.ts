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
