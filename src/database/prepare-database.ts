import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Environment } from '../config/environment';
import { RunningDatabase } from './embedded-postgres';
import { dataSourceOptions } from './data-source-options';
import { resolveDatabase } from './resolve-database';
import { runMigrations } from './run-migrations';

/** Resolves the database (embedded or DATABASE_URL) and, unless disabled, applies migrations. */
export async function prepareDatabase(env: Environment): Promise<RunningDatabase> {
  const logger = new Logger('Database');
  const database = await resolveDatabase(env, logger);
  if (env.MIGRATIONS_RUN) {
    try {
      const applied = await migrate(database.url);
      logger.log(`migrations: ${applied.length} applied`);
    } catch (error) {
      await database.stop();
      throw error;
    }
  }
  return database;
}

export async function migrate(url: string, direction: 'up' | 'down' = 'up'): Promise<string[]> {
  const dataSource = await new DataSource({
    ...dataSourceOptions(url, 2),
    logging: false,
  }).initialize();
  try {
    if (direction === 'down') {
      await dataSource.undoLastMigration({ transaction: 'each' });
      return [];
    }
    return (await runMigrations(dataSource)).map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
