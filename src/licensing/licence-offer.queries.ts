import { EntityManager } from 'typeorm';
import { WORKS } from '../catalogue/catalogue.tables';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import type { LicenceOfferTermsDto } from './dto/licence-offer.dto';
import type { OfferTerms } from './offer-terms';

/**
 * The licence offers API's SQL beyond the entity's own reads: licence_offers and
 * licence_offer_versions (this module's); the publishers' names from organizations (owned by
 * organizations) and the works an offer's scope names from works (owned by the catalogue).
 */

type Runner = Pick<EntityManager, 'query'>;

/** A new offer at version 1, with that version kept. */
export async function insertOffer(
  db: Runner,
  id: string,
  organizationId: string,
  terms: OfferTerms,
  hash: Buffer,
): Promise<void> {
  await db.query(
    `INSERT INTO licence_offers (id, organization_id, terms, terms_hash) VALUES ($1, $2, $3, $4)`,
    [id, organizationId, JSON.stringify(terms), hash],
  );
  await db.query(
    `INSERT INTO licence_offer_versions (offer_id, version, terms, terms_hash) VALUES ($1, 1, $2, $3)`,
    [id, JSON.stringify(terms), hash],
  );
}

/** The offer's terms become this version, kept with the others. */
export async function reviseOffer(
  db: Runner,
  id: string,
  version: number,
  terms: OfferTerms,
  hash: Buffer,
): Promise<void> {
  await db.query(
    `UPDATE licence_offers SET terms = $2, terms_hash = $3, version = $4, updated_at = now() WHERE id = $1`,
    [id, JSON.stringify(terms), hash, version],
  );
  await db.query(
    `INSERT INTO licence_offer_versions (offer_id, version, terms, terms_hash) VALUES ($1, $2, $3, $4)`,
    [id, version, JSON.stringify(terms), hash],
  );
}

export async function retireOffer(db: Runner, id: string): Promise<void> {
  await db.query(
    `UPDATE licence_offers SET status = 'retired', retired_at = now(), updated_at = now() WHERE id = $1`,
    [id],
  );
}

export function offerVersions(
  db: Runner,
  id: string,
): Promise<
  { version: number; terms: LicenceOfferTermsDto; terms_hash: Buffer; created_at: Date }[]
> {
  return db.query(
    `SELECT version, terms, terms_hash, created_at FROM licence_offer_versions WHERE offer_id = $1 ORDER BY version`,
    [id],
  );
}

/** The organizations' names, by id (each id once). */
export function organizationNames(
  db: Runner,
  ids: string[],
): Promise<{ id: string; name: string }[]> {
  return db.query<{ id: string; name: string }[]>(
    `SELECT id, name FROM ${ORGANIZATIONS.name} WHERE id = ANY($1::uuid[])`,
    [ids],
  );
}

/** Which of these ids are the publisher's works. */
export function worksOfPublisherAmong(
  db: Runner,
  organizationId: string,
  workIds: string[],
): Promise<{ id: string }[]> {
  return db.query<{ id: string }[]>(
    `SELECT id FROM ${WORKS.name} WHERE organization_id = $1 AND id = ANY($2::uuid[])`,
    [organizationId, workIds],
  );
}
