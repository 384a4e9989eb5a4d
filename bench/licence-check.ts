/**
 * Single licence checks over HTTP at a million works, against a bare Node `http` server answering
 * the same question with one hand-written SQL query on the same data, in the same run, as
 * /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:licence-check          BENCH_WORKS=50000 for a quick check
 *
 * Targets (issue 21): with 1 000 000 works, 1 000 offers and 10 000 agreements loaded, GET
 * /v1/licence-check?identifier=isbn:…&usage=ai-train&at=2027-06-01 (licensee API key) from a
 * second process on loopback, every licensed answer with its signed receipt: ≥ 12 000
 * requests/s median, p99 < 10 ms, and ≥ 0.8 × the requests/s of the api's own GET /health/live
 * in the same run (the framework's floor); the batch form (POST, 1 000 questions) answers in
 * < 25 ms p99; the api's peak RSS < 300 MB. The bare-SQL baseline of issue 4 (≥ 0.5 × its
 * requests/s) is still measured and reported.
 *
 * Set-up, in a fresh database (rl_bench_licence): the api (a copy of dist/ in
 * .data/bench/licence-dist, RUN_WORKERS=false) migrates it at start-up; PUBLISHERS publishers and
 * LICENSEES licensees are created through the API (admin key), the works are COPYed straight into
 * works, work_identifiers and work_splits (seeded, bench/licence-check/shared.ts), the offers are
 * published through the API, and the agreements (every licensee × every offer, none overlapping)
 * inserted with SQL as accepting them would write them; then ANALYZE. The baseline server
 * (bench/licence-check/baseline-server.ts) answers for the measured licensee.
 *
 * Load: autocannon in this process, CONNECTIONS connections, each request the next of
 * REQUEST_TARGETS seeded ISBNs of loaded works; a WARMUP_SECONDS warm-up per target, then RUNS
 * rounds of RUN_SECONDS per target, the order swapped every round. Before the load, a sample of the
 * identifiers is asked of both: every answer must be 200 and both must agree on licensed, workId and
 * agreementId; every licensed answer of the service carries a receipt, each verified with the
 * api's /.well-known/jwks.json (src/receipts/verify-receipt.ts). The batch form: one connection,
 * each request 1 000 questions (the next 1 000 identifiers), RUNS × RUN_SECONDS. Prints a markdown section (stdout) for docs/benchmarks-history.md; progress on
 * stderr.
 *
 * Environment: DATABASE_URL (a database on the server to use for CREATE/DROP DATABASE; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379; keys
 * under a blic-<pid> prefix, deleted afterwards), BENCH_WORKS (default 1 000 000),
 * BENCH_KEEP_DATABASES=1 (keep rl_bench_licence), BENCH_TIMEOUT_MINUTES (watchdog, default 15).
 * Only loopback addresses are accepted.
 */

import { join } from 'node:path';
import { JSONWebKeySet } from 'jose';
import { verifyLicenceReceipt } from '../src/receipts/verify-receipt';
import { isbnOf } from './catalogue/data';
import {
  AT,
  BASELINE_SQL,
  coveringTokens,
  LICENSEES,
  OFFERS_PER_PUBLISHER,
  offerBody,
  pickWorks,
  planWorks,
  PUBLISHERS,
  PublisherRow,
  USAGE,
} from './licence-check/shared';
import { copyPlannedWorks } from './licence-check/copy-works';
import {
  DEFAULT_REDIS_URL,
  DEFAULT_SERVER_URL,
  defaultPayees,
  PostgresServer,
} from './support/database';
import { assertLoopback, gitRevision, ROOT, snapshotDist } from './support/environment';
import { freePort, jsonRequester, request } from './support/http';
import { describeSample, load, LoadSample } from './support/load';
import { log } from './support/log';
import { deleteRedisKeys } from './support/redis-keys';
import { ChildProcesses, peakRssKiB, sleep } from './support/processes';
import {
  baselineQueryAndPlan,
  busyMachineNote,
  machine,
  minutesFromEnv,
  Notes,
  requirePositiveIntegers,
  sizedCommand,
  verdict,
  writeReport,
} from './support/report';
import {
  createPublishers,
  organizationMaker,
  Organization,
  publishOffers as publishEveryOffer,
  startSetupApi,
} from './support/service';
import { fixed, grouped, median, mib, spreadTooWide } from './support/stats';

