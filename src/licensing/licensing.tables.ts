import { table } from '../database/table';

/** A licensee's accepted terms of an offer, versioned by amendment. Written by licensing; read by usage (matching) and royalties (rates, fees). */
export const AGREEMENTS = table('agreements', [
  'id',
  'licensee_id',
  'publisher_id',
  'offer_id',
  'offer_version',
  'terms',
  'terms_hash',
  'status',
  'starts_on',
  'ends_on',
  'terminated_on',
  'terminated_by_principal_id',
  'proposed_by_principal_id',
  'accepted_by_principal_id',
  'created_at',
  'updated_at',
]);

/** A row of agreements as `SELECT *` returns it. */
export interface AgreementRow {
  id: string;
  licensee_id: string;
  publisher_id: string;
  offer_id: string;
  offer_version: number;
  terms: unknown;
  terms_hash: Buffer;
  status: string;
  starts_on: string | null;
  ends_on: string | null;
  terminated_on: string | null;
  terminated_by_principal_id: string | null;
  proposed_by_principal_id: string | null;
  accepted_by_principal_id: string | null;
  created_at: Date;
  updated_at: Date;
}
