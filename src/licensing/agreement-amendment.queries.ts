import { EntityManager } from 'typeorm';
import type { OfferTerms } from './offer-terms';

/**
 * The amendments API's SQL: agreement_amendments, and the offer an amendment moves to
 * (licence_offers), both this module's.
 */

type Runner = Pick<EntityManager, 'query'>;

export interface AmendmentRow {
  agreement_id: string;
  version: number;
  offer_id: string;
  offer_version: number;
  terms: OfferTerms;
  terms_hash: Buffer;
  effective_on: string;
  status: 'proposed' | 'accepted';
  created_at: Date;
  accepted_at: Date | null;
}

export function amendmentsOf(db: Runner, agreementId: string): Promise<AmendmentRow[]> {
  return db.query<AmendmentRow[]>(
    `SELECT * FROM agreement_amendments WHERE agreement_id = $1 ORDER BY version`,
    [agreementId],
  );
}

export async function amendment(
  db: Runner,
  agreementId: string,
  version: number,
): Promise<AmendmentRow | undefined> {
  const [row] = await db.query<AmendmentRow[]>(
    `SELECT * FROM agreement_amendments WHERE agreement_id = $1 AND version = $2`,
    [agreementId, version],
  );
  return row;
}

/** The amendment awaiting the licensee's acceptance, if any. */
export async function pendingAmendment(
  db: Runner,
  agreementId: string,
): Promise<{ version: number } | undefined> {
  const [pending] = await db.query<{ version: number }[]>(
    `SELECT version FROM agreement_amendments WHERE agreement_id = $1 AND status = 'proposed'`,
    [agreementId],
  );
  return pending;
}

/** The latest amendment, whatever its state. */
export async function latestAmendment(
  db: Runner,
  agreementId: string,
): Promise<{ version: number; offer_version: number; effective_on: string } | undefined> {
  const [last] = await db.query<{ version: number; offer_version: number; effective_on: string }[]>(
    `SELECT version, offer_version, effective_on FROM agreement_amendments
        WHERE agreement_id = $1 ORDER BY version DESC LIMIT 1`,
    [agreementId],
  );
  return last;
}

/** The first day of the last accepted amendment (null: none). */
export async function lastAcceptedEffectiveOn(
  db: Runner,
  agreementId: string,
): Promise<string | null> {
  const [{ after }] = await db.query<{ after: string | null }[]>(
    `SELECT max(effective_on) AS after FROM agreement_amendments
        WHERE agreement_id = $1 AND status = 'accepted'`,
    [agreementId],
  );
  return after;
}

export interface OfferNowRow {
  version: number;
  status: string;
  terms: OfferTerms;
  terms_hash: Buffer;
}

/** The offer's current version and state. */
export async function offerNow(db: Runner, offerId: string): Promise<OfferNowRow> {
  const [offer] = await db.query<OfferNowRow[]>(
    `SELECT version, status, terms, terms_hash FROM licence_offers WHERE id = $1`,
    [offerId],
  );
  return offer;
}

export interface NewAmendment {
  agreementId: string;
  version: number;
  licenseeId: string;
  publisherId: string;
  offerId: string;
  offer: OfferNowRow;
  effectiveOn: string;
  /** Accepted at once (the licensee adopts it) by this principal, or proposed by it. */
  accepted: boolean;
  principalId: string;
}

export async function insertAmendment(db: Runner, amendment: NewAmendment): Promise<void> {
  await db.query(
    `INSERT INTO agreement_amendments (agreement_id, version, licensee_id, publisher_id, offer_id,
                  offer_version, terms, terms_hash, effective_on, status, proposed_by_principal_id,
                  accepted_by_principal_id, accepted_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, CASE WHEN $10 = 'accepted' THEN now() END)`,
    [
      amendment.agreementId,
      amendment.version,
      amendment.licenseeId,
      amendment.publisherId,
      amendment.offerId,
      amendment.offer.version,
      JSON.stringify(amendment.offer.terms),
      amendment.offer.terms_hash,
      amendment.effectiveOn,
      amendment.accepted ? 'accepted' : 'proposed',
      amendment.accepted ? null : amendment.principalId,
      amendment.accepted ? amendment.principalId : null,
    ],
  );
}

export async function markAmendmentAccepted(
  db: Runner,
  agreementId: string,
  version: number,
  acceptedBy: string,
): Promise<void> {
  await db.query(
    `UPDATE agreement_amendments SET status = 'accepted', accepted_at = now(), accepted_by_principal_id = $3
          WHERE agreement_id = $1 AND version = $2`,
    [agreementId, version, acceptedBy],
  );
}
