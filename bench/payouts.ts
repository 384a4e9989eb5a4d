/**
 * A payout run of 10,000 payees against the Stripe emulator limited to 100 requests/s, as
 * /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:payouts        BENCH_PAYEES=2000 for a quick check
 *
 * Target (issue 7): the run completes within 10 % of the floor the limit sets (BENCH_PAYEES /
 * limit = 100 s), with zero items failed by 429 and zero duplicate transfers; the achieved
 * requests/s is reported as a ratio of the limit.
 *
 * Baseline: the rate limit itself — BENCH_PAYEES transfers cannot be made faster than
 * BENCH_PAYEES / BENCH_STRIPE_LIMIT seconds. The ratio is the measured run over that floor.
 *
 * Set-up, once, in a template database (rl_bench_pay_<pid>_tpl): the api (dist/, RUN_WORKERS=
 * false) migrates it and bootstraps an admin; one publisher and two finance principals are made
 * through the API; BENCH_PAYEES payees with onboarded Stripe accounts are inserted with SQL
 * (generate_series), and their payable balances posted through LedgerService in one journal
 * transaction (amounts 1,000–100,999 minor units, deterministic).
 *
 * Each round (one warm-up of BENCH_WARMUP_PAYEES payees, then BENCH_RUNS measured of all) gets a
 * fresh database cloned from the template, a fresh in-process emulator (the same connected
 * accounts, enough balance, a 100/s token bucket) and a fresh api (RUN_WORKERS=false) and worker
 * (dist/src/worker.js, PAYOUT_REQUESTS_PER_SECOND=BENCH_PAYOUT_RATE, default 98: 49 per 500 ms). Timed: from the
 * approval's request to the run's completed_at (same machine clock; polled every 250 ms). Checked:
 * every item paid, one transfer per item in the emulator, no 429 failure, trial balance zero.
 * Peak RSS of the api and the worker from /proc. Prints a markdown section (stdout) for
 * docs/benchmarks-history.md.
 *
 * Environment: DATABASE_URL (a database on the server used for CREATE/DROP DATABASE; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379),
 * BENCH_PAYEES (10000), BENCH_RUNS (3), BENCH_WARMUP_PAYEES (1000), BENCH_STRIPE_LIMIT (100),
 * BENCH_PAYOUT_RATE (98), BENCH_PAYOUT_CONCURRENCY (32), BENCH_TIMEOUT_MINUTES (60).
 */
import * as os from 'node:os';
import { DataSource } from 'typeorm';
import { StripeEmulator } from '../emulator/stripe/server';
import { dataSourceOptions } from '../src/database/data-source-options';
import { LedgerService } from '../src/ledger/ledger.service';
import { DEFAULT_REDIS_URL, DEFAULT_SERVER_URL, PostgresServer } from './support/database';
import {
  assertLoopback,
  DIST_MAIN,
  ensureBuilt,
  gitRevision,
  redactUrl,
  ROOT,
} from './support/environment';
import { jsonRequester } from './support/http';
import { log } from './support/log';
import { ChildProcesses, peakRssKiB, sleep } from './support/processes';
import { minutesFromEnv } from './support/report';
import { createOrganization, issueFinanceKeys, startApi, startWorker } from './support/service';
import { fixed, formatKiB, median } from './support/stats';

const server = new PostgresServer(process.env.DATABASE_URL ?? DEFAULT_SERVER_URL);
const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const PAYEES = Number(process.env.BENCH_PAYEES ?? 10_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP_PAYEES = Math.min(PAYEES, Number(process.env.BENCH_WARMUP_PAYEES ?? 1_000));
const LIMIT = Number(process.env.BENCH_STRIPE_LIMIT ?? 100);
const RATE = Number(process.env.BENCH_PAYOUT_RATE ?? 98);
const CONCURRENCY = Number(process.env.BENCH_PAYOUT_CONCURRENCY ?? 32);
const TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 60);
const ADMIN_KEY = `bench-admin-${process.pid}-0123456789abcdefghijklmnop`;
const WEBHOOK_SECRET = 'whsec_bench_payouts';
const TEMPLATE = `rl_bench_pay_${process.pid}_tpl`;
/** The endpoint's events, as docs/PAYOUTS.md recommends; BENCH_EVENTS=all sends every type. */
const ENABLED_EVENTS =
  process.env.BENCH_EVENTS === 'all' ? undefined : ['account.updated', 'transfer.reversed'];

