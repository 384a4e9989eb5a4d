import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres';
import { migrate } from '../../src/database/prepare-database';
import { databaseUrl, quoteIdentifier, withClient } from './test-database';

/**
 * Once per run: a PostgreSQL server (DATABASE_URL's, or an embedded one), and a template database
 * with every migration applied. Each jest worker clones the template (test-app.ts), so migrations
 * run once and workers never share rows.
 */
export default async function globalSetup(): Promise<void> {
  const runId = `${Date.now().toString(36)}${process.pid.toString(36)}`;
  let serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) {
    const directory = mkdtempSync(join(tmpdir(), 'rights-ledger-test-pg-'));
    process.env.TEST_EMBEDDED_DIR = directory;
    const embedded = await startEmbeddedPostgres({
      directory,
      port: 54330 + (process.pid % 1000),
      database: 'postgres',
    });
    (globalThis as { __embeddedPostgres?: typeof embedded }).__embeddedPostgres = embedded;
    serverUrl = embedded.url;
  }
  const template = `rl_test_${runId}_template`;
  await withClient(serverUrl, (client) =>
    client.query(`CREATE DATABASE ${quoteIdentifier(template)}`),
  );
  await migrate(databaseUrl(serverUrl, template));

  process.env.TEST_RUN_ID = runId;
  process.env.TEST_SERVER_URL = serverUrl;
  process.env.TEST_TEMPLATE_DATABASE = template;
}