const SNAPSHOT = join(ROOT, '.data', 'bench', 'licence-dist');
const API_ENTRY = join(SNAPSHOT, 'src', 'main.js');
const BASELINE_CHILD = join(__dirname, 'licence-check', 'baseline-server.ts');

const WORKS = Number(process.env.BENCH_WORKS || 1_000_000);
const REQUEST_TARGETS = 10_000;
const SAMPLE_CHECKS = 500;
const CONNECTIONS = 16;
const WARMUP_SECONDS = 5;
const RUN_SECONDS = 12;
const RUNS = 3;
/** The api's pool (DATABASE_POOL_SIZE default); the baseline gets as many connections. */
const POOL_SIZE = 10;
const MEASURED_LICENSEE = 0;

const TARGET_RPS = 12_000;
const TARGET_P99_MS = 10;
/** Of the api's own GET /health/live in the same run. */
const TARGET_HEALTH_RATIO = 0.8;
/** Issue 4's target against the bare-SQL baseline, still reported. */
const TARGET_RATIO = 0.5;
const BATCH_QUESTIONS = 1_000;
const TARGET_BATCH_P99_MS = 25;
const TARGET_RSS_MIB = 300;
/** The issuer the api signs receipts as (PUBLIC_BASE_URL), checked by the verifier. */
const ISSUER = 'https://bench.rights-ledger.invalid';

const OVERALL_TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 15);
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 8_000;
const REQUEST_TIMEOUT_MS = 30_000;
const SETTLE_MS = 1_000;

const ADMIN_KEY = 'rlk_bench_licence_admin_0000000000000000'; // 40 characters
const DB = 'rl_bench_licence';

interface Target {
  key: 'health' | 'baseline' | 'service';
  label: string;
  base: string;
  path: (identifier: string) => string;
  headers?: Record<string, string>;
}

interface Answer {
  licensed: boolean;
  workId: string | null;
  agreementId?: string | null;
  reason?: string;
  rate?: { rate: string } | null;
  receipt?: { id: string; token: string } | null;
}

const children = new ChildProcesses({
  stopGraceMs: STOP_GRACE_MS,
  startTimeoutMs: START_TIMEOUT_MS,
  reportExits: 'any',
});
const server = new PostgresServer(process.env.DATABASE_URL || DEFAULT_SERVER_URL, 'bench-licence');
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const redisPrefix = `blic-${process.pid}`;
const notes = new Notes();
const requestJson = jsonRequester(REQUEST_TIMEOUT_MS);

