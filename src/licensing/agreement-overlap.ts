import { EntityManager } from 'typeorm';
import { Conflict } from '../common/errors/domain-error';
import { periodsOverlap, pricedUsages, scopesOverlap, usagesOverlap } from './agreement-rules';
import { OfferTerms } from './offer-terms';

/**
 * Refuses terms that would price the same work and use as another active agreement of the
 * licensee with that publisher in an overlapping period (409 naming it). Every version of the
 * other agreement counts (its original terms and accepted amendments), over the days each is in
 * force. The caller holds the licensee's advisory lock, so two acceptances cannot both pass.
 */
export async function refuseOverlap(
  manager: EntityManager,
  licenseeId: string,
  publisherId: string,
  terms: OfferTerms,
  period: { startsOn: string; endsOn: string | null },
  exceptAgreementId: string | null = null,
): Promise<void> {
  const versions = await manager.query<
    { id: string; terms: OfferTerms; starts_on: string; ends_on: string | null }[]
  >(
    `SELECT a.id, v.terms, v.starts_on, LEAST(v.ends_on, a.ends_on, a.terminated_on) AS ends_on
       FROM agreements a
       CROSS JOIN LATERAL (
         SELECT a.terms, a.starts_on,
                (SELECT min(m.effective_on) - 1 FROM agreement_amendments m
                  WHERE m.agreement_id = a.id AND m.status = 'accepted') AS ends_on
         UNION ALL
         SELECT m.terms, m.effective_on,
                (SELECT min(n.effective_on) - 1 FROM agreement_amendments n
                  WHERE n.agreement_id = a.id AND n.status = 'accepted'
                    AND n.effective_on > m.effective_on)
           FROM agreement_amendments m
          WHERE m.agreement_id = a.id AND m.status = 'accepted'
       ) v
      WHERE a.licensee_id = $1 AND a.publisher_id = $2 AND a.status = 'active'
        AND a.id IS DISTINCT FROM $3::uuid
      ORDER BY a.id`,
    [licenseeId, publisherId, exceptAgreementId],
  );
  const priced = pricedUsages(terms);
  const clash = versions.find(
    (other) =>
      (other.ends_on === null || other.ends_on >= other.starts_on) &&
      periodsOverlap(period, { startsOn: other.starts_on, endsOn: other.ends_on }) &&
      usagesOverlap(priced, pricedUsages(other.terms)) &&
      scopesOverlap(terms.scope, other.terms.scope),
  );
  if (clash) {
    throw new Conflict(
      'agreement-overlap',
      `Agreement ${clash.id} already prices some of these works and uses in an overlapping period`,
      { existingAgreementId: clash.id },
    );
  }
}
