import { EntityManager } from 'typeorm';

/** Locks on organizations (this module's table), each until the transaction ends. */

type Runner = Pick<EntityManager, 'query'>;

/** The organization's row, FOR UPDATE: its principals are counted under it. */
export async function lockOrganization(db: Runner, organizationId: string): Promise<void> {
  await db.query(`SELECT 1 FROM organizations WHERE id = $1 FOR UPDATE`, [organizationId]);
}

/** api and worker may start together: one of them bootstraps, the other then sees the admin. */
export async function lockBootstrap(db: Runner): Promise<void> {
  await db.query(`SELECT pg_advisory_xact_lock(hashtext('organizations:bootstrap'))`);
}