async function main(): Promise<void> {
  const startedAt = Date.now();
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', redisUrl);
  requirePositiveIntegers({ BENCH_WORKS: WORKS });

  const build = snapshotDist(SNAPSHOT, notes.warn);
  await server.recreate(DB);
  const url = server.databaseUrl(DB);

  log(`api: migrating ${DB} and starting`);
  const { api, base: apiBase } = await startSetupApi(
    children,
    'api',
    API_ENTRY,
    { databaseUrl: url, redisUrl, redisPrefix, adminKey: ADMIN_KEY },
    { DATABASE_POOL_SIZE: String(POOL_SIZE), PUBLIC_BASE_URL: ISSUER },
  );

  // --- data ---
  const setupStarted = Date.now();
  log(`organizations: ${PUBLISHERS} publishers, ${LICENSEES} licensees through the API`);
  const organization = organizationMaker(requestJson, apiBase, ADMIN_KEY);
  const publishers = await createPublishers(organization, PUBLISHERS);
  const licensees: Organization[] = [];
  for (let l = 0; l < LICENSEES; l++) {
    licensees.push(await organization(`Bench Licensee ${l}`, 'licensee'));
  }
  const publisherRows: PublisherRow[] = await defaultPayees(server, url, publishers);

  const copySeconds = await copyWorks(url, publisherRows);
  const offerSeconds = await publishOffers(apiBase, publishers);
  const agreementSeconds = await insertAgreements(url, licensees);
  const counts = await analyzeAndCount(url);
  const setupSeconds = (Date.now() - setupStarted) / 1000;
  log(
    `  loaded in ${fixed(setupSeconds, 1)} s: ${grouped(counts.works)} works, ` +
      `${grouped(counts.offers)} offers, ${grouped(counts.agreements)} agreements ` +
      `(${grouped(counts.measuredAgreements)} of the measured licensee)`,
  );

  // --- baseline ---
  const measured = licensees[MEASURED_LICENSEE];
  const baselinePort = await freePort();
  const baseline = children.start(
    'baseline',
    ['-r', 'ts-node/register/transpile-only', BASELINE_CHILD],
    {
      PATH: process.env.PATH,
      TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
      NODE_ENV: 'production',
      PORT: String(baselinePort),
      DATABASE_URL: url,
      LICENSEE_ID: measured.organizationId,
      POOL_SIZE: String(POOL_SIZE),
    },
  );
  const baselineBase = `http://127.0.0.1:${baselinePort}`;
  await children.waitForOk(baseline, `${baselineBase}/health`);

  const query = (identifier: string) =>
    `?identifier=${encodeURIComponent(identifier)}&usage=${USAGE}&at=${AT}`;
  const targets: Target[] = [
    {
      key: 'health',
      label: "the api's floor: GET /health/live",
      base: apiBase,
      path: () => '/health/live',
    },
    {
      key: 'baseline',
      label: 'baseline: bare node:http + one SQL query',
      base: baselineBase,
      path: (identifier) => `/${query(identifier)}`,
    },
    {
      key: 'service',
      label: 'service: GET /v1/licence-check',
      base: apiBase,
      path: (identifier) => `/v1/licence-check${query(identifier)}`,
      headers: { authorization: `Bearer ${measured.key}` },
    },
  ];
  const identifiers = pickWorks(WORKS, REQUEST_TARGETS).map((i) => `isbn:${isbnOf(i)}`);

  const check = await checkAnswers(
    targets.filter((target) => target.key !== 'health'),
    identifiers.slice(0, SAMPLE_CHECKS),
  );
  const receipts = await verifyReceipts(apiBase, check.receiptTokens);
  log(
    `  sample of ${check.asked}: ${check.licensed} licensed (with agreementId), ` +
      `${check.notLicensed} not (${formatReasons(check.reasons)}); service and baseline agree`,
  );
  const explain = await explainBaseline(url, identifiers[0], measured.organizationId);
  const serviceQueries = await explainService(url, identifiers[0], measured.organizationId);

  // --- load ---
  log(`warm-up: ${WARMUP_SECONDS} s per target, ${CONNECTIONS} connections`);
  for (const target of targets) {
    log(
      `  warm-up ${target.key}: ${describeSample(await loadTarget(target, identifiers, WARMUP_SECONDS))}`,
    );
  }
  const samples = new Map<Target['key'], LoadSample[]>(targets.map((target) => [target.key, []]));
  for (let run = 1; run <= RUNS; run++) {
    const order = run % 2 === 1 ? targets : [...targets].reverse();
    for (const target of order) {
      const sample = await loadTarget(target, identifiers, RUN_SECONDS);
      samples.get(target.key)?.push(sample);
      log(`  run ${run}/${RUNS} ${target.key}: ${describeSample(sample)}`);
    }
  }
  const batches: LoadSample[] = [];
  log(`batch form: ${BATCH_QUESTIONS} questions a request, one connection`);
  await loadBatches(apiBase, measured.key, identifiers, WARMUP_SECONDS);
  for (let run = 1; run <= RUNS; run++) {
    const sample = await loadBatches(apiBase, measured.key, identifiers, RUN_SECONDS);
    batches.push(sample);
    log(`  run ${run}/${RUNS} batch: ${describeSample(sample)}`);
  }
  await sleep(SETTLE_MS);
  const apiPeakKiB = peakRssKiB(api.pid);
  const baselinePeakKiB = peakRssKiB(baseline.pid);
  await children.stop();
  await deleteRedisKeys(redisUrl, [`${redisPrefix}:*`]);
  if (process.env.BENCH_KEEP_DATABASES !== '1') await server.drop(DB);

  printReport({
    build,
    counts,
    setup: { setupSeconds, copySeconds, offerSeconds, agreementSeconds },
    check,
    receipts,
    samples,
    batches,
    targets,
    apiPeakKiB,
    baselinePeakKiB,
    explain,
    serviceQueries,
    minutes: (Date.now() - startedAt) / 60_000,
  });
}

