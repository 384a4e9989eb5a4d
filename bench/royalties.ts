/**
 * A royalty run over ten million matched usage lines, against one hand-written SQL aggregation of
 * the same lines in the same run, as /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:royalties     BENCH_LINES=200000 BENCH_WORKS=20000 for a quick check
 *
 * Target (issue 6): a period with BENCH_LINES matched usage lines (default 10 000 000) over
 * BENCH_WORKS works (default 1 000 000), 100 agreements and 3 payees per work: the run calculates
 * (POST /v1/royalty-runs → GET says `calculated`) in at most 2 × the time of one hand-written SQL
 * aggregation of the same lines, and posts (POST /v1/royalty-runs/:id/post) in under 60 s.
 *
 * Baseline: one statement, `CREATE TEMP TABLE … AS SELECT agreement_id, work_id, usage, unit,
 * sum(units) * rate / per … FROM usage_report_lines JOIN bench_rates … GROUP BY …` (BASELINE_SQL): every
 * line of the period read once, priced exactly per (agreement, work, usage, unit). The floor: a run
 * cannot beat reading the data once.
 *
 * Set-up, once, in a template database (rl_bench_roy_template): the api (a copy of dist/ in
 * .data/bench/royalties-dist, RUN_WORKERS=false) migrates it; PUBLISHERS publishers and one
 * licensee are created through the API (admin key), each publisher registers two more payees
 * (POST /v1/payees) besides its default one, and a finance key is issued to the operator
 * organization; the works are COPYed straight into works, work_identifiers and work_splits (the
 * licence-check bench's plan, each work split 3333/3333/3334 over its publisher's three payees),
 * and each work's split shape recorded as the import records it (BACKFILL_SPLIT_SHAPES);
 * 10 offers per publisher are published through the API and the licensee's 100 agreements on them
 * inserted with SQL. The usage is built in SQL as the usage worker would leave it: one accepted
 * `usage_reports` row for June 2027, BENCH_LINES lines in `usage_report_lines` naming their work and agreement (works Zipf-skewed,
 * s = 1; 85 % ai-train tokens, 15 % ai-input requests; work i of a publisher under its agreement
 * i mod 10) and their `usage_aggregates` (a GROUP BY of those lines); then VACUUM ANALYZE.
 *
 * Each round (one warm-up, then BENCH_RUNS measured) gets a fresh database made from the template,
 * a fresh api (RUN_WORKERS=false) and a fresh worker (dist/src/worker.js); the baseline and the
 * service run in it one after the other, the order swapped every round. Each run is checked:
 * calculated → posted, invoices and statements exist, statement nets + commissions = invoice
 * amounts (SQL), the per-unit charges' exact amounts = the baseline's, GET
 * /v1/ledger/trial-balance says balanced. pg_stat_activity is sampled during the calculation and
 * the posting (bench/usage/sampler.ts) to tell where the time goes. Prints a markdown section
 * (stdout) for docs/benchmarks-history.md.
 *
 * Environment: DATABASE_URL (a database on the server to use for CREATE/DROP DATABASE; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379; keys
 * under broy-<pid>-* prefixes, deleted afterwards), BENCH_LINES, BENCH_WORKS, BENCH_RUNS (default
 * 3), BENCH_KEEP_DATABASES=1 (keep the template; a kept template of the same size is reused),
 * BENCH_WARMUP=0 (no warm-up round: to try a change, not for figures), BENCH_CALC_TIMEOUT_MINUTES (how long to wait for a run to be calculated, default 60: a run not
 * calculated by then fails the round and stops the bench), BENCH_TIMEOUT_MINUTES (watchdog,
 * default 150). Only loopback addresses are accepted.
 */

import { join } from 'node:path';
import { Readable } from 'node:stream';
import { inspect } from 'node:util';
import {
  copyText,
  IDENTIFIERS_COPY,
  identifiersCopyText,
  kindOf,
  planWorks,
  PUBLISHERS,
  PublisherRow,
  SPLITS_COPY,
  WorkPlan,
  workId,
  WORKS_COPY,
} from './licence-check/shared';
import { isbnOf } from './catalogue/data';
import { BACKFILL_SPLIT_SHAPES } from '../migrations/1766000000000-SplitShapes';
import { describeWaits, SampledStatement, StatementSampler } from './usage/sampler';
import {
  ACCEPT_EVERY_OFFER_SQL,
  copyWithoutTriggers,
  DEFAULT_REDIS_URL,
  DEFAULT_SERVER_URL,
  defaultPayees,
  literal,
  PostgresServer,
} from './support/database';
import { assertLoopback, gitRevision, ROOT, snapshotDist } from './support/environment';
import { jsonRequester, request } from './support/http';
import { log } from './support/log';
import { deleteRedisKeys } from './support/redis-keys';
import { ChildProcesses, peakRssKiB, sleep, Watched } from './support/processes';
import {
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
  issueFinanceKeys,
  publishOffers,
  startApi,
  startSetupApi,
  startWorker,
} from './support/service';
import { fixed, grouped, median, mib, spreadTooWide, WIDE_SPREAD } from './support/stats';

const SNAPSHOT = join(ROOT, '.data', 'bench', 'royalties-dist');
const API_ENTRY = join(SNAPSHOT, 'src', 'main.js');
const WORKER_ENTRY = join(SNAPSHOT, 'src', 'worker.js');

