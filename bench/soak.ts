/**
 * Soak (issue 22): the service as deployed (api and worker from dist/, the Stripe emulator in this
 * process) under 30 minutes of mixed load from this, a second process:
 *
 *   npm run build && npm run bench:soak        BENCH_SOAK_MINUTES=6 for a quick check
 *
 * - the licence check (GET /v1/licence-check, a licensee's key) at a steady BENCH_SOAK_CHECK_RATE
 *   requests/s, and the GET routes people read (works, usage reports, royalty runs, statements,
 *   invoices, payout runs, the trial balance) at BENCH_SOAK_GET_RATE, both in windows of a minute;
 * - a usage report of 1,000 lines every 15 s, each waited for until accepted;
 * - catalogue changes every 10 s (a work created, one retitled, an import of 200 every minute);
 * - every BENCH_SOAK_CYCLE_MINUTES (5) the month reported so far closed: its royalty run
 *   calculated, posted (the invoices collected by card through Stripe), then a payout run
 *   drafted, approved by another principal and paid;
 * - beside them, bad input the load asks to be refused (an unknown field, a wrong type), which must
 *   get exactly its 400.
 *
 * Targets: RSS flat — each process's peak in the last 10 minutes within 10 % of its peak in the
 * first 10 (sampled every 5 s from /proc); no error answers but the asked-for refusals; p99 of
 * the licence check and of the GET routes stable — the median minute's p99 of the last 10 minutes
 * within 25 % of the first 10's. The baseline is the run's own first 10 minutes (a third of the
 * run when it is shorter). Prints a markdown section for docs/BENCHMARKS.md.
 *
 * Environment: DATABASE_URL (a database on the server used for CREATE/DROP DATABASE), REDIS_URL,
 * BENCH_SOAK_MINUTES (30), BENCH_SOAK_CYCLE_MINUTES (5), BENCH_SOAK_CHECK_RATE (400),
 * BENCH_SOAK_GET_RATE (100), BENCH_SOAK_WORKS (20000 per publisher).
 */
import { join } from 'node:path';
import { StripeEmulator } from '../emulator/stripe/server';
import { ADMIN_KEY, Http } from '../test/support/test-app';
import { DEFAULT_REDIS_URL, DEFAULT_SERVER_URL, PostgresServer } from './support/database';
import { assertLoopback, DIST, DIST_MAIN, ensureBuilt, gitRevision } from './support/environment';
import { log } from './support/log';
import { ChildProcesses, rssKiB } from './support/processes';
import { deleteRedisKeys } from './support/redis-keys';
import { machine, minutesFromEnv, Notes, verdict, writeReport } from './support/report';
import { startSetupApi, startWorker } from './support/service';
import { fixed, formatKiB, median } from './support/stats';
import {
  catalogueLane,
  Cycle,
  LatencyWindow,
  latencyLane,
  moneyLane,
  tally,
  Tally,
  unexpected,
  UsageClock,
  usageLane,
} from './soak/lanes';
import { makeTenants } from './soak/tenants';

const DURATION_MS = minutesFromEnv('BENCH_SOAK_MINUTES', 30);
const CYCLE_MS = minutesFromEnv('BENCH_SOAK_CYCLE_MINUTES', 5);
/** The two stretches compared: the first and the last 10 minutes, or thirds of a shorter run. */
const COMPARED_MS = Math.min(10 * 60_000, DURATION_MS / 3);
const CHECK_RATE = Number(process.env.BENCH_SOAK_CHECK_RATE ?? 400);
const GET_RATE = Number(process.env.BENCH_SOAK_GET_RATE ?? 100);
const WORKS = Number(process.env.BENCH_SOAK_WORKS ?? 20_000);
const PUBLISHERS = 2;
const LICENSEES = 4;
const WEBHOOK_SECRET = 'whsec_soak_0123456789';
const RSS_EVERY_MS = 5_000;

const server = new PostgresServer(process.env.DATABASE_URL || DEFAULT_SERVER_URL);
const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const children = new ChildProcesses({
  stopGraceMs: 15_000,
  startTimeoutMs: 120_000,
  reportExits: 'any',
});

interface RssSample {
  atMs: number;
  api?: number;
  worker?: number;
}

