/**
 * The service the console's browser tests drive: `ts-node --swc console/e2e/serve.ts` (started by
 * global-setup.ts). A fresh database — on DATABASE_URL's server when set (as in CI), else an
 * embedded PostgreSQL under .data/console-e2e-postgres — the Stripe emulator, the service with its
 * workers and the console it serves, and the story's first acts played through the API (demo/story.ts):
 * finance's part is left to the browser. Writes the keys and ids to CONSOLE_E2E_FIXTURE, then
 * prints READY; stops (and drops its database) on SIGTERM.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { ApiClient } from '../../demo/api-client';
import { startStack } from '../../demo/stack';
import {
  createOperator,
  createPublishers,
  licenseeReportsUsage,
  licenseeSetsBilling,
  offerCatalogues,
  onboardPayees,
} from '../../demo/story';

const PORT = Number(process.env.CONSOLE_E2E_PORT ?? 3917);
const FIXTURE = process.env.CONSOLE_E2E_FIXTURE ?? '.data/console-e2e.json';
const quiet = () => undefined;

async function freshDatabase(
  serverUrl: string,
): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rl_console_e2e_${randomBytes(4).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: serverUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

async function main(): Promise<void> {
  const database = process.env.DATABASE_URL ? await freshDatabase(process.env.DATABASE_URL) : null;
  const stack = await startStack({
    embeddedDir: '.data/console-e2e-postgres',
    embeddedPort: process.env.CONSOLE_E2E_POSTGRES_PORT ?? '54349',
    databaseUrl: database?.url,
    redisPrefix: `console-e2e${process.pid}`,
    port: PORT,
    // Not development: the session cookie is Secure, as in production (Chromium keeps Secure
    // cookies of http://localhost).
    env: { NODE_ENV: 'test' },
  });
  const stop = async () => {
    await stack.stop();
    await database?.drop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.once('SIGINT', () => void stop());

  const api = new ApiClient(stack.base);
  const operator = await createOperator(api, stack.adminKey, quiet);
  const publishers = await createPublishers(api, stack.adminKey, quiet);
  const offers = await offerCatalogues(api, publishers, quiet);
  const licensee = await licenseeReportsUsage(api, stack.adminKey, offers, publishers, quiet);
  // Stripe sends Acme AI its invoices (collectionMethod invoice, no card charged): they stay open
  // until paid, so finance still records June's payments by hand in the browser (finance-story),
  // and the service tells Stripe they were paid out of band.
  await licenseeSetsBilling(api, licensee, 'invoice', quiet);
  await onboardPayees(api, stack.emulator, publishers, quiet);
  // The platform's Stripe balance holds what the licensee will pay, so transfers can be made.
  stack.emulator.fund('eur', 10_000_000);

  writeFileSync(
    FIXTURE,
    JSON.stringify(
      {
        baseURL: `http://localhost:${PORT}`,
        databaseUrl: stack.databaseUrl,
        stripeUrl: stack.emulator.url,
        adminKey: stack.adminKey,
        operator,
        publishers,
        licensee: { ...licensee, units: String(licensee.units) },
      },
      null,
      2,
    ),
  );
  console.log('READY');
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
