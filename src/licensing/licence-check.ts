import { OfferTerms } from './offer-terms';
import { TERRITORY_ALL } from './offer-vocabulary';
import { coveredByAny } from './usage-types';

export const REFUSALS = [
  'unknown-work',
  'withdrawn',
  'no-agreement',
  'prohibited',
  'usage-not-permitted',
  'outside-term',
  'territory',
] as const;
export type Refusal = (typeof REFUSALS)[number];

export const EU_MEMBERS: ReadonlySet<string> = new Set(
  'AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE'.split(' '),
);

export interface CandidateWork {
  id: string;
  organizationId: string;
  kind: string;
  status: 'active' | 'withdrawn';
  identifiers: string[];
}

export interface CandidateAgreement {
  id: string;
  publisherId: string;
  terms: OfferTerms;
  startsOn: string;
  /** The last day in scope: the earlier of the term's end and the termination date. */
  lastDay: string | null;
  /** Accepted amendments, by effective date ascending: each replaces the terms from that day. */
  amendments?: { effectiveOn: string; terms: OfferTerms }[];
}

/**
 * The version in force on `at` and its terms: 1, the original, before the first amendment; each
 * amendment in force is the next (as agreement-versions.ts numbers them).
 */
export function versionAt(
  agreement: CandidateAgreement,
  at: string,
): { version: number; terms: OfferTerms } {
  let terms = agreement.terms;
  let version = 1;
  for (const amendment of agreement.amendments ?? []) {
    if (amendment.effectiveOn > at) break;
    terms = amendment.terms;
    version += 1;
  }
  return { version, terms };
}

export interface Question {
  usage: string;
  territory?: string;
  /** `YYYY-MM-DD`. */
  at: string;
}

export type Answer =
  | {
      licensed: true;
      workId: string;
      /** The work's publisher. */
      publisherId: string;
      agreementId: string;
      agreementVersion: number;
      rate: { unit: string; per: number; rate: string; currency: string } | null;
      attributionRequired: boolean;
    }
  | { licensed: false; reason: Refusal; workId: string | null };

export function scopeCovers(scope: OfferTerms['scope'], work: CandidateWork): boolean {
  switch (scope.type) {
    case 'all':
      return true;
    case 'works':
      return scope.workIds.includes(work.id);
    case 'filter':
      return (
        (!scope.kinds || scope.kinds.includes(work.kind)) &&
        (!scope.identifierSchemes ||
          work.identifiers.some((identifier) =>
            scope.identifierSchemes!.includes(identifier.slice(0, identifier.indexOf(':'))),
          ))
      );
  }
}

function territoryCovers(territories: string[], territory: string | undefined): boolean {
  if (territories.includes(TERRITORY_ALL) || territory === undefined) return true;
  return (
    territories.includes(territory) || (territories.includes('EU') && EU_MEMBERS.has(territory))
  );
}

/** How far an agreement got before failing: the answer names the refusal of the closest one. */
const DEPTH: Record<Refusal, number> = {
  'unknown-work': 0,
  withdrawn: 1,
  'no-agreement': 2,
  prohibited: 3,
  'usage-not-permitted': 3,
  'outside-term': 4,
  territory: 5,
};

/**
 * Whether the caller may use the work this way: the first agreement that covers work, usage
 * (a prohibition always wins), date and territory licenses it; otherwise the refusal of the
 * agreement that came closest. Withdrawn works are never covered.
 */
export function checkLicence(
  works: CandidateWork[],
  agreements: CandidateAgreement[],
  question: Question,
): Answer {
  if (works.length === 0) return { licensed: false, reason: 'unknown-work', workId: null };
  let best: { reason: Refusal; workId: string } | null = null;
  const refuse = (reason: Refusal, workId: string) => {
    if (!best || DEPTH[reason] > DEPTH[best.reason]) best = { reason, workId };
  };
  for (const work of works) {
    if (work.status === 'withdrawn') {
      refuse('withdrawn', work.id);
      continue;
    }
    refuse('no-agreement', work.id);
    for (const agreement of agreements) {
      const { version, terms } = versionAt(agreement, question.at);
      if (agreement.publisherId !== work.organizationId || !scopeCovers(terms.scope, work))
        continue;
      if (coveredByAny(terms.prohibits, question.usage)) {
        refuse('prohibited', work.id);
        continue;
      }
      if (!coveredByAny(terms.usages, question.usage)) {
        refuse('usage-not-permitted', work.id);
        continue;
      }
      if (
        question.at < agreement.startsOn ||
        (agreement.lastDay !== null && question.at > agreement.lastDay)
      ) {
        refuse('outside-term', work.id);
        continue;
      }
      if (!territoryCovers(terms.territories, question.territory)) {
        refuse('territory', work.id);
        continue;
      }
      const rate = (terms.pricing.rates ?? []).find((candidate) =>
        coveredByAny([candidate.usage], question.usage),
      );
      return {
        licensed: true,
        workId: work.id,
        publisherId: work.organizationId,
        agreementId: agreement.id,
        agreementVersion: version,
        rate: rate
          ? { unit: rate.unit, per: rate.per, rate: rate.rate, currency: terms.currency }
          : null,
        attributionRequired: terms.attributionRequired,
      };
    }
  }
  const refusal = best as { reason: Refusal; workId: string } | null;
  return {
    licensed: false,
    reason: refusal?.reason ?? 'unknown-work',
    workId: refusal?.workId ?? null,
  };
}