async function main(): Promise<void> {
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', REDIS_URL);
  ensureBuilt();
  const database = `rl_bench_soak_${process.pid}`;
  const redisPrefix = `rlsoak${process.pid}`;
  const emulator = new StripeEmulator({ rateLimitPerSecond: 0 });
  const notes = new Notes();
  try {
    await server.recreate(database);
    const stripe = await emulator.listen();
    const env = {
      STRIPE_SECRET_KEY: 'sk_test_soak',
      STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
      STRIPE_API_URL: stripe.url,
      COLLECTION_THROUGH_STRIPE: 'true',
      PLATFORM_COMMISSION_BPS: '1000',
    };
    const setup = {
      databaseUrl: server.databaseUrl(database),
      redisUrl: REDIS_URL,
      redisPrefix,
      adminKey: ADMIN_KEY,
    };
    const { api, base } = await startSetupApi(children, 'api', DIST_MAIN, setup, env);
    emulator.webhooks.endpoint = { url: `${base}/v1/stripe/webhooks`, secret: WEBHOOK_SECRET };
    const worker = await startWorker(children, 'worker', join(DIST, 'src', 'worker.js'), {
      DATABASE_URL: setup.databaseUrl,
      REDIS_URL,
      REDIS_PREFIX: redisPrefix,
      ...env,
    });
    const http = Http.at(base);
    log(`set-up: ${PUBLISHERS} publishers of ${WORKS} works, ${LICENSEES} licensees`);
    const tenants = await makeTenants(http, emulator, {
      publishers: PUBLISHERS,
      works: WORKS,
      licensees: LICENSEES,
    });

    const startedAt = Date.now();
    const until = startedAt + DURATION_MS;
    const rss: RssSample[] = [];
    const sampler = setInterval(() => {
      rss.push({ atMs: Date.now() - startedAt, api: rssKiB(api.pid), worker: rssKiB(worker.pid) });
    }, RSS_EVERY_MS);
    const lanes = {
      check: tally(),
      gets: tally(),
      usage: tally(),
      catalogue: tally(),
      money: tally(),
    };
    const checkWindows: LatencyWindow[] = [];
    const getWindows: LatencyWindow[] = [];
    const cycles: Cycle[] = [];
    const clock: UsageClock = { month: 0 };
    const [licensee] = tenants.licensees;
    const [publisher] = tenants.publishers;
    const [finance] = tenants.finance;
    const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
    log(`soak: ${DURATION_MS / 60_000} minutes from ${new Date(startedAt).toISOString()}`);
    await Promise.all([
      latencyLane(
        {
          label: 'licence check',
          url: base,
          // Each connection asks about the publishers' works in turn.
          requests: tenants.publishers.flatMap((p) =>
            p.isbns.slice(0, 50).map((isbn) => ({
              method: 'GET' as const,
              path: `/v1/licence-check?identifier=isbn:${isbn}&usage=ai-train&at=2070-06-01`,
              headers: bearer(licensee.key),
            })),
          ),
          rate: CHECK_RATE,
          connections: 4,
          windowMs: 60_000,
          startedAt,
          until,
        },
        checkWindows,
        lanes.check,
      ),
      latencyLane(
        {
          label: 'GET routes',
          url: base,
          requests: [
            ['/v1/works?limit=50', publisher.key],
            ['/v1/usage-reports?limit=20', licensee.key],
            ['/v1/royalty-runs?limit=20', finance],
            ['/v1/statements?limit=20', publisher.key],
            ['/v1/invoices?limit=20', licensee.key],
            ['/v1/payout-runs?limit=20', finance],
            ['/v1/ledger/trial-balance', finance],
          ].map(([path, key]) => ({ method: 'GET' as const, path, headers: bearer(key) })),
          rate: GET_RATE,
          connections: 2,
          windowMs: 60_000,
          startedAt,
          until,
        },
        getWindows,
        lanes.gets,
      ),
      usageLane(http, tenants, clock, { lines: 1_000, everyMs: 15_000, until }, lanes.usage),
      catalogueLane(
        http,
        tenants,
        { everyMs: 10_000, importWorks: 200, until, firstIsbn: PUBLISHERS * WORKS },
        lanes.catalogue,
      ),
      moneyLane(http, tenants, clock, { everyMs: CYCLE_MS, until }, cycles, lanes.money),
    ]);
    clearInterval(sampler);
    const trial = await http.get('/v1/ledger/trial-balance', finance);
    if (trial.body.balanced !== true) unexpected(lanes.money, 'the trial balance is not zero');
    report(notes, {
      rss,
      checkWindows,
      getWindows,
      cycles,
      lanes,
      durationMs: Date.now() - startedAt,
    });
  } finally {
    await children.stop();
    await emulator.close();
    await server.drop(database).catch(() => undefined);
    await deleteRedisKeys(REDIS_URL, [`${redisPrefix}*`]);
  }
}

interface Measured {
  rss: RssSample[];
  checkWindows: LatencyWindow[];
  getWindows: LatencyWindow[];
  cycles: Cycle[];
  lanes: Record<string, Tally>;
  durationMs: number;
}

