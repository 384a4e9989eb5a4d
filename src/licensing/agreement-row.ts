import { EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { todayUtc } from '../common/validation/calendar-date';
import { AgreementResponse } from './dto/agreement.dto';
import { OfferTerms } from './offer-terms';
import { isUuid } from '../common/ids';
import { agreementOfParty } from './agreement.queries';
import type { AgreementRow as AgreementTableRow } from './licensing.tables';

/** An agreement as the API reads it: the table's row, its terms typed. */
export interface AgreementRow extends Omit<AgreementTableRow, 'terms' | 'status'> {
  terms: OfferTerms;
  status: 'proposed' | 'active' | 'terminated';
  /** Read with AGREEMENT_COLUMNS: the parties' names and the amendment awaiting the licensee. */
  licensee_name?: string;
  publisher_name?: string;
  pending_amendment?: number | null;
  latest_version?: number | null;
}

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
  const row = isUuid(id)
    ? await agreementOfParty(manager, id, actor.organizationId, lock)
    : undefined;
  if (!row) throw new ResourceNotFound('agreement', id);
  return row;
}