// --- set-up -------------------------------------------------------------------------------------

/** Works straight into the three tables, checks off (the data is consistent by construction). */
async function copyWorks(url: string, publishers: PublisherRow[]): Promise<number> {
  log(`works: planning and COPYing ${grouped(WORKS)} works`);
  const plan = planWorks(WORKS);
  const started = Date.now();
  await copyPlannedWorks(server, url, plan, publishers);
  const seconds = (Date.now() - started) / 1000;
  log(`  COPY done in ${fixed(seconds, 1)} s`);
  return seconds;
}

async function publishOffers(base: string, publishers: Organization[]): Promise<number> {
  log(`offers: ${grouped(PUBLISHERS * OFFERS_PER_PUBLISHER)} through POST /v1/licence-offers`);
  const started = Date.now();
  await publishEveryOffer(
    requestJson,
    base,
    publishers.map((publisher) => publisher.key),
    OFFERS_PER_PUBLISHER,
    offerBody,
  );
  const seconds = (Date.now() - started) / 1000;
  log(`  published in ${fixed(seconds, 1)} s`);
  return seconds;
}

/**
 * Every licensee × every offer, with SQL: accepting through the API would refuse none of them
 * (a publisher's offers cover distinct months) but takes a request each. The rows are what
 * accepting writes: the offer's terms and hash as they are, status active, the term's dates.
 */
async function insertAgreements(url: string, licensees: Organization[]): Promise<number> {
  log(`agreements: ${grouped(licensees.length * PUBLISHERS * OFFERS_PER_PUBLISHER)} with SQL`);
  const started = Date.now();
  await server.withClient(url, (client) =>
    client.query(
      `INSERT INTO agreements (id, licensee_id, publisher_id, offer_id, offer_version, terms,
                               terms_hash, status, starts_on, ends_on, accepted_by_principal_id)
       SELECT md5(o.id::text || l.id::text)::uuid, l.id, o.organization_id, o.id, o.version,
              o.terms, o.terms_hash, 'active', (o.terms->'term'->>'start')::date,
              (o.terms->'term'->>'end')::date,
              (SELECT p.id FROM principals p WHERE p.organization_id = l.id ORDER BY p.id LIMIT 1)
         FROM unnest($1::uuid[]) WITH ORDINALITY AS l(id, n)
        CROSS JOIN licence_offers o
        ORDER BY l.n, o.id`,
      [licensees.map((licensee) => licensee.organizationId)],
    ),
  );
  return (Date.now() - started) / 1000;
}

interface Counts {
  works: number;
  offers: number;
  agreements: number;
  measuredAgreements: number;
}

