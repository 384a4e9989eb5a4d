/**
 * Writes docs/schema.sql: the schema as the migrations leave it, described from a database
 * migrated afresh (a scratch database on DATABASE_URL's server, dropped afterwards).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { describeSchema, queryOf } from '../src/database/describe-schema';
import { migrate } from '../src/database/prepare-database';

const SCHEMA_FILE = join(__dirname, '..', 'docs', 'schema.sql');

async function main(): Promise<void> {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const scratch = `rl_schema_${process.pid}`;
  const url = new URL(server);
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${scratch}`);
  try {
    url.pathname = `/${scratch}`;
    await migrate(url.toString());
    const client = new Client({ connectionString: url.toString() });
    await client.connect();
    try {
      const text = await describeSchema(queryOf(client));
      writeFileSync(SCHEMA_FILE, text);
      process.stdout.write(`wrote ${SCHEMA_FILE} (${text.split('\n').length} lines)\n`);
    } finally {
      await client.end();
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
