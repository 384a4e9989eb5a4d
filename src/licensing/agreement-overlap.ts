import { EntityManager } from 'typeorm';
import { Conflict } from '../common/errors/domain-error';
import { periodsOverlap, pricedUsages, scopesOverlap, usagesOverlap } from './agreement-rules';
import { activeAgreementVersions, lockLicenseeAgreements } from './agreement.queries';
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
  const versions = await activeAgreementVersions(
    manager,
    licenseeId,
    publisherId,
    exceptAgreementId,
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

/**
 * refuseOverlap under the licensee's advisory lock, taken first: what accepting an agreement or
 * an amendment checks. `parties` is the agreement accepted.
 */
export async function lockAndRefuseOverlap(
  manager: EntityManager,
  parties: { licensee_id: string; publisher_id: string },
  terms: OfferTerms,
  period: { startsOn: string; endsOn: string | null },
  exceptAgreementId: string | null = null,
): Promise<void> {
  await lockLicenseeAgreements(manager, parties.licensee_id);
  await refuseOverlap(
    manager,
    parties.licensee_id,
    parties.publisher_id,
    terms,
    period,
    exceptAgreementId,
  );
}