const LINES = Number(process.env.BENCH_LINES || 10_000_000);
const WORKS = Number(process.env.BENCH_WORKS || 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS || 3);

const AGREEMENTS_PER_PUBLISHER = 10;
const PAYEES_PER_WORK = 3;
const SHARES = [3333, 3333, 3334];
const PERIOD_START = '2027-06-01';
const PERIOD_END = '2027-06-30';
const MONTH_PARTITION = 'usage_report_lines_y2027m06';
/** The report's lines: its partition of usage_report_lines, as the usage worker leaves it. */
const PARTITION = 'usage_evidence.r_0190b00000007000800000000e1e11';
const SHARE_INPUT_PERCENT = 15;
/** Bump when the generated data changes: a kept template of another version is built again. */
const DATA_VERSION = 3;

const TARGET_RATIO = 2;
const TARGET_POST_SECONDS = 60;

const OVERALL_TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 150);
const CALCULATION_TIMEOUT_MS = minutesFromEnv('BENCH_CALC_TIMEOUT_MINUTES', 60);
const POST_TIMEOUT_MS = 30 * 60_000;
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 60_000;
const POLL_MS = 250;

const ADMIN_KEY = 'rlk_bench_royalties_admin_00000000000000000'; // ≥ 32 characters
const TEMPLATE_DB = 'rl_bench_roy_template';
const ROUND_DB = 'rl_bench_roy_round';
/** The report every line belongs to. */
const REPORT_ID = '0190b000-0000-7000-8000-0000000e1e11';

/**
 * The baseline: every matched line of the period read once and priced exactly per agreement,
 * work, usage type and unit, with the rates table the template holds (each agreement's rates).
 */
export const BASELINE_SQL = `CREATE TEMP TABLE baseline_charges AS
SELECT l.agreement_id, l.work_id, l.usage, l.unit, sum(l.units) * r.rate / r.per AS exact
  FROM usage_report_lines l
  JOIN bench_rates r ON r.agreement_id = l.agreement_id AND r.usage = l.usage AND r.unit = l.unit
 WHERE l.period_month >= DATE '${PERIOD_START}'
   AND l.period_month <= DATE '${PERIOD_END}'
 GROUP BY l.agreement_id, l.work_id, l.usage, l.unit, r.rate, r.per`;

interface Setup {
  financeKey: string;
  reused: boolean;
  seconds: number;
  copySeconds: number;
  usageSeconds: number;
  works: number;
  agreements: number;
  payees: number;
  lines: number;
  aggregates: number;
  distinctWorks: number;
  topWorkLines: number;
  linesMiB: number;
}

interface BaselineRun {
  seconds: number;
  rows: number;
  exact: string;
}

interface ServiceRun {
  ok: boolean;
  failure?: string;
  /** POST /v1/royalty-runs → GET says calculated. */
  calcSeconds: number;
  /** The worker's own 'royalty run calculated' ms. */
  workerSeconds?: number;
  postSeconds: number;
  apiPeakKiB?: number;
  workerPeakKiB?: number;
  calcStatements: SampledStatement[];
  postStatements: SampledStatement[];
  check?: RunCheck;
}

interface RunCheck {
  invoices: number;
  invoiced: string;
  statements: number;
  statementLines: number;
  charges: number;
  perUnitCharges: number;
  perUnitExact: string;
  statementsTotal: string;
  ledgerTransactions: number;
  balanced: boolean;
}

interface Round {
  label: string;
  serviceFirst: boolean;
  baseline: BaselineRun;
  service: ServiceRun;
}

interface RunAnswer {
  id: string;
  status: string;
  failure?: unknown;
}

const children = new ChildProcesses({
  stopGraceMs: STOP_GRACE_MS,
  startTimeoutMs: START_TIMEOUT_MS,
  reportExits: 'failed',
});
const server = new PostgresServer(
  process.env.DATABASE_URL || DEFAULT_SERVER_URL,
  'bench-royalties',
);
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const redisPrefix = (label: string) => `broy-${process.pid}-${label}`;
const notes = new Notes();
const requestJson = jsonRequester(REQUEST_TIMEOUT_MS);

async function main(): Promise<void> {
  const startedAt = Date.now();
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', redisUrl);
  requirePositiveIntegers({ BENCH_LINES: LINES, BENCH_WORKS: WORKS, BENCH_RUNS: RUNS });

  const build = snapshotDist(SNAPSHOT, notes.warn);
  const setup = await templateDatabase();

  const rounds: Round[] = [];
  let warmup: Round | undefined;
  // BENCH_WARMUP=0 skips the warm-up round: for trying a change, not for the figures.
  for (let run = process.env.BENCH_WARMUP === '0' ? 1 : 0; run <= RUNS; run++) {
    const label = run === 0 ? 'warm-up' : `run ${run}/${RUNS}`;
    const round = await runRound(label, setup, run % 2 === 0);
    if (run === 0) warmup = round;
    else rounds.push(round);
    if (!round.service.ok) {
      notes.add(`The service failed in the ${label}: ${round.service.failure}; the bench stopped.`);
      break;
    }
  }

  if (process.env.BENCH_KEEP_DATABASES !== '1') await server.drop(TEMPLATE_DB);
  await deleteRedisKeys(redisUrl, [`${redisPrefix('')}*`]);
  printReport({ build, setup, warmup, rounds, minutes: (Date.now() - startedAt) / 60_000 });
}

