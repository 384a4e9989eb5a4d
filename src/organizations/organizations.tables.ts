import { table } from '../database/table';

/** An operator, publisher or licensee. Written by organizations; read by every module for names. */
export const ORGANIZATIONS = table('organizations', ['id', 'name', 'kind', 'created_at']);

/** A row of organizations as `SELECT *` returns it. */
export interface OrganizationRow {
  id: string;
  name: string;
  kind: string;
  created_at: Date;
}

/** Who acts: a key's or a person's identity in an organization. Written by organizations; read for names in responses. */
export const PRINCIPALS = table('principals', [
  'id',
  'organization_id',
  'organization_kind',
  'name',
  'role',
  'created_at',
]);

/** A row of principals as `SELECT *` returns it. */
export interface PrincipalRow {
  id: string;
  organization_id: string;
  organization_kind: string;
  name: string;
  role: string;
  created_at: Date;
}
