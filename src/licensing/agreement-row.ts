import { EntityManager } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { ResourceNotFound } from '../common/errors/domain-error';
import { todayUtc } from '../catalogue/work-inputs';
import { AgreementResponse } from './dto/agreement.dto';
import { OfferTerms } from './offer-terms';

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
}

export function toAgreementResponse(row: AgreementRow, today = todayUtc()): AgreementResponse {
  return {
    id: row.id,
    status:
      row.status === 'active' && row.ends_on !== null && row.ends_on < today
        ? 'expired'
        : row.status,
    licenseeId: row.licensee_id,
    publisherId: row.publisher_id,
    offerId: row.offer_id,
    offerVersion: row.offer_version,
    terms: row.terms,
    termsHash: row.terms_hash.toString('hex'),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    terminatedOn: row.terminated_on,
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
  const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  const [row] = uuid.test(id)
    ? await manager.query<AgreementRow[]>(
        `SELECT * FROM agreements WHERE id = $1 AND (licensee_id = $2 OR publisher_id = $2)${lock ? ' FOR UPDATE' : ''}`,
        [id, actor.organizationId],
      )
    : [];
  if (!row) throw new ResourceNotFound('agreement', id);
  return row;
}