// --- set-up: the template database ------------------------------------------------------------------

function templateComment(): string {
  return `bench:royalties v${DATA_VERSION} lines=${LINES} works=${WORKS}`;
}

async function templateDatabase(): Promise<Setup> {
  const reused = await server.admin(async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      `SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1`,
      [TEMPLATE_DB],
    );
    return rows[0]?.comment ?? undefined;
  });
  if (reused !== undefined && reused.startsWith(`${templateComment()} `)) {
    const setup = JSON.parse(reused.slice(templateComment().length + 1)) as Setup;
    log(`set-up: reusing ${TEMPLATE_DB} (${templateComment()})`);
    return { ...setup, reused: true };
  }
  const setup = await createTemplate();
  await server.admin((client) =>
    client.query(
      `COMMENT ON DATABASE ${TEMPLATE_DB} IS ${literal(`${templateComment()} ${JSON.stringify(setup)}`)}`,
    ),
  );
  return setup;
}

async function createTemplate(): Promise<Setup> {
  const started = Date.now();
  await server.recreate(TEMPLATE_DB);
  const url = server.databaseUrl(TEMPLATE_DB);
  log(`set-up: migrating ${TEMPLATE_DB}`);
  const { base } = await startSetupApi(children, 'api setup', API_ENTRY, {
    databaseUrl: url,
    redisUrl,
    redisPrefix: redisPrefix('t'),
    adminKey: ADMIN_KEY,
  });

  // Organizations, payees and the finance key through the API.
  const organization = organizationMaker(requestJson, base, ADMIN_KEY);
  const publishers = await createPublishers(organization, PUBLISHERS);
  const licensee = await organization('Bench Licensee', 'licensee');
  const defaults = await defaultPayees(server, url, publishers);
  const payeesOf: string[][] = [];
  for (const [p, publisher] of publishers.entries()) {
    const payees = [defaults[p].payeeId];
    for (let k = 1; k < PAYEES_PER_WORK; k++) {
      const created = await requestJson<{ id: string }>(
        base,
        'POST',
        '/v1/payees',
        publisher.key,
        { name: `Bench Author ${p}.${k}`, currency: 'EUR' },
        201,
      );
      payees.push(created.id);
    }
    payeesOf.push(payees);
  }
  const [financeKey] = await issueFinanceKeys(requestJson, base, ADMIN_KEY, ['Bench Finance']);

  log(`  works: COPYing ${grouped(WORKS)} works, ${PAYEES_PER_WORK} payees each`);
  const copyStarted = Date.now();
  const plan = planWorks(WORKS);
  const publisherRows: PublisherRow[] = publishers.map((publisher, p) => ({
    organizationId: publisher.organizationId,
    payeeId: payeesOf[p][0],
  }));
  const copy = (sql: string, text: NodeJS.ReadableStream) =>
    copyWithoutTriggers(server, url, sql, text);
  const written = await Promise.all([
    copy(WORKS_COPY, worksCopyText(plan, publisherRows, payeesOf)),
    copy(IDENTIFIERS_COPY, identifiersCopyText(plan, publisherRows)),
    copy(SPLITS_COPY, splitsCopyText(plan, publisherRows, payeesOf)),
  ]);
  if (written[0] !== WORKS || written[1] !== WORKS || written[2] !== WORKS * PAYEES_PER_WORK) {
    throw new Error(`COPY wrote ${written.join('/')} rows`);
  }
  // Each work's split shape, as the import leaves it (split_shapes, works.split_shape_id); the
  // works rewritten without the dead rows the backfill leaves, as an import writes them.
  await server.withClient(url, async (client) => {
    await client.query(BACKFILL_SPLIT_SHAPES);
    await client.query(`VACUUM FULL works`);
  });
  const copySeconds = (Date.now() - copyStarted) / 1000;

  log(`  offers: ${PUBLISHERS * AGREEMENTS_PER_PUBLISHER} through POST /v1/licence-offers`);
  await publishOffers(
    requestJson,
    base,
    publishers.map((publisher) => publisher.key),
    AGREEMENTS_PER_PUBLISHER,
    offerBody,
  );
  await children.stop();

  log(`  usage: ${grouped(LINES)} matched lines, their aggregates and the report, in SQL`);
  const usageStarted = Date.now();
  const counts = await server.withClient(url, async (client) => {
    await client.query(`SET work_mem = '256MB'`);
    await client.query(`SET maintenance_work_mem = '512MB'`);
    await client.query(ACCEPT_EVERY_OFFER_SQL, [licensee.organizationId]);
    // The baseline's rates table: each agreement's rates as its terms state them.
    await client.query(
      `CREATE TABLE bench_rates AS
       SELECT a.id AS agreement_id, r->>'usage' AS usage, r->>'unit' AS unit,
              (r->>'per')::bigint AS per, (r->>'rate')::numeric AS rate
         FROM agreements a, jsonb_array_elements(a.terms->'pricing'->'rates') r`,
    );
    // Work i of a publisher under the publisher's agreement i mod 10 (agreements by id).
    await client.query(
      `CREATE TEMP TABLE bench_work_agreement AS
       SELECT substr(w.external_id, 3)::int AS i, w.id AS work_id, w.organization_id AS publisher_id,
              a.id AS agreement_id
         FROM works w
         JOIN (SELECT publisher_id, id,
                      (row_number() OVER (PARTITION BY publisher_id ORDER BY id) - 1)::int AS j
                 FROM agreements) a
           ON a.publisher_id = w.organization_id AND a.j = substr(w.external_id, 3)::int % $1`,
      [AGREEMENTS_PER_PUBLISHER],
    );
    await client.query(`ANALYZE bench_work_agreement`);
    await client.query(
      `CREATE TABLE ${MONTH_PARTITION} PARTITION OF usage_report_lines
         FOR VALUES FROM ('${PERIOD_START}') TO ('2027-07-01') PARTITION BY LIST (report_id)`,
    );
    await client.query(
      `CREATE TABLE ${PARTITION} PARTITION OF ${MONTH_PARTITION} FOR VALUES IN ('${REPORT_ID}')`,
    );
    // Seeded by the line number (hashint8extended): the same lines every time. Works Zipf
    // (s = 1): exp(u · ln(N + 1)) has density ∝ 1/x, so work k gets ln((k+1)/k) / ln(N+1).
    await client.query(
      `INSERT INTO ${PARTITION} (period_month, licensee_id, report_id, line_no, line_id,
                                work_ref, work_id, agreement_id, usage, unit, units, territory,
                                occurred_on)
       SELECT DATE '${PERIOD_START}', $1::uuid, $2::uuid, g.n, 'l' || g.n,
              m.work_id::text, m.work_id, m.agreement_id,
              CASE WHEN g.input THEN 'ai-input' ELSE 'ai-train' END,
              CASE WHEN g.input THEN 'request' ELSE 'token' END,
              CASE WHEN g.input THEN 1 + mod(abs(g.h3), 20) ELSE 1000 + mod(abs(g.h3), 100000) END,
              'GB', DATE '${PERIOD_START}' + mod(abs(g.h3), 30)::int
         FROM (SELECT n,
                      least($3::int, floor(exp(((hashint8extended(n, 1) & 4503599627370495)::float8 + 0.5)
                                               / 4503599627370496.0 * ln($3::float8 + 1)))::int) AS i,
                      mod(abs(hashint8extended(n, 2)), 100) < $4 AS input,
                      hashint8extended(n, 3) AS h3
                 FROM generate_series(1, $5::bigint) n) g
         JOIN bench_work_agreement m ON m.i = g.i`,
      [licensee.organizationId, REPORT_ID, WORKS, SHARE_INPUT_PERCENT, LINES],
    );
    await client.query(
      `INSERT INTO usage_reports (id, licensee_id, report_id, content_hash, format, period_start,
                                  period_end, currency, status, declared_line_count, declared_units,
                                  lines_received, units_received, lines_matched,
                                  created_by_principal_id, processed_at, accepted_at)
       SELECT $2::uuid, $1::uuid, 'bench-royalties', sha256('bench-royalties'::bytea), 'ndjson',
              DATE '${PERIOD_START}', DATE '${PERIOD_END}', 'EUR', 'accepted', count(*), sum(units),
              count(*), sum(units), count(*),
              (SELECT p.id FROM principals p WHERE p.organization_id = $1::uuid ORDER BY p.id LIMIT 1),
              now(), now()
         FROM ${PARTITION} WHERE report_id = $2::uuid`,
      [licensee.organizationId, REPORT_ID],
    );
    await client.query(
      `INSERT INTO usage_aggregates (report_id, licensee_id, publisher_id, work_id, agreement_id,
                                     agreement_version, status, usage, unit, lines, units, revenue)
       SELECT l.report_id, l.licensee_id, w.organization_id, l.work_id, l.agreement_id, 1,
              'matched', l.usage, l.unit, count(*), sum(l.units), COALESCE(sum(l.revenue), 0)
         FROM ${PARTITION} l JOIN works w ON w.id = l.work_id
        WHERE l.report_id = $1::uuid
        GROUP BY l.report_id, l.licensee_id, w.organization_id, l.work_id, l.agreement_id,
                 l.usage, l.unit`,
      [REPORT_ID],
    );
    await client.query(
      `UPDATE usage_reports r SET totals_by_usage = (
         SELECT jsonb_agg(jsonb_build_object('usage', usage, 'unit', unit, 'lines', lines,
                          'units', units::text, 'matchedUnits', units::text) ORDER BY usage, unit)
           FROM (SELECT usage, unit, sum(lines) AS lines, sum(units) AS units
                   FROM usage_aggregates WHERE report_id = r.id GROUP BY usage, unit) t)
        WHERE r.id = $1::uuid`,
      [REPORT_ID],
    );
    await client.query(`VACUUM ANALYZE`);
    await client.query(`CHECKPOINT`);
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM works) AS works,
              (SELECT count(*) FROM agreements) AS agreements,
              (SELECT count(*) FROM payees) AS payees,
              (SELECT count(*) FROM usage_report_lines) AS lines,
              (SELECT count(*) FROM usage_aggregates) AS aggregates,
              (SELECT count(DISTINCT work_id) FROM usage_aggregates) AS distinct_works,
              (SELECT max(l) FROM (SELECT sum(lines) AS l FROM usage_aggregates GROUP BY work_id) t)
                AS top_work_lines,
              pg_total_relation_size('${PARTITION}') AS lines_bytes`,
    );
    return rows[0];
  });
  const setup: Setup = {
    financeKey,
    reused: false,
    seconds: (Date.now() - started) / 1000,
    copySeconds,
    usageSeconds: (Date.now() - usageStarted) / 1000,
    works: Number(counts.works),
    agreements: Number(counts.agreements),
    payees: Number(counts.payees),
    lines: Number(counts.lines),
    aggregates: Number(counts.aggregates),
    distinctWorks: Number(counts.distinct_works),
    topWorkLines: Number(counts.top_work_lines),
    linesMiB: Number(counts.lines_bytes) / 2 ** 20,
  };
  if (setup.lines !== LINES || setup.works !== WORKS) {
    throw new Error(`the template holds ${setup.lines} lines and ${setup.works} works`);
  }
  log(
    `  template ready in ${fixed(setup.seconds, 0)} s (usage ${fixed(setup.usageSeconds, 0)} s): ` +
      `${grouped(setup.works)} works, ${setup.agreements} agreements, ${setup.payees} payees, ` +
      `${grouped(setup.lines)} lines (${fixed(setup.linesMiB, 0)} MiB), ` +
      `${grouped(setup.aggregates)} aggregates over ${grouped(setup.distinctWorks)} works ` +
      `(the top one ${grouped(setup.topWorkLines)} lines)`,
  );
  return setup;
}

/**
 * Offer j of publisher p, as POST /v1/licence-offers takes it: 2027, every work, ai-train per
 * 1000 tokens at a decimal rate (minor units) and ai-input per 1000 requests.
 */
function offerBody(p: number, j: number): Record<string, unknown> {
  return {
    title: `Publisher ${p} offer ${j}`,
    scope: { type: 'all' },
    usages: ['ai-train', 'ai-input'],
    territories: ['worldwide'],
    term: { start: '2027-01-01', end: '2027-12-31' },
    currency: 'EUR',
    pricing: {
      rates: [
        { usage: 'ai-train', unit: 'token', per: 1000, rate: `0.${100 + p * 7 + j}5` },
        { usage: 'ai-input', unit: 'request', per: 1000, rate: '0.40' },
      ],
    },
  };
}

function worksCopyText(plan: WorkPlan, publishers: PublisherRow[], payeesOf: string[][]): Readable {
  const splitsJson = payeesOf.map((payees) =>
    JSON.stringify(payees.map((payeeId, k) => ({ payeeId, shareBps: SHARES[k] }))),
  );
  return copyText(plan.works, (i) => {
    const p = plan.publisherOf[i];
    return (
      `${workId(i)}\t${publishers[p].organizationId}\tW-${i}\tWork ${i}\t${kindOf(plan, i)}\t` +
      `{"isbn:${isbnOf(i)}"}\t${splitsJson[p]}\t1\n`
    );
  });
}

function splitsCopyText(
  plan: WorkPlan,
  publishers: PublisherRow[],
  payeesOf: string[][],
): Readable {
  return copyText(plan.works, (i) => {
    const p = plan.publisherOf[i];
    return payeesOf[p]
      .map(
        (payeeId, k) =>
          `${workId(i)}\t1\t0001-01-01\t${publishers[p].organizationId}\t${payeeId}\t${SHARES[k]}\n`,
      )
      .join('');
  });
}

// --- a round: a fresh database, the baseline and the service -----------------------------------------

async function runRound(label: string, setup: Setup, serviceFirst: boolean): Promise<Round> {
  const tag = label.replace(/\D+/g, '') || 'w';
  log(`${label}: ${ROUND_DB} from the template`);
  const copyStarted = Date.now();
  await server.recreate(ROUND_DB, TEMPLATE_DB);
  // The copy is WAL-logged (PostgreSQL 15's default strategy): gigabytes of WAL whose
  // checkpoints would otherwise run during whichever side is measured first (it ran 15–20 %
  // slower than when measured second, baseline and service alike). Settled here, before both.
  await server.admin((client) => client.query(`CHECKPOINT`));
  log(`  copied in ${fixed((Date.now() - copyStarted) / 1000, 1)} s`);
  const url = server.databaseUrl(ROUND_DB);
  try {
    const common: NodeJS.ProcessEnv = {
      DATABASE_URL: url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: redisPrefix(tag),
      RATE_LIMIT_PER_MINUTE: '1000000000',
      SHUTDOWN_GRACE_MS: '8000',
    };
    const { api, base } = await startApi(children, `api ${tag}`, API_ENTRY, {
      ...common,
      MIGRATIONS_RUN: 'true',
    });
    // The worker's 'royalty run calculated' line (info) gives its own ms.
    const worker = await startWorker(children, `worker ${tag}`, WORKER_ENTRY, common);

    let baseline: BaselineRun;
    let service: ServiceRun;
    if (serviceFirst) {
      service = await runService(base, url, setup, api, worker);
      // A failed or abandoned calculation may still run in the database: stop it before timing
      // the baseline, which would otherwise share the CPU with it.
      if (!service.ok) await stopRound();
      baseline = await runBaseline(url);
    } else {
      baseline = await runBaseline(url);
      service = await runService(base, url, setup, api, worker);
    }
    if (service.ok && service.check && service.check.perUnitExact !== baseline.exact) {
      service.ok = false;
      service.failure =
        `the per-unit charges' exact sum ${service.check.perUnitExact} differs from the ` +
        `baseline's ${baseline.exact}`;
    }
    if (service.ok && service.check && service.check.perUnitCharges !== baseline.rows) {
      service.ok = false;
      service.failure = `${service.check.perUnitCharges} per-unit charges, the baseline ${baseline.rows} rows`;
    }
    log(`  ${label} baseline: ${describeBaseline(baseline)}`);
    log(`  ${label} service: ${describeService(service)}`);
    await children.stop();
    return { label, serviceFirst, baseline, service };
  } finally {
    await children.stop();
    await server.drop(ROUND_DB);
  }
}

