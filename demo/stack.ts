import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { StripeEmulator } from '../emulator/stripe/server';
import { validateEnvironment } from '../src/config/environment';
import { createApp } from '../src/create-app';
import { prepareDatabase } from '../src/database/prepare-database';
import { useStartupLogger } from '../src/startup-logger';

export interface Stack {
  /** The service's address, e.g. http://127.0.0.1:41234 (the console at /, the API under /v1). */
  base: string;
  emulator: StripeEmulator;
  adminKey: string;
  /** The database it runs on (embedded or given), for tests that must reach past the API. */
  databaseUrl: string;
  stop(): Promise<void>;
}

export interface StackOptions {
  /** A fresh embedded PostgreSQL in this folder (wiped first)… */
  embeddedDir: string;
  embeddedPort: string;
  /** …unless a database URL is given (it must exist; migrations are applied to it). */
  databaseUrl?: string;
  redisPrefix: string;
  port?: number;
  /** Further environment, e.g. NODE_ENV or LOG_LEVEL. */
  env?: Record<string, string>;
}

/**
 * The service (api and workers in one process) with the Stripe emulator (25 requests/s, test mode)
 * wired to its webhooks, collecting posted invoices through Stripe: what the demo and the
 * console's browser tests run against.
 */
export async function startStack(options: StackOptions): Promise<Stack> {
  const adminKey = `demo-admin-${randomBytes(24).toString('hex')}`;
  const webhookSecret = `whsec_demo_${randomBytes(12).toString('hex')}`;
  const emulator = new StripeEmulator({ rateLimitPerSecond: 25 });
  const stripe = await emulator.listen();
  const raw: Record<string, string | undefined> = { ...process.env };
  delete raw.DATABASE_URL;
  if (!options.databaseUrl) rmSync(options.embeddedDir, { recursive: true, force: true });
  const env = validateEnvironment({
    ...raw,
    ...(options.databaseUrl
      ? { DATABASE_URL: options.databaseUrl }
      : {
          EMBEDDED_POSTGRES_DIR: options.embeddedDir,
          EMBEDDED_POSTGRES_PORT: options.embeddedPort,
        }),
    REDIS_PREFIX: options.redisPrefix,
    LOG_LEVEL: process.env.DEMO_LOG_LEVEL ?? 'error',
    BOOTSTRAP_ADMIN_KEY: adminKey,
    STRIPE_SECRET_KEY: 'sk_test_demo',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_URL: stripe.url,
    PAYOUT_REQUESTS_PER_SECOND: '20',
    RECONCILIATION_CRON: 'off',
    // Posted invoices are issued through Stripe and collected there (docs/COLLECTION.md).
    COLLECTION_THROUGH_STRIPE: 'true',
    ...options.env,
  });
  useStartupLogger(env.LOG_LEVEL);
  const database = await prepareDatabase(env);
  const app = await createApp({ ...env, DATABASE_URL: database.url });
  await app.listen(options.port ?? 0, '127.0.0.1');
  const base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  emulator.webhooks.endpoint = { url: `${base}/v1/stripe/webhooks`, secret: webhookSecret };
  return {
    base,
    emulator,
    adminKey,
    databaseUrl: database.url,
    stop: async () => {
      await app.close();
      await emulator.close();
      await database.stop();
    },
  };
}