const processes = new ChildProcesses({
  stopGraceMs: 15_000,
  startTimeoutMs: 120_000,
  reportExits: 'any',
});

/** Generous: the approval reserves BENCH_PAYEES amounts and queues as many jobs in one request. */
const requestJson = jsonRequester(600_000);

interface Services {
  apiUrl: string;
  apiPid?: number;
  workerPid?: number;
}

async function startServices(
  database: string,
  stripeUrl: string,
  prefix: string,
  workers: boolean,
): Promise<Services> {
  const env: NodeJS.ProcessEnv = {
    DATABASE_URL: server.databaseUrl(database),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: stripeUrl,
    STRIPE_TIMEOUT_MS: '10000',
    PAYOUT_REQUESTS_PER_SECOND: String(RATE),
    PAYOUT_CONCURRENCY: String(CONCURRENCY),
    PAYOUT_BACKOFF_MS: '200',
    RECONCILIATION_CRON: 'off',
  };
  // dist/ itself, without the V8 flags of `npm start`, ready when /health/ready answers.
  const { api, base: apiUrl } = await startApi(processes, 'api', DIST_MAIN, env, {
    nodeFlags: false,
    readyPath: '/health/ready',
  });
  let workerPid: number | undefined;
  if (workers) {
    const worker = await startWorker(processes, 'worker', `${ROOT}/dist/src/worker.js`, env);
    workerPid = worker.pid;
  }
  return { apiUrl, apiPid: api.pid, workerPid };
}

interface Fixture {
  financeKeys: [string, string];
  payeeIds: string[];
  accounts: string[];
  total: bigint;
}

async function setUpTemplate(): Promise<Fixture> {
  await server.recreate(TEMPLATE);
  const emulator = new StripeEmulator({ rateLimitPerSecond: 0 });
  const stripe = await emulator.listen();
  const services = await startServices(TEMPLATE, stripe.url, `bpay${process.pid}t`, false);
  const [drafter, approver] = await issueFinanceKeys(requestJson, services.apiUrl, ADMIN_KEY, [
    'bench drafter',
    'bench approver',
  ]);
  const financeKeys: [string, string] = [drafter, approver];
  const publisher = await createOrganization(
    requestJson,
    services.apiUrl,
    ADMIN_KEY,
    'Bench Press',
    'publisher',
    'bench',
  );
  await processes.stop();
  await emulator.close();
  const organizationId = publisher.organizationId;
  const url = server.databaseUrl(TEMPLATE);
  const rows = await server.withClient(url, async (c) => {
    await c.query(
      `INSERT INTO payees (id, organization_id, name, currency, is_default, version)
       SELECT gen_random_uuid(), $1, 'Bench payee ' || n, 'EUR', false, 1 FROM generate_series(1, $2) n`,
      [organizationId, PAYEES],
    );
    await c.query(
      `INSERT INTO payee_stripe_accounts (payee_id, organization_id, stripe_account_id, payouts_enabled,
              transfers_capability, details_submitted)
       SELECT id, organization_id, 'acct_bench' || lpad(row_number() OVER (ORDER BY id)::text, 8, '0'),
              true, 'active', true
         FROM payees WHERE organization_id = $1 AND NOT is_default`,
      [organizationId],
    );
    return (
      await c.query<{ payee_id: string; stripe_account_id: string }>(
        `SELECT payee_id, stripe_account_id FROM payee_stripe_accounts ORDER BY stripe_account_id`,
      )
    ).rows;
  });
  const amounts = rows.map((_, i) => 1_000n + BigInt((i * 7_919) % 100_000));
  const total = amounts.reduce((a, b) => a + b, 0n);
  const dataSource = await new DataSource({
    ...dataSourceOptions(url, 2),
    logging: false,
  }).initialize();
  await new LedgerService(dataSource).postNow({
    idempotencyKey: 'bench-earnings',
    reason: 'bench: earnings made payable',
    refs: {},
    postings: [
      {
        account: {
          type: 'platform-stripe-clearing',
          ownerId: null,
          organizationId: null,
          currency: 'EUR',
        },
        amount: total,
      },
      ...rows.map((r, i) => ({
        account: {
          type: 'payee-payable' as const,
          ownerId: r.payee_id,
          organizationId,
          currency: 'EUR',
        },
        amount: -amounts[i],
      })),
    ],
  });
  await dataSource.destroy();
  await server.withClient(url, (c) => c.query(`VACUUM ANALYZE`));
  return {
    financeKeys,
    payeeIds: rows.map((r) => r.payee_id),
    accounts: rows.map((r) => r.stripe_account_id),
    total,
  };
}

