import { EntityManager } from 'typeorm';
import { ORGANIZATIONS } from '../organizations/organizations.tables';
import type { AgreementRow } from './agreement-row';
import type { OfferTerms } from './offer-terms';

/**
 * The agreements API's SQL: agreements, the amendments awaiting or accepted (agreement_amendments)
 * and the offer accepted (licence_offers), this module's; the parties' names from organizations
 * (owned by organizations).
 */

type Runner = Pick<EntityManager, 'query'>;

/**
 * An agreement with its parties' names, its latest accepted version and the version of the
 * amendment waiting, if any (alias a).
 */
export const AGREEMENT_COLUMNS = `a.*, licensee.name AS licensee_name, publisher.name AS publisher_name,
  (SELECT m.version FROM agreement_amendments m
    WHERE m.agreement_id = a.id AND m.status = 'proposed' ORDER BY m.version DESC LIMIT 1) AS pending_amendment,
  (SELECT m.version FROM agreement_amendments m
    WHERE m.agreement_id = a.id AND m.status = 'accepted' ORDER BY m.version DESC LIMIT 1) AS latest_version
  FROM agreements a
  JOIN ${ORGANIZATIONS.name} licensee ON licensee.id = a.licensee_id
  JOIN ${ORGANIZATIONS.name} publisher ON publisher.id = a.publisher_id`;

/** The agreement if the organization is a party to it, optionally locked for update. */
export async function agreementOfParty(
  db: Runner,
  id: string,
  organizationId: string,
  lock: boolean,
): Promise<AgreementRow | undefined> {
  const [row] = await db.query<AgreementRow[]>(
    `SELECT ${AGREEMENT_COLUMNS}
          WHERE a.id = $1 AND (a.licensee_id = $2 OR a.publisher_id = $2)${lock ? ' FOR UPDATE OF a' : ''}`,
    [id, organizationId],
  );
  return row;
}

export interface OfferToAcceptRow {
  id: string;
  organization_id: string;
  version: number;
  terms: OfferTerms;
  terms_hash: Buffer;
}

/** The active offer (of this publisher, when one is given), held against retirement. */
export async function offerToAccept(
  db: Runner,
  offerId: string,
  publisherId: string | null,
): Promise<OfferToAcceptRow | undefined> {
  const [offer] = await db.query<OfferToAcceptRow[]>(
    `SELECT id, organization_id, version, terms, terms_hash FROM licence_offers
          WHERE id = $1 AND status = 'active' AND ($2::uuid IS NULL OR organization_id = $2) FOR SHARE`,
    [offerId, publisherId],
  );
  return offer;
}

export async function isLicensee(db: Runner, organizationId: string): Promise<boolean> {
  const [licensee] = await db.query<{ id: string }[]>(
    `SELECT id FROM ${ORGANIZATIONS.name} WHERE id = $1 AND kind = 'licensee'`,
    [organizationId],
  );
  return licensee !== undefined;
}

/** A proposed agreement on the offer's current terms, copied. */
export async function insertProposedAgreement(
  db: Runner,
  id: string,
  licenseeId: string,
  offer: OfferToAcceptRow,
  proposedBy: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO agreements (id, licensee_id, publisher_id, offer_id, offer_version, terms, terms_hash, status,
                                 proposed_by_principal_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'proposed', $8)`,
    [
      id,
      licenseeId,
      offer.organization_id,
      offer.id,
      offer.version,
      JSON.stringify(offer.terms),
      offer.terms_hash,
      proposedBy,
    ],
  );
}

export async function agreementById(db: Runner, id: string): Promise<AgreementRow> {
  const [agreement] = await db.query<AgreementRow[]>(`SELECT * FROM agreements WHERE id = $1`, [
    id,
  ]);
  return agreement;
}

/**
 * One licensee's agreements are checked one at a time (until the transaction ends), so two
 * acceptances cannot both pass the overlap check.
 */
export async function lockLicenseeAgreements(db: Runner, licenseeId: string): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('agreements:' || $1))`, [licenseeId]);
}

export async function markActive(
  db: Runner,
  id: string,
  period: { startsOn: string; endsOn: string | null },
  acceptedBy: string,
): Promise<void> {
  await db.query(
    `UPDATE agreements SET status = 'active', starts_on = $2, ends_on = $3, accepted_by_principal_id = $4,
                             updated_at = now()
        WHERE id = $1`,
    [id, period.startsOn, period.endsOn, acceptedBy],
  );
}

export async function markTerminated(
  db: Runner,
  id: string,
  lastDay: string,
  terminatedBy: string,
): Promise<void> {
  await db.query(
    `UPDATE agreements SET status = 'terminated', terminated_on = $2, terminated_by_principal_id = $3, updated_at = now()
          WHERE id = $1`,
    [id, lastDay, terminatedBy],
  );
}

export interface AgreementPageFilter {
  organizationId: string;
  /** Rows to read: the page's size and one more. */
  limit: number;
  /** Agreements with a smaller id (the cursor), or null from the first. */
  before: string | null;
  status: 'proposed' | 'active' | 'expired' | 'terminated' | undefined;
  today: string;
}

/** The parties' agreements, newest first, by the state the API shows (expired: past its last day). */
export function agreementPage(db: Runner, filter: AgreementPageFilter): Promise<AgreementRow[]> {
  const params: unknown[] = [filter.organizationId, filter.limit];
  let where = `(a.licensee_id = $1 OR a.publisher_id = $1)`;
  if (filter.before !== null) {
    params.push(filter.before);
    where += ` AND a.id < $${params.length}`;
  }
  if (filter.status === 'terminated' || filter.status === 'proposed') {
    where += ` AND a.status = '${filter.status}'`;
  } else if (filter.status) {
    params.push(filter.today);
    const day = `$${params.length}::date`;
    where +=
      filter.status === 'expired'
        ? ` AND a.status = 'active' AND a.ends_on < ${day}`
        : ` AND a.status = 'active' AND (a.ends_on IS NULL OR a.ends_on >= ${day})`;
  }
  return db.query<AgreementRow[]>(
    `SELECT ${AGREEMENT_COLUMNS} WHERE ${where} ORDER BY a.id DESC LIMIT $2`,
    params,
  );
}

export interface AgreementVersionRow {
  id: string;
  terms: OfferTerms;
  starts_on: string;
  ends_on: string | null;
}

/**
 * Every version (its original terms and accepted amendments, each over the days it is in force)
 * of the licensee's active agreements with the publisher, but the one excepted.
 */
export function activeAgreementVersions(
  db: Runner,
  licenseeId: string,
  publisherId: string,
  exceptAgreementId: string | null,
): Promise<AgreementVersionRow[]> {
  return db.query<AgreementVersionRow[]>(
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
}
