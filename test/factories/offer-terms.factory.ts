import { CandidateAgreement } from '../../src/licensing/licence-check';
import { OfferTerms } from '../../src/licensing/offer-terms';

/** Offer terms as stored (normalized, every field present), for unit tests, with overrides. */
export function storedTerms(overrides: Partial<OfferTerms> = {}): OfferTerms {
  return {
    title: 'AI training, 2027',
    scope: { type: 'all' },
    usages: ['ai-input', 'ai-train'],
    prohibits: [],
    territories: ['worldwide'],
    userTypes: [],
    term: { start: '2027-01-01', end: '2027-12-31' },
    currency: 'EUR',
    pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
    attributionRequired: false,
    ...overrides,
  };
}

/**
 * An agreement on `terms` from `startsOn`, its amendments as [effective day, terms] pairs, as the
 * licence check and a royalty run read it (CandidateAgreement).
 */
export function candidateAgreement(
  id: string,
  terms: OfferTerms,
  startsOn = '2027-01-01',
  amendments: [string, OfferTerms][] = [],
  lastDay: string | null = null,
): CandidateAgreement {
  return {
    id,
    publisherId: `pub-${id}`,
    terms,
    startsOn,
    lastDay,
    amendments: amendments.map(([effectiveOn, t]) => ({ effectiveOn, terms: t })),
  };
}