/** Stops the api and the worker, and ends their statements still running in the round's database. */
async function stopRound(): Promise<void> {
  await children.stop();
  await server.admin((client) =>
    client.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE datname = $1 AND pid <> pg_backend_pid()`,
      [ROUND_DB],
    ),
  );
}

/** The baseline's one statement, timed around the query on an open connection. */
async function runBaseline(url: string): Promise<BaselineRun> {
  return server.withClient(url, async (client) => {
    const started = process.hrtime.bigint();
    await client.query(BASELINE_SQL);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const { rows } = await client.query<{ rows: string; exact: string }>(
      `SELECT count(*) AS rows, COALESCE(sum(exact), 0)::text AS exact FROM baseline_charges`,
    );
    await client.query('DROP TABLE baseline_charges');
    return { seconds, rows: Number(rows[0].rows), exact: rows[0].exact };
  });
}

async function runService(
  base: string,
  url: string,
  setup: Setup,
  api: Watched,
  worker: Watched,
): Promise<ServiceRun> {
  const key = setup.financeKey;
  const result: ServiceRun = {
    ok: false,
    calcSeconds: Number.NaN,
    postSeconds: Number.NaN,
    calcStatements: [],
    postStatements: [],
  };
  const calcSampler = new StatementSampler(url, ROUND_DB);
  await calcSampler.start();
  calcSampler.markIngested();
  let sampling = true;
  try {
    const started = process.hrtime.bigint();
    let run = await requestJson<RunAnswer>(
      base,
      'POST',
      '/v1/royalty-runs',
      key,
      { periodStart: PERIOD_START, periodEnd: PERIOD_END },
      202,
    );
    const deadline = Date.now() + CALCULATION_TIMEOUT_MS;
    let lastLog = Date.now();
    while (run.status === 'calculating') {
      if (Date.now() > deadline)
        throw new Error(`the run was not calculated within ${CALCULATION_TIMEOUT_MS / 60_000} min`);
      await sleep(POLL_MS);
      run = await requestJson<RunAnswer>(
        base,
        'GET',
        `/v1/royalty-runs/${run.id}`,
        key,
        undefined,
        200,
      );
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        log(
          `    still calculating after ${fixed(Number(process.hrtime.bigint() - started) / 1e9, 0)} s`,
        );
      }
    }
    result.calcSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    result.calcStatements = await calcSampler.stop();
    sampling = false;
    if (run.status !== 'calculated') {
      throw new Error(`the run is ${run.status}: ${inspect(run.failure)}`);
    }
    result.workerSeconds = workerMs(worker, run.id);

    const postSampler = new StatementSampler(url, ROUND_DB);
    await postSampler.start();
    const postStarted = process.hrtime.bigint();
    let posted: RunAnswer;
    try {
      const answer = await request('POST', `${base}/v1/royalty-runs/${run.id}/post`, {
        headers: { authorization: `Bearer ${key}` },
        timeoutMs: POST_TIMEOUT_MS,
      });
      result.postSeconds = Number(process.hrtime.bigint() - postStarted) / 1e9;
      if (answer.status !== 200) {
        throw new Error(`POST …/post answered ${answer.status}: ${answer.body.slice(0, 500)}`);
      }
      posted = JSON.parse(answer.body) as RunAnswer;
    } finally {
      result.postStatements = await postSampler.stop();
    }
    if (posted.status !== 'posted') throw new Error(`the posted run is ${posted.status}`);
    await sleep(500);
    result.apiPeakKiB = peakRssKiB(api.pid);
    result.workerPeakKiB = peakRssKiB(worker.pid);
    result.check = await checkRun(base, url, key, run.id);
    if (result.check.invoices === 0 || result.check.statements === 0) {
      throw new Error('the run has no invoices or no statements');
    }
    if (result.check.statementsTotal !== result.check.invoiced) {
      throw new Error(
        `statement nets + commissions ${result.check.statementsTotal} ≠ invoice amounts ${result.check.invoiced}`,
      );
    }
    if (!result.check.balanced) throw new Error('the trial balance is not balanced');
    result.ok = true;
  } catch (error) {
    result.failure = error instanceof Error ? error.message : String(error);
  } finally {
    if (sampling) result.calcStatements = await calcSampler.stop();
  }
  return result;
}

/** The worker's 'royalty run calculated' ms for the run, from its kept output. */
function workerMs(worker: Watched, runId: string): number | undefined {
  for (const line of (worker.output ?? '').split('\n')) {
    if (!line.includes('royalty run calculated') || !line.includes(runId)) continue;
    const match = /"ms":(\d+)/.exec(line);
    if (match) return Number(match[1]) / 1000;
  }
  return undefined;
}

async function checkRun(base: string, url: string, key: string, runId: string): Promise<RunCheck> {
  const figures = await server.withClient(url, async (client) => {
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM invoices WHERE run_id = $1) AS invoices,
              (SELECT COALESCE(sum(amount), 0)::text FROM invoices WHERE run_id = $1) AS invoiced,
              (SELECT count(*) FROM statements WHERE run_id = $1) AS statements,
              (SELECT COALESCE(sum(net + commission), 0)::text FROM statements WHERE run_id = $1)
                AS statements_total,
              -- Derived when read (a charge × its split's payees; a charge without a work, one),
              -- plus the stored advance-repayment lines.
              (SELECT count(*) FROM royalty_charges c
                 LEFT JOIN work_splits w ON w.work_id = c.work_id AND w.split_version = c.split_version
                WHERE c.run_id = $1 AND (c.work_id IS NULL OR w.payee_id IS NOT NULL))
              + (SELECT count(*) FROM statement_lines l JOIN statements s ON s.id = l.statement_id
                  WHERE s.run_id = $1) AS statement_lines,
              (SELECT count(*) FROM royalty_charges WHERE run_id = $1) AS charges,
              (SELECT count(*) FROM royalty_charges WHERE run_id = $1 AND kind = 'per-unit')
                AS per_unit,
              (SELECT COALESCE(sum(exact), 0)::text FROM royalty_charges
                WHERE run_id = $1 AND kind = 'per-unit') AS per_unit_exact,
              (SELECT count(*) FROM ledger_transactions) AS transactions`,
      [runId],
    );
    return rows[0];
  });
  const trial = await requestJson<{ balanced: boolean }>(
    base,
    'GET',
    '/v1/ledger/trial-balance',
    key,
    undefined,
    200,
  );
  return {
    invoices: Number(figures.invoices),
    invoiced: figures.invoiced,
    statements: Number(figures.statements),
    statementLines: Number(figures.statement_lines),
    charges: Number(figures.charges),
    perUnitCharges: Number(figures.per_unit),
    perUnitExact: figures.per_unit_exact,
    statementsTotal: figures.statements_total,
    ledgerTransactions: Number(figures.transactions),
    balanced: trial.balanced === true,
  };
}