function report(notes: Notes, m: Measured): void {
  const first = <T extends { atMs: number }>(rows: T[]) =>
    rows.filter((r) => r.atMs <= COMPARED_MS);
  const last = <T extends { atMs: number }>(rows: T[]) =>
    rows.filter((r) => r.atMs > m.durationMs - COMPARED_MS);
  const peak = (rows: RssSample[], process: 'api' | 'worker') =>
    Math.max(...rows.map((r) => r[process] ?? 0));
  const p99 = (rows: LatencyWindow[]) => median(rows.map((r) => r.p99));
  const rssRows = (['api', 'worker'] as const).map((process) => {
    const before = peak(first(m.rss), process);
    const after = peak(last(m.rss), process);
    return { process, before, after, ratio: after / before };
  });
  const latencyRows = [
    ['licence check', m.checkWindows],
    ['GET routes', m.getWindows],
  ].map(([label, windows]) => {
    const rows = windows as LatencyWindow[];
    const before = p99(first(rows));
    const after = p99(last(rows));
    return { label: label as string, before, after, ratio: after / before, rows };
  });
  const unexpected = Object.values(m.lanes).reduce((sum, t) => sum + t.unexpectedCount, 0);
  const asked = Object.values(m.lanes).reduce((sum, t) => sum + t.expectedErrors, 0);
  const minutes = fixed(COMPARED_MS / 60_000, 0);
  const lines = [
    `### Soak — ${new Date().toISOString().slice(0, 10)}, ${gitRevision()}`,
    '',
    `\`npm run bench:soak\` (${fixed(m.durationMs / 60_000, 1)} min), ${machine()}. ` +
      `${PUBLISHERS} publishers of ${WORKS} works, ${LICENSEES} licensees; baseline: the run's ` +
      `own first ${minutes} minutes against its last ${minutes}.`,
    '',
    `| process | peak RSS, first ${minutes} min | peak RSS, last ${minutes} min | ratio | target ≤ 1.10 |`,
    '| --- | --- | --- | --- | --- |',
    ...rssRows.map(
      (r) =>
        `| ${r.process} | ${formatKiB(r.before)} | ${formatKiB(r.after)} | ${fixed(r.ratio, 3)} | ${verdict(r.ratio <= 1.1)} |`,
    ),
    '',
    `| load | requests/s | median minute p99, first ${minutes} min | last ${minutes} min | ratio | worst minute p99 | target ≤ 1.25 |`,
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...latencyRows.map(
      (r) =>
        `| ${r.label} | ${fixed(median(r.rows.map((w) => w.requestsPerSecond)), 0)} | ` +
        `${fixed(r.before, 2)} ms | ${fixed(r.after, 2)} ms | ${fixed(r.ratio, 3)} | ` +
        `${fixed(Math.max(...r.rows.map((w) => w.p99)), 2)} ms | ${verdict(r.ratio <= 1.25)} |`,
    ),
    '',
    ...latencyRows.map(
      (r) => `p99 by minute, ${r.label} (ms): ${r.rows.map((w) => fixed(w.p99, 1)).join(', ')}.`,
    ),
    '',
    `Peak RSS by minute (MiB), api / worker: ${byMinute(m.rss)
      .map((r) => `${fixed(r.api / 1024, 0)}/${fixed(r.worker / 1024, 0)}`)
      .join(', ')}.`,
    '',
    `Errors: ${unexpected} unexpected ${verdict(unexpected === 0)}; ${asked} refusals of bad input ` +
      'asked for, each answered 400 with a problem.',
    '',
    '| lane | did |',
    '| --- | --- |',
    ...Object.entries(m.lanes).map(
      ([lane, t]) =>
        `| ${lane} | ${Object.entries(t.counts)
          .map(([name, n]) => `${n} ${name}`)
          .join(', ')} |`,
    ),
    '',
    '| month | calculated in | collected in | paid out in | invoices | payout items |',
    '| --- | --- | --- | --- | --- | --- |',
    ...m.cycles.map(
      (c) =>
        `| 2070-${String(c.month + 1).padStart(2, '0')} | ${fixed(c.calculateMs / 1000, 1)} s | ` +
        `${fixed(c.collectMs / 1000, 1)} s | ${fixed(c.payoutMs / 1000, 1)} s | ${c.invoices} | ${c.payoutItems} |`,
    ),
  ];
  for (const [lane, t] of Object.entries(m.lanes)) {
    for (const what of t.unexpected) notes.add(`${lane}: ${what}`);
  }
  writeReport(lines, notes);
}

/** The peak of each process's samples in each minute of the run. */
function byMinute(samples: RssSample[]): { api: number; worker: number }[] {
  const minutes: { api: number; worker: number }[] = [];
  for (const sample of samples) {
    const minute = Math.floor(sample.atMs / 60_000);
    minutes[minute] ??= { api: 0, worker: 0 };
    minutes[minute].api = Math.max(minutes[minute].api, sample.api ?? 0);
    minutes[minute].worker = Math.max(minutes[minute].worker, sample.worker ?? 0);
  }
  return minutes.filter(Boolean);
}

main().catch((error: unknown) => {
  log(`soak failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