async function analyzeAndCount(url: string): Promise<Counts> {
  return server.withClient(url, async (client) => {
    await client.query(
      'ANALYZE works, work_identifiers, work_splits, licence_offers, agreements, api_keys',
    );
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM works) AS works,
              (SELECT count(*) FROM licence_offers) AS offers,
              (SELECT count(*) FROM agreements) AS agreements,
              (SELECT count(*) FROM agreements a JOIN organizations o ON o.id = a.licensee_id
                WHERE o.name = 'Bench Licensee ${MEASURED_LICENSEE}') AS measured`,
    );
    return {
      works: Number(rows[0].works),
      offers: Number(rows[0].offers),
      agreements: Number(rows[0].agreements),
      measuredAgreements: Number(rows[0].measured),
    };
  });
}

// --- checks -------------------------------------------------------------------------------------

interface Check {
  asked: number;
  licensed: number;
  notLicensed: number;
  reasons: Map<string, number>;
  /** The service's receipt tokens of the licensed answers. */
  receiptTokens: string[];
}

/** Both targets answer 200 for each identifier, and agree on licensed, workId and agreementId. */
async function checkAnswers(targets: Target[], identifiers: string[]): Promise<Check> {
  const check: Check = {
    asked: 0,
    licensed: 0,
    notLicensed: 0,
    reasons: new Map(),
    receiptTokens: [],
  };
  for (const identifier of identifiers) {
    const answers: Answer[] = [];
    for (const target of targets) {
      const { status, body } = await request('GET', `${target.base}${target.path(identifier)}`, {
        headers: target.headers,
        timeoutMs: REQUEST_TIMEOUT_MS,
      });
      if (status !== 200) {
        throw new Error(
          `${target.label} answered ${status} for ${identifier}: ${body.slice(0, 300)}`,
        );
      }
      answers.push(JSON.parse(body) as Answer);
    }
    const [base, service] = answers;
    if (
      base.licensed !== service.licensed ||
      base.workId !== service.workId ||
      (base.agreementId ?? null) !== (service.agreementId ?? null) ||
      (base.rate?.rate ?? null) !== (service.rate?.rate ?? null)
    ) {
      throw new Error(
        `the answers for ${identifier} differ: baseline ${JSON.stringify(base)}, service ` +
          `${JSON.stringify(service)}`,
      );
    }
    check.asked++;
    if (service.licensed) {
      if (!service.agreementId) throw new Error(`licensed without an agreementId: ${identifier}`);
      if (!service.receipt?.token) throw new Error(`licensed without a receipt: ${identifier}`);
      check.receiptTokens.push(service.receipt.token);
      check.licensed++;
    } else {
      check.notLicensed++;
      const reason = service.reason ?? 'none';
      check.reasons.set(reason, (check.reasons.get(reason) ?? 0) + 1);
    }
  }
  if (check.licensed === 0) throw new Error('no identifier of the sample is licensed');
  return check;
}

function formatReasons(reasons: Map<string, number>): string {
  return [...reasons].map(([reason, count]) => `${reason} ${count}`).join(', ') || 'none';
}

async function explainBaseline(url: string, identifier: string, licensee: string): Promise<string> {
  return server.withClient(url, async (client) => {
    const colon = identifier.indexOf(':');
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ${BASELINE_SQL}`,
      [
        identifier.slice(0, colon),
        identifier.slice(colon + 1),
        coveringTokens(USAGE),
        licensee,
        AT,
      ],
    );
    return rows.map((row) => row['QUERY PLAN']).join('\n');
  });
}

/**
 * The service's agreements query for the work's publisher, timed in the database alone (median
 * of 50, EXPLAIN ANALYZE), with the rows and bytes it sends back: the service filters in Node.
 */
async function explainService(
  url: string,
  identifier: string,
  licensee: string,
): Promise<{ rows: number; kib: number; ms: number }> {
  return server.withClient(url, async (client) => {
    const colon = identifier.indexOf(':');
    const { rows: works } = await client.query<{ organization_id: string }>(
      `SELECT w.organization_id FROM work_identifiers wi JOIN works w ON w.id = wi.work_id
        WHERE wi.scheme = $1 AND wi.value = $2`,
      [identifier.slice(0, colon), identifier.slice(colon + 1)],
    );
    const publisher = works[0]?.organization_id;
    const sql = `SELECT id, publisher_id, terms, starts_on, LEAST(ends_on, terminated_on) AS last_day
                   FROM agreements WHERE licensee_id = $1 AND publisher_id = ANY($2::uuid[])`;
    const { rows } = await client.query<{ bytes: string; n: string }>(
      `SELECT count(*) AS n, coalesce(sum(pg_column_size(q.terms)), 0) AS bytes FROM (${sql}) q`,
      [licensee, [publisher]],
    );
    const times: number[] = [];
    for (let k = 0; k < 50; k++) {
      const { rows: plan } = await client.query<{ 'QUERY PLAN': { 'Execution Time': number }[] }>(
        `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`,
        [licensee, [publisher]],
      );
      times.push(plan[0]['QUERY PLAN'][0]['Execution Time']);
    }
    return { rows: Number(rows[0].n), kib: Number(rows[0].bytes) / 1024, ms: median(times) };
  });
}

// --- load ---------------------------------------------------------------------------------------

/** One bounded autocannon run against `target`, each request the next identifier. */
function loadTarget(target: Target, identifiers: string[], seconds: number): Promise<LoadSample> {
  let next = 0;
  return load({
    label: target.label,
    url: target.base,
    connections: CONNECTIONS,
    seconds,
    headers: target.headers,
    requests: [
      {
        method: 'GET',
        path: target.path(identifiers[0]),
        setupRequest: (req) => {
          req.path = target.path(identifiers[next++ % identifiers.length]);
          return req;
        },
      },
    ],
  });
}

