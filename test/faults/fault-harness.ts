import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { DIST, ensureBuilt } from '../../bench/support/environment';
import { ChildProcesses, exited, Watched } from '../../bench/support/processes';
import { startApi, startWorker } from '../../bench/support/service';
import { StripeEmulator, StripeEmulatorOptions } from '../../emulator/stripe/server';
import { waitFor } from '../support/payouts';
import { ADMIN_KEY, Http, ownDatabase, startTestApp, TestApp } from '../support/test-app';
import { withClient } from '../support/test-database';

const API_ENTRY = join(DIST, 'src', 'main.js');
const WORKER_ENTRY = join(DIST, 'src', 'worker.js');
export const WEBHOOK_SECRET = 'whsec_fault_tests_0123456789';

export interface FaultHarnessOptions {
  /** A name for the database and the Redis prefix. */
  name: string;
  /** The Redis database (1–15) the processes use alone: flushing it loses all of their keys. */
  redisDb: number;
  /** With the Stripe emulator (payouts, collection). */
  stripe?: StripeEmulatorOptions;
  /** Added to both processes' environment. */
  env?: Record<string, string>;
}

/**
 * The service as deployed, for the fault tests: the api and the worker as processes of their own
 * from dist/ (`npm run build` first), on a fresh database cloned from the migrated template and a
 * Redis database of their own, with the Stripe emulator in the test's process when asked. The
 * faults are real: the worker killed with SIGKILL, PostgreSQL restarted, the Redis database
 * flushed.
 */
export class FaultHarness {
  readonly children = new ChildProcesses({
    stopGraceMs: 10_000,
    startTimeoutMs: 60_000,
    reportExits: 'failed',
    // The faults make them warn by the dozen; output() keeps the last of it for a failure.
    forward: false,
  });
  http!: Http;
  base!: string;
  api!: Watched;
  worker?: Watched;
  emulator?: StripeEmulator;
  private env: Record<string, string> = {};

  private constructor(readonly options: FaultHarnessOptions) {}

  static async start(options: FaultHarnessOptions): Promise<FaultHarness> {
    ensureBuilt();
    const h = new FaultHarness(options);
    const databaseUrl = await ownDatabase(options.name.replace(/\W/g, '_'));
    const redis = new Redis(`redis://127.0.0.1:6379/${options.redisDb}`);
    await redis.flushdb();
    redis.disconnect();
    h.env = {
      DATABASE_URL: databaseUrl,
      REDIS_URL: `redis://127.0.0.1:6379/${options.redisDb}`,
      REDIS_PREFIX: `rlfault${process.env.TEST_RUN_ID}${options.name.replace(/\W/g, '')}`,
      MIGRATIONS_RUN: 'false',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
      RATE_LIMIT_PER_MINUTE: '100000000',
      AUTH_FAILURES_PER_MINUTE: '100000',
      SHUTDOWN_GRACE_MS: '5000',
      ...options.env,
    };
    if (options.stripe) {
      h.emulator = new StripeEmulator({ rateLimitPerSecond: 0, ...options.stripe });
      const { url } = await h.emulator.listen();
      Object.assign(h.env, {
        STRIPE_SECRET_KEY: 'sk_test_fault_tests',
        STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
        STRIPE_API_URL: url,
        STRIPE_TIMEOUT_MS: '2000',
      });
    }
    await h.startApi();
    return h;
  }

  /**
   * The api process, started and awaited until it answers; `http` and the emulator's webhook
   * endpoint follow it to its new port when it is started again after killApi.
   */
  async startApi(): Promise<void> {
    const started = await startApi(this.children, 'api', API_ENTRY, this.env, {
      nodeFlags: false,
      readyPath: '/health/live',
    });
    this.api = started.api;
    this.base = started.base;
    this.http = Http.at(this.base);
    if (this.emulator) {
      this.emulator.webhooks.endpoint = {
        url: `${this.base}/v1/stripe/webhooks`,
        secret: WEBHOOK_SECRET,
      };
    }
  }

  /** SIGKILL of the api: requests in flight are cut off, their open transactions left to die. */
  async killApi(): Promise<void> {
    await killed(this.api);
  }

  /**
   * An api in the test's own process on the same database and Redis namespace, without workers:
   * for set-up the HTTP api does not offer (earnings posted straight to the ledger). The faults
   * are never aimed at it.
   */
  async setupApp(): Promise<TestApp> {
    return startTestApp({ ...this.env, RUN_WORKERS: 'false', LOG_LEVEL: 'silent' });
  }

  /** A query on the harness's database, in a connection of its own. */
  async sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    return withClient(this.env.DATABASE_URL, async (client) => {
      return (await client.query(text, values)).rows as T[];
    });
  }

  /** A session of the test's own on the harness's database, held open (end it after). */
  async sqlSession(): Promise<Client> {
    const client = new Client({ connectionString: this.env.DATABASE_URL });
    await client.connect();
    return client;
  }

  /** The worker process, started and awaited until it logs that it started. */
  async startWorker(): Promise<Watched> {
    this.worker = await startWorker(this.children, 'worker', WORKER_ENTRY, this.env);
    return this.worker;
  }

  /** SIGKILL: no shutdown hook runs, its connections drop, its BullMQ locks are left to expire. */
  async killWorker(): Promise<void> {
    await killed(this.worker);
    this.worker = undefined;
  }

  /** Every key of the processes' Redis database gone, as after a Redis restart without persistence. */
  async flushRedis(): Promise<void> {
    const redis = new Redis(this.env.REDIS_URL);
    try {
      await redis.flushdb();
    } finally {
      redis.disconnect();
    }
  }

  /**
   * The PostgreSQL server restarted (fast: open transactions rolled back, every connection
   * dropped), waited for until it accepts connections again. Needs the local cluster and root,
   * as CI has; the fault tests run alone (npm run test:faults), since every database on the
   * server sees the restart.
   */
  async restartPostgres(): Promise<void> {
    const [version] = readdirSync('/etc/postgresql');
    execFileSync(
      'pg_ctlcluster',
      ['--skip-systemctl-redirect', version, 'main', 'restart', '-m', 'fast'],
      { stdio: 'ignore' },
    );
    await waitFor(
      () =>
        this.sql<{ up: number }>('SELECT 1 AS up').then(
          (rows) => rows.length,
          () => 0,
        ),
      (up) => up === 1,
      30_000,
    );
  }

  /** The processes' output since they started (the last 64 KiB each), for a failure's message. */
  output(): string {
    return `api:\n${this.api.output ?? ''}\nworker:\n${this.worker?.output ?? ''}`;
  }

  async stop(): Promise<void> {
    await this.children.stop();
    await this.emulator?.close();
  }
}

/** The process killed with SIGKILL and awaited until it is gone. */
async function killed(child: Watched | undefined): Promise<void> {
  if (!child || exited(child)) throw new Error('the process is not running');
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await gone;
}
