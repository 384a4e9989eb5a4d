import { EntityManager } from 'typeorm';
import type { Principal, Role } from '../common/auth/principal';

/**
 * The API keys' SQL beyond the entity's own reads and writes: api_keys and principals (this
 * module's). The locks here are what keeps the per-principal and per-organization limits exact
 * under concurrent requests.
 */

type Runner = Pick<EntityManager, 'query'>;

/** An active key and the principal it gives, as the key cache keeps it. */
export interface KeyRow {
  id: string;
  prefix: string;
  key_hash: Buffer;
  last_used_at: Date | null;
  principal_id: string;
  principal_name: string;
  role: Principal['role'];
  organization_id: string;
  organization_kind: Principal['organizationKind'];
}

export function activeKeysWithPrefix(db: Runner, prefix: string): Promise<KeyRow[]> {
  return db.query<KeyRow[]>(
    `SELECT k.id, k.prefix, k.key_hash, k.last_used_at, p.id AS principal_id,
                    p.name AS principal_name, p.role, p.organization_id, p.organization_kind
               FROM api_keys k JOIN principals p ON p.id = k.principal_id
              WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
    [prefix],
  );
}

export async function recordKeyUsed(db: Runner, id: string): Promise<void> {
  await db.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [id]);
}

/** Inserts the principal unless the organization has one of that name: true when inserted. */
export async function insertPrincipalIfNew(
  db: Runner,
  id: string,
  organization: { id: string; kind: string },
  name: string,
  role: Role,
): Promise<boolean> {
  const inserted: { id: string }[] = await db.query(
    `INSERT INTO principals (id, organization_id, organization_kind, name, role)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, name) DO NOTHING RETURNING id`,
    [id, organization.id, organization.kind, name, role],
  );
  return inserted.length > 0;
}

export async function countPrincipals(db: Runner, organizationId: string): Promise<number> {
  const [{ principals }]: [{ principals: number }] = await db.query(
    `SELECT count(*)::int AS principals FROM principals WHERE organization_id = $1`,
    [organizationId],
  );
  return principals;
}

export async function lockPrincipal(db: Runner, principalId: string): Promise<void> {
  await db.query(`SELECT 1 FROM principals WHERE id = $1 FOR UPDATE`, [principalId]);
}

export async function countActiveKeys(db: Runner, principalId: string): Promise<number> {
  const [{ active }]: [{ active: number }] = await db.query(
    `SELECT count(*)::int AS active FROM api_keys WHERE principal_id = $1 AND revoked_at IS NULL`,
    [principalId],
  );
  return active;
}

/** Serializes admin-key revocations so two concurrent ones cannot each leave the other last. */
export async function lockAdminKeyRevocations(db: Runner): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('api-keys:admin-revocation'))`);
}

export async function countOtherActiveAdminKeys(db: Runner, keyId: string): Promise<number> {
  const [{ others }]: [{ others: number }] = await db.query(
    `SELECT count(*)::int AS others
         FROM api_keys k JOIN principals p ON p.id = k.principal_id
        WHERE p.role = 'admin' AND k.revoked_at IS NULL AND k.id <> $1`,
    [keyId],
  );
  return others;
}