/** Every receipt of the sample verified with the api's published keys, as a publisher would. */
async function verifyReceipts(apiBase: string, tokens: string[]): Promise<number> {
  const { status, body } = await request('GET', `${apiBase}/.well-known/jwks.json`, {
    timeoutMs: REQUEST_TIMEOUT_MS,
  });
  if (status !== 200) throw new Error(`/.well-known/jwks.json answered ${status}`);
  const jwks = JSON.parse(body) as JSONWebKeySet;
  const at = new Date(`${AT}T12:00:00Z`);
  for (const token of tokens) {
    const verified = await verifyLicenceReceipt(token, jwks, { issuer: ISSUER, at });
    if (!verified.valid) throw new Error(`a receipt did not verify: ${verified.reason}`);
  }
  log(`  ${tokens.length} receipts verified offline with the published keys`);
  return tokens.length;
}

/** POST /v1/licence-check with BATCH_QUESTIONS questions a request (the next identifiers). */
function loadBatches(
  apiBase: string,
  key: string,
  identifiers: string[],
  seconds: number,
): Promise<LoadSample> {
  let next = 0;
  const body = () =>
    JSON.stringify({
      questions: Array.from({ length: BATCH_QUESTIONS }, () => ({
        identifier: identifiers[next++ % identifiers.length],
        usage: USAGE,
        at: AT,
      })),
    });
  return load({
    label: 'batch',
    url: apiBase,
    connections: 1,
    seconds,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    requests: [
      {
        method: 'POST',
        path: '/v1/licence-check',
        setupRequest: (req) => {
          req.body = body();
          return req;
        },
      },
    ],
  });
}

// --- report -------------------------------------------------------------------------------------

interface Report {
  build: string;
  counts: Counts;
  setup: {
    setupSeconds: number;
    copySeconds: number;
    offerSeconds: number;
    agreementSeconds: number;
  };
  check: Check;
  receipts: number;
  samples: Map<Target['key'], LoadSample[]>;
  batches: LoadSample[];
  targets: Target[];
  apiPeakKiB?: number;
  baselinePeakKiB?: number;
  explain: string;
  serviceQueries: { rows: number; kib: number; ms: number };
  minutes: number;
}

