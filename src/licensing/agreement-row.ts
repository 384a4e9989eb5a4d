import { EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { todayUtc } from '../catalogue/work-inputs';
import { AgreementResponse } from './dto/agreement.dto';
import { OfferTerms } from './offer-terms';
import { isUuid } from '../common/ids';

export interface AgreementRow {
  id: string;
  licensee_id: string;
  publisher_id: string;
  offer_id: string;
  offer_version: number;
  terms: OfferTerms;
  terms_hash: Buffer;
  status: 'proposed' | 'active' | 'terminated';
  starts_on: string | null;
  ends_on: string | null;
  terminated_on: string | null;
  created_at: Date;
  updated_at: Date;
  /** Read with AGREEMENT_COLUMNS: the parties' names and the amendment awaiting the licensee. */
  licensee_name?: string;
  publisher_name?: string;
  pending_amendment?: number | null;
  latest_version?: number | null;
}

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
  JOIN organizations licensee ON licensee.id = a.licensee_id
  JOIN organizations publisher ON publisher.id = a.publisher_id`;

export function toAgreementResponse(row: AgreementRow, today = todayUtc()): AgreementResponse {
  return {
    id: row.id,
    status:
      row.status === 'active' && row.ends_on !== null && row.ends_on < today
        ? 'expired'
        : row.status,
    licenseeId: row.licensee_id,
    licenseeName: row.licensee_name ?? '',
    publisherId: row.publisher_id,
    publisherName: row.publisher_name ?? '',
    offerId: row.offer_id,
    offerVersion: row.offer_version,
    terms: row.terms,
    termsHash: row.terms_hash.toString('hex'),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    terminatedOn: row.terminated_on,
    latestVersion: row.latest_version ?? 1,
    pendingAmendment: row.pending_amendment ?? null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

/** An agreement the actor is a party to (404 otherwise), optionally locked for update. */
export async function readAgreement(
  manager: EntityManager,
  actor: Principal,
  id: string,
  lock = false,
): Promise<AgreementRow> {
  const [row] = isUuid(id)
    ? await manager.query<AgreementRow[]>(
        `SELECT ${AGREEMENT_COLUMNS}
          WHERE a.id = $1 AND (a.licensee_id = $2 OR a.publisher_id = $2)${lock ? ' FOR UPDATE OF a' : ''}`,
        [id, actor.organizationId],
      )
    : [];
  if (!row) throw new ResourceNotFound('agreement', id);
  return row;
}
