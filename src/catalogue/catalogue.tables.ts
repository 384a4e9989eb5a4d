import { table } from '../database/table';

/** A registered work. Written by the catalogue; read by licensing (licence checks, offers), usage (matching) and royalties (statement lines). */
export const WORKS = table('works', [
  'id',
  'organization_id',
  'external_id',
  'title',
  'kind',
  'language',
  'published_at',
  'metadata',
  'identifiers',
  'splits',
  'split_version',
  'status',
  'version',
  'created_at',
  'updated_at',
  'withdrawn_at',
  'split_shape_id',
]);

/** A row of works as `SELECT *` returns it. */
export interface WorkRow {
  id: string;
  organization_id: string;
  external_id: string;
  title: string;
  kind: string;
  language: string | null;
  published_at: string | null;
  metadata: unknown;
  identifiers: string[];
  splits: unknown;
  split_version: number;
  status: string;
  version: number;
  created_at: Date;
  updated_at: Date;
  withdrawn_at: Date | null;
  split_shape_id: number | null;
}

/** A work's identifiers, normalized (docs/IDENTIFIERS.md). Written by the catalogue; read by licensing's licence check and usage matching. */
export const WORK_IDENTIFIERS = table('work_identifiers', [
  'scheme',
  'value',
  'organization_id',
  'work_id',
]);

/** A row of work_identifiers as `SELECT *` returns it. */
export interface WorkIdentifierRow {
  scheme: string;
  value: string;
  organization_id: string;
  work_id: string;
}

/** How a work's royalties are shared among payees, per split version. Written by the catalogue; read by royalties (allocation to payees). */
export const WORK_SPLITS = table('work_splits', [
  'work_id',
  'split_version',
  'effective_from',
  'organization_id',
  'payee_id',
  'share_bps',
  'recorded_at',
]);

/** A row of work_splits as `SELECT *` returns it. */
export interface WorkSplitRow {
  work_id: string;
  split_version: number;
  effective_from: string;
  organization_id: string;
  payee_id: string;
  share_bps: number;
  recorded_at: Date;
}

/** Who is paid: a publisher's payees. Written by the catalogue; read by royalties (statements), payouts and the ledger. */
export const PAYEES = table('payees', [
  'id',
  'organization_id',
  'name',
  'email',
  'country',
  'currency',
  'is_default',
  'version',
  'created_at',
  'updated_at',
]);

/** A row of payees as `SELECT *` returns it. */
export interface PayeeRow {
  id: string;
  organization_id: string;
  name: string;
  email: string | null;
  country: string | null;
  currency: string | null;
  is_default: boolean;
  version: number;
  created_at: Date;
  updated_at: Date;
}

/** Each distinct set of shares stored once (split_shape_id() finds or stores one). Written by the catalogue; read by royalties (a run shares its charges by shape). */
export const SPLIT_SHAPES = table('split_shapes', ['id', 'splits']);

/** A row of split_shapes as `SELECT *` returns it. */
export interface SplitShapeRow {
  id: number;
  splits: unknown;
}