interface Round {
  payees: number;
  seconds: number;
  draftSeconds: number;
  approveSeconds: number;
  transfers: number;
  duplicates: number;
  failed: number;
  throttled: number;
  requestsPerSecond: number;
  apiRssKiB?: number;
  workerRssKiB?: number;
}

async function round(fixture: Fixture, n: number, payees: number): Promise<Round> {
  const database = `rl_bench_pay_${process.pid}_${n}`;
  await server.recreate(database, TEMPLATE);
  const emulator = new StripeEmulator({
    rateLimitPerSecond: LIMIT,
    balance: { eur: Number(fixture.total) },
  });
  for (const account of fixture.accounts) {
    emulator.state.accounts.set(account, {
      id: account,
      object: 'account',
      type: 'express',
      capabilities: { transfers: 'active' },
      payouts_enabled: true,
      metadata: {},
    });
  }
  const stripe = await emulator.listen();
  try {
    const services = await startServices(database, stripe.url, `bpay${process.pid}r${n}`, true);
    emulator.webhooks.endpoint = {
      url: `${services.apiUrl}/v1/stripe/webhooks`,
      secret: WEBHOOK_SECRET,
      enabledEvents: ENABLED_EVENTS,
    };
    const [drafter, approver] = fixture.financeKeys;
    const draftStart = performance.now();
    const draft = await requestJson<{ id: string; totals: { items: number } }>(
      services.apiUrl,
      'POST',
      '/v1/payout-runs',
      drafter,
      {
        currency: 'EUR',
        ...(payees < fixture.payeeIds.length
          ? { payeeIds: fixture.payeeIds.slice(0, payees) }
          : {}),
      },
      201,
    );
    const draftSeconds = (performance.now() - draftStart) / 1000;
    if (draft.totals.items !== payees)
      throw new Error(`draft has ${draft.totals.items} items, not ${payees}`);
    const approveStart = performance.now();
    const approvedAt = Date.now();
    await requestJson(
      services.apiUrl,
      'POST',
      `/v1/payout-runs/${draft.id}/approve`,
      approver,
      undefined,
      200,
    );
    const approveSeconds = (performance.now() - approveStart) / 1000;
    const url = server.databaseUrl(database);
    const done = await server.withClient(url, async (c) => {
      for (;;) {
        const { rows } = await c.query<{ status: string; seconds: string }>(
          `SELECT status, extract(epoch FROM completed_at) - $2::float8 / 1000 AS seconds FROM payout_runs WHERE id = $1`,
          [draft.id, approvedAt],
        );
        if (rows[0].status !== 'executing') return rows[0];
        await sleep(250);
      }
    });
    const apiRssKiB = peakRssKiB(services.apiPid);
    const workerRssKiB = peakRssKiB(services.workerPid);
    const counts = await server.withClient(
      url,
      async (c) =>
        (
          await c.query<{ paid: string; failed: string; throttled: string }>(
            `SELECT count(*) FILTER (WHERE status = 'paid') AS paid,
                    count(*) FILTER (WHERE status <> 'paid') AS failed,
                    count(*) FILTER (WHERE error_code = 'rate_limit') AS throttled
               FROM payout_items WHERE run_id = $1`,
            [draft.id],
          )
        ).rows[0],
    );
    const trial = await requestJson<{ balanced: boolean }>(
      services.apiUrl,
      'GET',
      '/v1/ledger/trial-balance',
      drafter,
      undefined,
      200,
    );
    if (!trial.balanced) throw new Error('the trial balance is not zero');
    const transfers = emulator.transfers();
    const distinct = new Set(transfers.map((t) => t.metadata.payoutItemId as string)).size;
    const made = emulator.requests.filter(
      (r) => r.method === 'POST' && r.path === '/v1/transfers' && r.status === 200,
    );
    const span = (made[made.length - 1].at - made[0].at) / 1000;
    await processes.stop();
    return {
      payees,
      seconds: Number(done.seconds),
      draftSeconds,
      approveSeconds,
      transfers: transfers.length,
      duplicates: transfers.length - distinct,
      failed: Number(counts.failed),
      throttled: emulator.statusCounts()[429] ?? 0,
      requestsPerSecond: (made.length - 1) / span,
      apiRssKiB,
      workerRssKiB,
    };
  } finally {
    await processes.stop();
    await emulator.close();
    await server.drop(database);
  }
}