function printReport(report: Report): void {
  const { counts, samples } = report;
  const rates = (key: Target['key']) => (samples.get(key) ?? []).map((s) => s.requestsPerSecond);
  const baselineRates = rates('baseline');
  const serviceRates = rates('service');
  const service = samples.get('service') ?? [];
  const serviceRate = median(serviceRates);
  const serviceP99 = median(service.map((s) => s.p99));
  const ratio = serviceRate / median(baselineRates);
  const healthRatio = serviceRate / median(rates('health'));
  const batchP99 = median(report.batches.map((s) => s.p99));
  const apiMiB = mib(report.apiPeakKiB);
  const lines: string[] = [];
  lines.push('');
  lines.push(`### Licence check over HTTP, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `\`${sizedCommand('bench:licence-check', { BENCH_WORKS: WORKS })}\` at ` +
      `${gitRevision()}, ${report.build}; node ${process.version}, ${machine()}. ` +
      `Data (seeded): ${grouped(counts.works)} works over ${PUBLISHERS} publishers (Zipf), ` +
      `${grouped(counts.offers)} offers (through the API), ${grouped(counts.agreements)} active ` +
      `agreements (SQL; ${grouped(counts.measuredAgreements)} of the measured licensee, ` +
      `${OFFERS_PER_PUBLISHER} per publisher, one in term per publisher on ${AT}), loaded in ` +
      `${fixed(report.setup.setupSeconds, 0)} s (COPY ${fixed(report.setup.copySeconds, 0)} s, ` +
      `offers ${fixed(report.setup.offerSeconds, 0)} s, agreements ` +
      `${fixed(report.setup.agreementSeconds, 1)} s). Load: autocannon in the bench process, ` +
      `${CONNECTIONS} connections, each request the next of ${grouped(REQUEST_TARGETS)} seeded ` +
      `ISBNs, usage=${USAGE}, at=${AT}; ${WARMUP_SECONDS} s warm-up then ${RUNS} × ${RUN_SECONDS} s ` +
      `per target, order alternating; api (RUN_WORKERS=false, LOG_LEVEL=warn, pool ${POOL_SIZE}) ` +
      `and baseline (pg Pool ${POOL_SIZE}) in child processes; total ${fixed(report.minutes, 1)} min.`,
  );
  lines.push('');
  lines.push(
    '| target | req/s min | req/s median | req/s max | p50 ms | p99 ms | median req/s vs baseline |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const target of report.targets) {
    const runs = samples.get(target.key) ?? [];
    const values = runs.map((s) => s.requestsPerSecond);
    lines.push(
      `| ${target.label} | ${grouped(Math.min(...values))} | ${grouped(median(values))} | ` +
        `${grouped(Math.max(...values))} | ${fixed(median(runs.map((s) => s.p50)), 2)} | ` +
        `${fixed(median(runs.map((s) => s.p99)), 2)} | ` +
        `${fixed(median(values) / median(baselineRates), 3)} |`,
    );
  }
  lines.push('');
  lines.push('| target | measured | result |');
  lines.push('| --- | ---: | --- |');
  lines.push(
    `| ≥ ${grouped(TARGET_RPS)} req/s (service median) | ${grouped(serviceRate)} | ` +
      `${verdict(serviceRate >= TARGET_RPS)} |`,
  );
  lines.push(
    `| p99 < ${TARGET_P99_MS} ms (service, median of runs) | ${fixed(serviceP99, 2)} ms | ` +
      `${verdict(serviceP99 < TARGET_P99_MS)} |`,
  );
  lines.push(
    `| service ÷ GET /health/live ≥ ${TARGET_HEALTH_RATIO} (median req/s, same run) | ` +
      `${fixed(healthRatio, 3)} | ${verdict(healthRatio >= TARGET_HEALTH_RATIO)} |`,
  );
  lines.push(
    `| batch of ${grouped(BATCH_QUESTIONS)} questions p99 < ${TARGET_BATCH_P99_MS} ms (median of runs) | ` +
      `${fixed(batchP99, 2)} ms | ${verdict(batchP99 < TARGET_BATCH_P99_MS)} |`,
  );
  lines.push(
    `| api peak RSS < ${TARGET_RSS_MIB} MB | ${fixed(apiMiB, 1)} MiB | ` +
      `${verdict(apiMiB * 1.048576 < TARGET_RSS_MIB)} |`,
  );
  lines.push(
    `| service ÷ bare-SQL baseline ≥ ${TARGET_RATIO} (issue 4, median req/s) | ${fixed(ratio, 3)} | ` +
      `${verdict(ratio >= TARGET_RATIO)} |`,
  );
  lines.push('');
  lines.push(
    `Peak RSS (VmHWM): api ${fixed(mib(report.apiPeakKiB), 1)} MiB, baseline ` +
      `${fixed(mib(report.baselinePeakKiB), 1)} MiB.`,
  );
  const { check } = report;
  lines.push(
    `Answers checked before the load (${check.asked} identifiers, each asked of both, all 200, ` +
      `agreeing on licensed, workId, agreementId and rate): ${check.licensed} licensed with an ` +
      `agreementId and a receipt (${report.receipts} verified offline with /.well-known/jwks.json), ` +
      `${check.notLicensed} not (${formatReasons(check.reasons)}). Batch form: ` +
      report.batches.map((s) => describeSample(s)).join('; ') +
      ` (requests of ${grouped(BATCH_QUESTIONS)} questions, one connection).`,
  );
  const q = report.serviceQueries;
  lines.push(
    `The service reads all the licensee's agreements with the work's publisher and filters them ` +
      `in Node: for the first identifier ${q.rows} rows, ${fixed(q.kib, 1)} KiB of terms, ` +
      `${fixed(q.ms, 3)} ms in the database (median of 50 EXPLAIN ANALYZE).`,
  );
  lines.push('');
  lines.push(...baselineQueryAndPlan(BASELINE_SQL, report.explain));
  if (spreadTooWide(baselineRates) || spreadTooWide(serviceRates)) {
    notes.add(busyMachineNote('req/s'));
  }
  writeReport(lines, notes);
}

// --- entry --------------------------------------------------------------------------------------

children.guard('the servers', OVERALL_TIMEOUT_MS);

children.exitWhenDone('bench:licence-check', main(), async () => {
  await deleteRedisKeys(redisUrl, [`${redisPrefix}:*`]);
  if (process.env.BENCH_KEEP_DATABASES !== '1') await server.drop(DB).catch(() => undefined);
});
