import { EntityManager } from 'typeorm';
import { WORK_IDENTIFIERS, WORKS } from '../catalogue/catalogue.tables';
import type { OfferTerms } from './offer-terms';

/**
 * The licence check's reads, each behind its process cache: every publisher's works by identifier
 * from works and work_identifiers (owned by the catalogue), and a licensee's agreements and
 * accepted amendments (agreements, agreement_amendments: this module's). Writes nothing.
 */

type Runner = Pick<EntityManager, 'query'>;

/** Run as the prepared statement `licence-check-works`: $1 schemes, $2 values, pairwise. */
export const WORKS_BY_IDENTIFIER = `SELECT wi.scheme, wi.value, w.id, w.organization_id, w.kind, w.status, w.identifiers
         FROM unnest($1::text[], $2::text[]) AS q(scheme, value)
         JOIN ${WORK_IDENTIFIERS.name} wi ON wi.scheme = q.scheme AND wi.value = q.value
         JOIN ${WORKS.name} w ON w.id = wi.work_id
        ORDER BY w.id`;

export interface WorkByIdentifierRow {
  scheme: string;
  value: string;
  id: string;
  organization_id: string;
  kind: string;
  status: 'active' | 'withdrawn';
  identifiers: string[];
}

/** The licensee's agreements but proposals, with the last day each is in force (null: open). */
export function licenseeAgreementRows(
  db: Runner,
  licenseeId: string,
): Promise<
  {
    id: string;
    publisher_id: string;
    terms: OfferTerms;
    starts_on: string;
    last_day: string | null;
  }[]
> {
  return db.query(
    `SELECT id, publisher_id, terms, starts_on, LEAST(ends_on, terminated_on) AS last_day
         FROM agreements
        WHERE licensee_id = $1 AND status <> 'proposed'
        ORDER BY id`,
    [licenseeId],
  );
}

/** The licensee's accepted amendments, by agreement and first day. */
export function licenseeAmendmentRows(
  db: Runner,
  licenseeId: string,
): Promise<{ agreement_id: string; effective_on: string; terms: OfferTerms }[]> {
  return db.query(
    `SELECT agreement_id, effective_on, terms FROM agreement_amendments
        WHERE licensee_id = $1 AND status = 'accepted'
        ORDER BY agreement_id, effective_on`,
    [licenseeId],
  );
}