async function main(): Promise<void> {
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', REDIS_URL);
  ensureBuilt();
  processes.guard('bench:payouts', TIMEOUT_MS, `${TIMEOUT_MS / 60_000} minutes`);
  log(`setting up ${PAYEES} payees in ${TEMPLATE} on ${redactUrl(server.url)}`);
  const fixture = await setUpTemplate();
  try {
    log(`warm-up: ${WARMUP_PAYEES} payees`);
    const warm = await round(fixture, 0, WARMUP_PAYEES);
    log(`warm-up: ${fixed(warm.seconds, 1)} s`);
    const rounds: Round[] = [];
    for (let n = 1; n <= RUNS; n++) {
      const r = await round(fixture, n, PAYEES);
      log(
        `round ${n}: ${fixed(r.seconds, 1)} s, ${fixed(r.requestsPerSecond, 1)} transfers/s, ${r.throttled} 429s`,
      );
      rounds.push(r);
    }
    report(rounds);
  } finally {
    await server.drop(TEMPLATE);
  }
}

function report(rounds: Round[]): void {
  const floor = PAYEES / LIMIT;
  const seconds = rounds.map((r) => r.seconds);
  const rates = rounds.map((r) => r.requestsPerSecond);
  const m = median(seconds);
  const lines = [
    `### bench:payouts — ${new Date().toISOString().slice(0, 10)}, ${gitRevision()}`,
    '',
    `${os.cpus().length} cores; ${PAYEES} payees in one payout run; emulator limited to ${LIMIT} requests/s (token bucket); worker limiter ${RATE}/s, concurrency ${CONCURRENCY}; ${RUNS} rounds after a ${WARMUP_PAYEES}-payee warm-up.`,
    '',
    '| figure | min | median | max |',
    '|---|---|---|---|',
    `| run, approval to completed (s) | ${fixed(Math.min(...seconds), 1)} | ${fixed(m, 1)} | ${fixed(Math.max(...seconds), 1)} |`,
    `| ratio to the ${fixed(floor, 0)} s floor (target ≤ 1.10) | ${fixed(Math.min(...seconds) / floor, 3)} | ${fixed(m / floor, 3)} | ${fixed(Math.max(...seconds) / floor, 3)} |`,
    `| transfers/s achieved | ${fixed(Math.min(...rates), 1)} | ${fixed(median(rates), 1)} | ${fixed(Math.max(...rates), 1)} |`,
    `| as a ratio of the limit | ${fixed(Math.min(...rates) / LIMIT, 3)} | ${fixed(median(rates) / LIMIT, 3)} | ${fixed(Math.max(...rates) / LIMIT, 3)} |`,
    `| approval (reserve ${PAYEES} amounts, queue ${PAYEES} jobs) (s) | ${fixed(Math.min(...rounds.map((r) => r.approveSeconds)), 2)} | ${fixed(median(rounds.map((r) => r.approveSeconds)), 2)} | ${fixed(Math.max(...rounds.map((r) => r.approveSeconds)), 2)} |`,
    `| draft (s) | ${fixed(Math.min(...rounds.map((r) => r.draftSeconds)), 2)} | ${fixed(median(rounds.map((r) => r.draftSeconds)), 2)} | ${fixed(Math.max(...rounds.map((r) => r.draftSeconds)), 2)} |`,
    '',
    `Every round: transfers ${rounds.map((r) => r.transfers).join(', ')}; duplicate transfers ${rounds.map((r) => r.duplicates).join(', ')}; items not paid ${rounds.map((r) => r.failed).join(', ')}; 429s answered by the emulator ${rounds.map((r) => r.throttled).join(', ')}; trial balance zero.`,
    `Peak RSS: api ${rounds.map((r) => formatKiB(r.apiRssKiB)).join(', ')}; worker ${rounds.map((r) => formatKiB(r.workerRssKiB)).join(', ')}.`,
  ];
  console.log(lines.join('\n'));
}

void main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(
      `bench:payouts failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await processes.stop();
    await server.drop(TEMPLATE).catch(() => undefined);
    process.exit(1);
  },
);
