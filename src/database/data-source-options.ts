import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import './pg-types';

/** Compiled or not, migrations sit in <root>/migrations beside src/. */
export const migrationsGlob = join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

/**
 * How long the pool and PostgreSQL let a connection wait, in milliseconds (0: no limit). Each
 * process chooses its own (database.module.ts): the api bounds its requests; the worker's
 * royalty runs, matching and import loads run statements of minutes.
 */
export interface ConnectionLimits {
  /** Waiting for a pooled connection (pg's connectionTimeoutMillis). */
  acquireTimeoutMs: number;
  /** One statement (statement_timeout). */
  statementTimeoutMs: number;
  /** A transaction left idle between statements (idle_in_transaction_session_timeout). */
  idleInTransactionTimeoutMs: number;
}

const NO_LIMITS: ConnectionLimits = {
  acquireTimeoutMs: 0,
  statementTimeoutMs: 0,
  idleInTransactionTimeoutMs: 0,
};

/**
 * The connection, pool and migrations. No entities: each module registers its own
 * (`TypeOrmModule.forFeature`, collected by `autoLoadEntities` in database.module.ts), so the
 * database layer imports no feature module; a DataSource built outside Nest that maps entities
 * (the CLI's migration:generate) passes them.
 */
export function dataSourceOptions(
  url: string,
  poolSize = 10,
  limits: ConnectionLimits = NO_LIMITS,
  entities: DataSourceOptions['entities'] = [],
): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: [migrationsGlob],
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      connectionTimeoutMillis: limits.acquireTimeoutMs,
      application_name: 'rights-ledger',
      // Set per session before its first temporary table (it cannot change after): a usage
      // report's matching builds temporary tables of a million rows, which go through the
      // default 8 MB of local buffers page by page. Taken as used, up to this, and kept until
      // the session closes: modest, as every pooled session may hold it.
      options: [
        '-c temp_buffers=64MB',
        `-c statement_timeout=${limits.statementTimeoutMs}`,
        `-c idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
        // A process killed mid-statement (SIGKILL, OOM) leaves its server session running the
        // statement, with its locks (an import's publisher lock among them), until the session
        // next writes to the dead socket: minutes for a long one. Checked every 5 s instead, the
        // session is ended and its transaction rolled back (the fault tests kill workers so).
        '-c client_connection_check_interval=5000',
      ].join(' '),
    },
  };
}