function describeBaseline(run: BaselineRun): string {
  return `${fixed(run.seconds, 2)} s, ${grouped(run.rows)} charge rows`;
}

function describeService(run: ServiceRun): string {
  if (!run.ok) return `FAILED (${run.failure}) calc ${fixed(run.calcSeconds, 2)} s`;
  return (
    `calculated in ${fixed(run.calcSeconds, 2)} s (worker ${fixed(run.workerSeconds, 2)} s), ` +
    `posted in ${fixed(run.postSeconds, 2)} s; ${run.check?.invoices} invoices, ` +
    `${grouped(run.check?.statementLines)} statement lines; api ${fixed(mib(run.apiPeakKiB), 0)} MiB, ` +
    `worker ${fixed(mib(run.workerPeakKiB), 0)} MiB`
  );
}

// --- report ---------------------------------------------------------------------------------------

interface Report {
  build: string;
  setup: Setup;
  warmup?: Round;
  rounds: Round[];
  minutes: number;
}

function printReport(report: Report): void {
  const { setup, rounds } = report;
  const ok = rounds.filter((round) => round.service.ok);
  const baselines = rounds.map((round) => round.baseline.seconds);
  const calcs = ok.map((round) => round.service.calcSeconds);
  const workers = ok.map((round) => round.service.workerSeconds ?? Number.NaN);
  const posts = ok.map((round) => round.service.postSeconds);
  const ratio = median(calcs) / median(baselines);
  const postMedian = median(posts);
  const lines: string[] = [];
  const command = sizedCommand('bench:royalties', {
    BENCH_LINES: LINES,
    BENCH_WORKS: WORKS,
    BENCH_RUNS: RUNS,
  });
  lines.push(`### Royalty runs, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `\`${command}\` at ${gitRevision()}, ${report.build}; node ` +
      `${process.version}, ${machine()}. Data (seeded, in SQL as the usage worker ` +
      `leaves it): ${grouped(setup.lines)} matched lines of June 2027 (${fixed(setup.linesMiB, 0)} ` +
      `MiB with indexes) in one accepted report, ${grouped(setup.aggregates)} usage aggregates over ` +
      `${grouped(setup.distinctWorks)} of ${grouped(setup.works)} works (Zipf s = 1, the top work ` +
      `${grouped(setup.topWorkLines)} lines), ${setup.agreements} agreements, ${PAYEES_PER_WORK} ` +
      `payees per work (${setup.payees} payees); template ` +
      (setup.reused
        ? 'reused'
        : `built in ${fixed(setup.seconds, 0)} s (usage ${fixed(setup.usageSeconds, 0)} s)`) +
      `. One warm-up and ${rounds.length} measured rounds, each in a fresh copy of the template ` +
      `with a fresh api and worker, baseline and service alternating; total ` +
      `${fixed(report.minutes, 1)} min.`,
  );
  lines.push('');
  lines.push(
    '| round | order | baseline s | service calc s (POST → calculated) | worker s | calc ÷ baseline | post s | invoices | statements | statement lines | api RSS MiB | worker RSS MiB |',
  );
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const round of [...(report.warmup ? [report.warmup] : []), ...rounds]) {
    const s = round.service;
    lines.push(
      `| ${round.label} | ${round.serviceFirst ? 'service first' : 'baseline first'} | ` +
        `${fixed(round.baseline.seconds, 2)} | ${s.ok ? fixed(s.calcSeconds, 2) : `FAILED: ${s.failure}`} | ` +
        `${fixed(s.workerSeconds, 2)} | ${fixed(s.calcSeconds / round.baseline.seconds, 2)} | ` +
        `${fixed(s.postSeconds, 2)} | ${s.check?.invoices ?? 'n/a'} | ` +
        `${grouped(s.check?.statements)} | ${grouped(s.check?.statementLines)} | ` +
        `${fixed(mib(s.apiPeakKiB), 0)} | ${fixed(mib(s.workerPeakKiB), 0)} |`,
    );
  }
  const minMedMax = (values: number[]) =>
    values.length === 0
      ? 'n/a'
      : `${fixed(Math.min(...values), 2)} / ${fixed(median(values), 2)} / ${fixed(Math.max(...values), 2)}`;
  lines.push('');
  lines.push('| measured rounds | min / median / max |');
  lines.push('| --- | ---: |');
  lines.push(`| baseline (one SQL aggregation) s | ${minMedMax(baselines)} |`);
  lines.push(`| service: POST → calculated s | ${minMedMax(calcs)} |`);
  lines.push(`| service: worker's own ms ÷ 1000 | ${minMedMax(workers)} |`);
  lines.push(`| service: POST …/post s | ${minMedMax(posts)} |`);
  lines.push('');
  lines.push('| target | measured | result |');
  lines.push('| --- | ---: | --- |');
  lines.push(
    `| calculation ≤ ${TARGET_RATIO} × baseline (median ÷ median) | ${fixed(ratio, 2)} | ` +
      `${verdict(ok.length === rounds.length && ratio <= TARGET_RATIO)} |`,
  );
  lines.push(
    `| posting < ${TARGET_POST_SECONDS} s (median) | ${fixed(postMedian, 2)} s | ` +
      `${verdict(ok.length === rounds.length && postMedian < TARGET_POST_SECONDS)} |`,
  );
  const check = ok[ok.length - 1]?.service.check;
  if (check) {
    lines.push('');
    lines.push(
      `Checked every round: calculated → posted; ${check.invoices} invoices (${grouped(Number(check.invoiced))} ` +
        `minor units), ${grouped(check.statements)} statements, ${grouped(check.statementLines)} ` +
        `statement lines, ${grouped(check.charges)} charge lines; statement nets + commissions = ` +
        `invoice amounts; the per-unit charges' exact sum (${check.perUnitExact}) and count equal ` +
        `the baseline's; ${check.ledgerTransactions} ledger transactions and the trial balance ` +
        `balanced.`,
    );
  }
  const peaks = ok.map((round) => round.service);
  lines.push(
    `Peak RSS (VmHWM, median of rounds): api ${fixed(median(peaks.map((s) => mib(s.apiPeakKiB))), 1)} MiB, ` +
      `worker ${fixed(median(peaks.map((s) => mib(s.workerPeakKiB))), 1)} MiB.`,
  );
  for (const [title, pick] of [
    ['calculation (worker)', (s: ServiceRun) => s.calcStatements],
    ['posting (api)', (s: ServiceRun) => s.postStatements],
  ] as const) {
    // The warm-up's samples when no measured round ran (a warm-up that failed stops the bench).
    const sampledRounds = rounds.length > 0 ? rounds : report.warmup ? [report.warmup] : [];
    const sampled = sampledRounds.map((round) => pick(round.service));
    const labels = [...new Set(sampled.flatMap((statements) => statements.map((s) => s.label)))];
    const rows = labels
      .map((label) => ({
        label,
        seconds: median(sampled.map((run) => run.find((s) => s.label === label)?.seconds ?? 0)),
        last: sampled[sampled.length - 1]?.find((s) => s.label === label),
      }))
      .filter((row) => row.seconds >= 0.1);
    if (rows.length === 0) continue;
    lines.push('');
    lines.push(
      `Where the ${title} time goes (pg_stat_activity sampled every 200 ms; seconds each ` +
        'statement was seen running, median over the measured rounds, else the warm-up):',
    );
    lines.push('');
    lines.push('| statement | s (median) | waits (last round) |');
    lines.push('| --- | ---: | --- |');
    for (const row of rows) {
      lines.push(
        `| ${row.label.replace(/\|/g, '\\|')} | ${fixed(row.seconds, 1)} | ` +
          `${row.last ? describeWaits(row.last.waits) : '—'} |`,
      );
    }
  }
  lines.push('');
  lines.push('Baseline query:');
  lines.push('');
  lines.push('```sql');
  lines.push(BASELINE_SQL);
  lines.push('```');
  if (spreadTooWide(baselines) || spreadTooWide(calcs) || spreadTooWide(posts)) {
    notes.add(
      `a spread of more than ${WIDE_SPREAD * 100} % of the median: the machine was busy; run ` +
        'again before believing these figures.',
    );
  }
  writeReport(lines, notes);
}

// --- entry --------------------------------------------------------------------------------------

children.guard('the servers', OVERALL_TIMEOUT_MS);

children.exitWhenDone('bench:royalties', main(), async () => {
  await deleteRedisKeys(redisUrl, [`${redisPrefix('')}*`]);
  await server.drop(ROUND_DB).catch(() => undefined);
  if (process.env.BENCH_KEEP_DATABASES !== '1') {
    await server.drop(TEMPLATE_DB).catch(() => undefined);
  }
});
