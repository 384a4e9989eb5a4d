import { DataSource, Migration } from 'typeorm';

/** Any fixed number: the advisory lock that serializes migration runs across processes. */
const MIGRATION_LOCK = 7_301_946_512;

/**
 * Applies pending migrations while holding a session advisory lock, so an api and a worker
 * starting together do not both try to apply the same migration.
 */
export async function runMigrations(dataSource: DataSource): Promise<Migration[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    return await dataSource.runMigrations({ transaction: 'each' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await runner.release();
  }
}
