/**
 * A usage report of ten million lines through the HTTP API, against a bare `psql \copy` of the
 * same lines in the same run, as /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:usage        BENCH_LINES=200000 BENCH_WORKS=50000 for a quick check
 *
 * Targets: a BENCH_LINES-line NDJSON report (default 10 000 000) over BENCH_WORKS works (default
 * 1 000 000) and 100 agreements, posted as application/x-ndjson (the file streamed from disk),
 * ingested, matched and counted:
 *   - ingestion (first byte of the POST → 202) at ≥ 0.5 × the lines/s of the baseline;
 *   - the whole pipeline (first byte → GET says accepted) at ≥ 100 000 lines/s;
 *   - peak RSS (VmHWM) of the api and of the worker < 300 MB.
 * Baseline: `psql -1 -c "CREATE TABLE …" -c "\copy … FROM '<file>'"` (a child process) of the same
 * lines as the COPY text the api stages them as (the staging table's 15 columns and types; a
 * fresh, unindexed table in a fresh database): the database's share of ingestion, with no parsing
 * or validation. For context, the NDJSON file itself `\copy`d into a one-column text table.
 *
 * Set-up, once, in a template database (rl_bench_usage_template): the api (a copy of dist/ in
 * .data/bench/usage-dist, RUN_WORKERS=false) migrates it; PUBLISHERS publishers and one licensee
 * are created through the API (admin key), the works COPYed straight into works, work_identifiers
 * and work_splits (the licence-check bench's plan), 100 offers published through the API and the
 * licensee's agreements on them inserted with SQL; then ANALYZE. Each service run gets a fresh
 * database made from the template on the server, a fresh api (RUN_WORKERS=false) and a fresh
 * worker (dist/src/worker.js); each baseline run a fresh empty database.
 *
 * One warm-up at WARMUP_LINES lines, then RUNS measured rounds (baseline and service, the order
 * swapped every round). Each run is checked: accepted, matched + unmatched + outOfScope + invalid
 * = lines, and every count as the generator expects. pg_stat_activity is sampled during each run
 * (bench/usage/sampler.ts) to tell where the time goes. Prints a markdown section (stdout) for
 * docs/benchmarks-history.md.
 *
 * Environment: DATABASE_URL (a database on the server to use for CREATE/DROP DATABASE; default
 * postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL (default redis://127.0.0.1:6379; keys
 * under busg-<pid>-* prefixes, deleted afterwards), BENCH_LINES, BENCH_WORKS, BENCH_RUNS (default
 * 3), BENCH_KEEP_DATABASES=1 (keep the template), BENCH_TIMEOUT_MINUTES (watchdog, default 120),
 * BENCH_CITING=0 (no line cites a receipt: the report of before issue 21). Only loopback
 * addresses are accepted.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import type { Client as PgClient } from 'pg';
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { STAGING_COLUMNS, STAGING_COPY_COLUMNS } from '../src/usage/usage-staging';
import { planWorks, PublisherRow } from './licence-check/shared';
import { copyPlannedWorks } from './licence-check/copy-works';
import {
  AGREEMENTS_PER_PUBLISHER,
  ensureReportFiles,
  offerBody,
  ReceiptContext,
  PERIOD_END,
  PERIOD_START,
  PUBLISHERS,
  ReportFiles,
  ZIPF_S,
} from './usage/data';
import {
  describeWaits,
  labelRank,
  SAMPLE_MS,
  SampledStatement,
  StatementSampler,
} from './usage/sampler';
import {
  ACCEPT_EVERY_OFFER_SQL,
  DEFAULT_REDIS_URL,
  DEFAULT_SERVER_URL,
  defaultPayees,
  PostgresServer,
} from './support/database';
import { assertLoopback, gitRevision, ROOT, snapshotDist } from './support/environment';
import { jsonRequester, streamRequest } from './support/http';
import { log } from './support/log';
import { deleteRedisKeys } from './support/redis-keys';
import { ChildProcesses, peakRssKiB, sleep, Watched } from './support/processes';
import {
  busyMachineNote,
  machine,
  minutesFromEnv,
  Notes,
  requirePositiveIntegers,
  sizedCommand,
  spreadCells,
  verdict,
  writeReport,
} from './support/report';
import {
  createPublishers,
  organizationMaker,
  Organization,
  publishOffers,
  startApi,
  startSetupApi,
  startWorker,
} from './support/service';
import { fixed, grouped, median, mib, spreadTooWide } from './support/stats';

const DATA_DIR = join(ROOT, '.data', 'bench');
const SNAPSHOT = join(DATA_DIR, 'usage-dist');
const API_ENTRY = join(SNAPSHOT, 'src', 'main.js');
const WORKER_ENTRY = join(SNAPSHOT, 'src', 'worker.js');

const LINES = Number(process.env.BENCH_LINES || 10_000_000);
const WORKS = Number(process.env.BENCH_WORKS || 1_000_000);
const WARMUP_LINES = Math.min(500_000, LINES);
const RUNS = Number(process.env.BENCH_RUNS || 3);

const TARGET_RATIO = 0.5;
const TARGET_LINES_PER_SECOND = 100_000;
const TARGET_RSS_MIB = 300;

const OVERALL_TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 120);
const REPORT_TIMEOUT_MS = 30 * 60_000;
const UPLOAD_IDLE_TIMEOUT_MS = 10 * 60_000;
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const REQUEST_TIMEOUT_MS = 30_000;
const POLL_MS = 250;

const ADMIN_KEY = 'rlk_bench_usage_admin_000000000000000000000'; // ≥ 32 characters
const TEMPLATE_DB = 'rl_bench_usage_template';
const SERVICE_DB = 'rl_bench_usage_api';
const COPY_DB = 'rl_bench_usage_copy';

interface Setup {
  licensee: Organization;
  seconds: number;
  copySeconds: number;
  offerSeconds: number;
  works: number;
  offers: number;
  agreements: number;
  receipts: ReceiptContext;
}

interface BaselineRun {
  lines: number;
  seconds: number;
  linesPerSecond: number;
  rawSeconds: number;
  rawLinesPerSecond: number;
}

interface ServiceRun {
  lines: number;
  ok: boolean;
  failure?: string;
  ingestSeconds: number;
  seconds: number;
  ingestLinesPerSecond: number;
  linesPerSecond: number;
  /** The worker's own 'usage report processed' ms. */
  workerSeconds?: number;
  apiPeakKiB?: number;
  workerPeakKiB?: number;
  statements: SampledStatement[];
  counts?: Counts;
}

interface Counts {
  matched: number;
  unmatched: number;
  outOfScope: number;
  invalid: number;
}

interface ReportStatus {
  id: string;
  status: string;
  counts: Counts;
  received: { lineCount: string; units: string };
  rejection: unknown;
}

const children = new ChildProcesses({
  stopGraceMs: STOP_GRACE_MS,
  startTimeoutMs: START_TIMEOUT_MS,
  reportExits: 'failed',
});
const server = new PostgresServer(process.env.DATABASE_URL || DEFAULT_SERVER_URL, 'bench-usage');
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const redisPrefix = (label: string) => `busg-${process.pid}-${label}`;
const notes = new Notes();
const requestJson = jsonRequester(REQUEST_TIMEOUT_MS);

async function main(): Promise<void> {
  const startedAt = Date.now();
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', redisUrl);
  requirePositiveIntegers({ BENCH_LINES: LINES, BENCH_WORKS: WORKS, BENCH_RUNS: RUNS });

  mkdirSync(DATA_DIR, { recursive: true });
  const build = snapshotDist(SNAPSHOT, notes.warn);
  const setup = await createTemplate();
  // The lines cite receipts made for the template's licensee and agreements: files after it.
  const warmupFiles = prepareFiles(WARMUP_LINES, setup.receipts);
  const files = WARMUP_LINES === LINES ? warmupFiles : prepareFiles(LINES, setup.receipts);

  log(`warm-up at ${grouped(WARMUP_LINES)} lines`);
  const warmupBaseline = await runBaseline(warmupFiles);
  log(`  warm-up baseline: ${describeBaseline(warmupBaseline)}`);
  const warmupService = await runService(warmupFiles, setup, 'w');
  log(`  warm-up service: ${describeService(warmupService)}`);
  if (!warmupService.ok) throw new Error(`the warm-up failed: ${warmupService.failure}`);
  const projected =
    ((Date.now() - startedAt) / 1000 +
      RUNS * (LINES / WARMUP_LINES) * 1.2 * (warmupBaseline.seconds + warmupService.seconds) +
      RUNS * 40) /
    60;
  log(`  projected: ${fixed(projected, 0)} min for ${RUNS} measured rounds`);

  const baselines: BaselineRun[] = [];
  const services: ServiceRun[] = [];
  for (let run = 1; run <= RUNS; run++) {
    const doBaseline = async () => {
      const result = await runBaseline(files);
      baselines.push(result);
      log(`  run ${run}/${RUNS} baseline: ${describeBaseline(result)}`);
    };
    const doService = async () => {
      const result = await runService(files, setup, String(run));
      services.push(result);
      log(`  run ${run}/${RUNS} service: ${describeService(result)}`);
    };
    if (run % 2 === 1) {
      await doBaseline();
      await doService();
    } else {
      await doService();
      await doBaseline();
    }
    if (!services[services.length - 1].ok) {
      notes.add(`Run ${run} of the service failed; the bench stopped there.`);
      break;
    }
  }

  if (process.env.BENCH_KEEP_DATABASES !== '1') await server.drop(TEMPLATE_DB);
  await deleteRedisKeys(redisUrl, [`${redisPrefix('')}*`]);
  printReport({
    files,
    build,
    setup,
    warmupBaseline,
    warmupService,
    baselines,
    services,
    minutes: (Date.now() - startedAt) / 60_000,
  });
}

// --- data -----------------------------------------------------------------------------------------

function prepareFiles(lines: number, receipts: ReceiptContext): ReportFiles {
  log(`data: a report of ${grouped(lines)} lines over ${grouped(WORKS)} works`);
  const files = ensureReportFiles(DATA_DIR, lines, WORKS, receipts);
  const sizes = `${fixed(files.ndjsonBytes / 2 ** 20, 1)} MiB NDJSON, ${fixed(files.tsvBytes / 2 ** 20, 1)} MiB COPY text`;
  if (files.generated) {
    log(`  generated ${files.ndjson} (${sizes}) in ${fixed(files.generated.seconds, 1)} s`);
  } else {
    log(`  reusing ${files.ndjson} (${sizes})`);
  }
  const e = files.expected;
  log(
    `  expected: matched ${grouped(e.matched)}, unmatched ${grouped(e.unmatched)}, ` +
      `out-of-scope ${grouped(e.outOfScope)}, invalid ${grouped(e.invalid)}; ` +
      `${grouped(e.citing)} citing a receipt; ` +
      `${grouped(e.distinctWorks)} distinct works, the top one ${grouped(e.topWorkLines)} lines`,
  );
  return files;
}

// --- set-up: the template database ------------------------------------------------------------------

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

  const organization = organizationMaker(requestJson, base, ADMIN_KEY);
  const publishers = await createPublishers(organization, PUBLISHERS);
  const licensee = await organization('Bench Licensee', 'licensee');
  const publisherRows: PublisherRow[] = await defaultPayees(server, url, publishers);

  log(`  works: COPYing ${grouped(WORKS)} works`);
  const copyStarted = Date.now();
  const plan = planWorks(WORKS);
  await copyPlannedWorks(server, url, plan, publisherRows);
  const copySeconds = (Date.now() - copyStarted) / 1000;

  log(`  offers: ${PUBLISHERS * AGREEMENTS_PER_PUBLISHER} through POST /v1/licence-offers`);
  const offersStarted = Date.now();
  await publishOffers(
    requestJson,
    base,
    publishers.map((publisher) => publisher.key),
    AGREEMENTS_PER_PUBLISHER,
    offerBody,
  );
  const offerSeconds = (Date.now() - offersStarted) / 1000;

  const { receipts, ...counts } = await server.withClient(url, async (client) => {
    await client.query(ACCEPT_EVERY_OFFER_SQL, [licensee.organizationId]);
    await client.query('ANALYZE');
    const receipts = await receiptContext(client, licensee.organizationId);
    const { rows } = await client.query<Record<string, string>>(
      `SELECT (SELECT count(*) FROM works) AS works,
              (SELECT count(*) FROM licence_offers) AS offers,
              (SELECT count(*) FROM agreements) AS agreements`,
    );
    return {
      works: Number(rows[0].works),
      offers: Number(rows[0].offers),
      agreements: Number(rows[0].agreements),
      receipts,
    };
  });
  await children.stop();
  const seconds = (Date.now() - started) / 1000;
  log(
    `  template ready in ${fixed(seconds, 0)} s: ${grouped(counts.works)} works, ` +
      `${counts.offers} offers, ${counts.agreements} agreements`,
  );
  return { licensee, seconds, copySeconds, offerSeconds, receipts, ...counts };
}

/**
 * What the report's receipt ids are made with: the licensee, its agreement on each publisher's
 * offers (by the offers' titles, `Publisher p usage offer j`), and the receipt id secret — the
 * one the service made, or one made here first (the service makes one on first need otherwise).
 */
async function receiptContext(client: PgClient, licenseeId: string): Promise<ReceiptContext> {
  await client.query(
    `INSERT INTO licence_receipt_id_secrets (version, secret)
       SELECT 1, $1 WHERE NOT EXISTS (SELECT 1 FROM licence_receipt_id_secrets)`,
    [randomBytes(32)],
  );
  const [secret] = (
    await client.query<{ version: number; secret: Buffer }>(
      `SELECT version, secret FROM licence_receipt_id_secrets ORDER BY version DESC LIMIT 1`,
    )
  ).rows;
  const agreements: string[][] = Array.from({ length: PUBLISHERS }, () => []);
  const { rows } = await client.query<{ id: string; title: string }>(
    `SELECT a.id, o.terms->>'title' AS title FROM agreements a JOIN licence_offers o ON o.id = a.offer_id
      WHERE a.licensee_id = $1`,
    [licenseeId],
  );
  for (const row of rows) {
    const [, p, j] = /^Publisher (\d+) usage offer (\d+)$/.exec(row.title) ?? [];
    if (p !== undefined) agreements[Number(p)][Number(j)] = row.id;
  }
  return { licenseeId, secretVersion: secret.version, secret: secret.secret, agreements };
}

// --- baseline: psql \copy ---------------------------------------------------------------------------

async function runBaseline(files: ReportFiles): Promise<BaselineRun> {
  await server.recreate(COPY_DB);
  try {
    const url = server.databaseUrl(COPY_DB);
    await server.withClient(url, (client) => client.query('CREATE SCHEMA usage_staging'));
    const columns = STAGING_COPY_COLUMNS.replace(/\s+/g, ' ');
    const seconds = await psqlCopy(
      url,
      [
        `CREATE TABLE usage_staging.r_baseline (${STAGING_COLUMNS.replace(/\s+/g, ' ')})`,
        `\\copy usage_staging.r_baseline (${columns}) FROM '${files.tsv}'`,
      ],
      files.lines,
    );
    const rawSeconds = await psqlCopy(
      url,
      [
        'CREATE TABLE usage_staging.r_raw (line text)',
        `\\copy usage_staging.r_raw (line) FROM '${files.ndjson}'`,
      ],
      files.lines,
    );
    return {
      lines: files.lines,
      seconds,
      linesPerSecond: files.lines / seconds,
      rawSeconds,
      rawLinesPerSecond: files.lines / rawSeconds,
    };
  } finally {
    await server.drop(COPY_DB);
  }
}

/** `psql -1 -c … -c \copy …` as a child process, timed from spawn to exit; checks the row count. */
function psqlCopy(url: string, commands: string[], lines: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const args = ['-X', '-v', 'ON_ERROR_STOP=1', '-1', '-d', url];
    for (const command of commands) args.push('-c', command);
    const started = process.hrtime.bigint();
    const psql = spawn('psql', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    psql.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    psql.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    psql.on('error', reject);
    psql.on('exit', (code) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const copied = /COPY (\d+)/.exec(output);
      if (code !== 0 || !copied || Number(copied[1]) !== lines) {
        reject(new Error(`psql exited ${code}, expected COPY ${lines}: ${output.slice(0, 500)}`));
        return;
      }
      resolve(seconds);
    });
  });
}

// --- the service ----------------------------------------------------------------------------------

async function runService(files: ReportFiles, setup: Setup, label: string): Promise<ServiceRun> {
  await server.recreate(SERVICE_DB, TEMPLATE_DB);
  const url = server.databaseUrl(SERVICE_DB);
  const common: NodeJS.ProcessEnv = {
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix(label),
    RATE_LIMIT_PER_MINUTE: '1000000000',
    SHUTDOWN_GRACE_MS: '8000',
  };
  const sampler = new StatementSampler(url, SERVICE_DB);
  let sampling = false;
  try {
    const { api, base } = await startApi(children, `api ${label}`, API_ENTRY, {
      ...common,
      MIGRATIONS_RUN: 'true',
    });
    // The worker's 'usage report processed' line (info) gives its own ms.
    const worker = await startWorker(children, `worker ${label}`, WORKER_ENTRY, common);
    await sampler.start();
    sampling = true;

    const e = files.expected;
    const query = new URLSearchParams({
      reportId: `bench-${label}`,
      periodStart: PERIOD_START,
      periodEnd: PERIOD_END,
      lineCount: String(files.lines),
      units: String(e.units),
    });
    const key = setup.licensee.key;
    const started = process.hrtime.bigint();
    const answer = await streamRequest('POST', `${base}/v1/usage-reports?${query.toString()}`, {
      headers: {
        authorization: `Bearer ${key}`,
        'content-type': 'application/x-ndjson',
        'content-length': String(files.ndjsonBytes),
      },
      body: createReadStream(files.ndjson, { highWaterMark: 1 << 20 }),
      timeoutMs: UPLOAD_IDLE_TIMEOUT_MS,
    });
    const ingestSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    sampler.markIngested();
    const apiPeakAfterIngest = peakRssKiB(api.pid);
    if (answer.status !== 202) {
      throw new Error(
        `POST /v1/usage-reports answered ${answer.status}: ${answer.body.slice(0, 500)}`,
      );
    }
    const received = JSON.parse(answer.body) as ReportStatus;
    const result: ServiceRun = {
      lines: files.lines,
      ok: false,
      ingestSeconds,
      seconds: Number.NaN,
      ingestLinesPerSecond: files.lines / ingestSeconds,
      linesPerSecond: Number.NaN,
      statements: [],
    };
    let status: ReportStatus = received;
    const deadline = Date.now() + REPORT_TIMEOUT_MS;
    let lastLog = Date.now();
    while (status.status === 'received' || status.status === 'processing') {
      const failed = processingFailure(worker);
      if (failed) {
        result.failure = `the worker failed: ${failed}`;
        break;
      }
      if (Date.now() > deadline) {
        result.failure = `not processed within ${REPORT_TIMEOUT_MS / 60_000} min (status ${status.status})`;
        break;
      }
      if (Date.now() - lastLog > 30_000) {
        lastLog = Date.now();
        const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
        log(`    ${fixed(elapsed, 0)} s: ${status.status}`);
      }
      await sleep(POLL_MS);
      status = await requestJson<ReportStatus>(
        base,
        'GET',
        `/v1/usage-reports/${received.id}`,
        key,
        undefined,
        200,
      );
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    result.statements = await sampler.stop();
    sampling = false;
    result.apiPeakKiB = Math.max(apiPeakAfterIngest ?? 0, peakRssKiB(api.pid) ?? 0) || undefined;
    result.workerPeakKiB = peakRssKiB(worker.pid);
    // The worker logs its line just after the commit the status poll may already have seen.
    for (let wait = 0; wait < 50 && !/usage report processed/.test(worker.output ?? ''); wait++) {
      if (result.failure) break;
      await sleep(100);
    }
    const ms = /"ms":(\d+)[^\n]*usage report processed|usage report processed[^\n]*"ms":(\d+)/.exec(
      worker.output ?? '',
    );
    if (ms) result.workerSeconds = Number(ms[1] ?? ms[2]) / 1000;
    if (result.failure) return result;

    result.seconds = seconds;
    result.linesPerSecond = files.lines / seconds;
    result.counts = status.counts;
    const c = status.counts;
    const problems: string[] = [];
    if (status.status !== 'accepted') {
      problems.push(`status ${status.status} (${JSON.stringify(status.rejection)})`);
    }
    if (c.matched + c.unmatched + c.outOfScope + c.invalid !== files.lines) {
      problems.push(`counts ${JSON.stringify(c)} do not add up to ${files.lines}`);
    }
    const expectedCounts: Counts = {
      matched: e.matched,
      unmatched: e.unmatched,
      outOfScope: e.outOfScope,
      invalid: e.invalid,
    };
    for (const name of Object.keys(expectedCounts) as (keyof Counts)[]) {
      if (c[name] !== expectedCounts[name]) {
        problems.push(`${name} ${c[name]}, the generator expects ${expectedCounts[name]}`);
      }
    }
    if (
      status.received.lineCount !== String(files.lines) ||
      status.received.units !== String(e.units)
    ) {
      problems.push(`received ${JSON.stringify(status.received)}`);
    }
    if (problems.length === 0) {
      const stored = await server.withClient(url, async (client) => {
        const { rows } = await client.query<{ lines: string }>(
          'SELECT count(*) AS lines FROM usage_report_lines WHERE report_id = $1',
          [received.id],
        );
        return Number(rows[0].lines);
      });
      if (stored !== files.lines)
        problems.push(`usage_report_lines holds ${stored} lines of the report`);
    }
    if (problems.length > 0) {
      result.failure = problems.join('; ');
      return result;
    }
    result.ok = true;
    return result;
  } finally {
    if (sampling) await sampler.stop();
    await children.stop();
    await server.drop(SERVICE_DB);
  }
}

/** The error of the worker's 'usage report processing failed' line, if it logged one. */
function processingFailure(worker: Watched): string | undefined {
  const output = worker.output ?? '';
  const at = output.indexOf('usage report processing failed');
  if (at === -1) return undefined;
  const start = output.lastIndexOf('\n', at) + 1;
  const end = output.indexOf('\n', at);
  const line = output.slice(start, end === -1 ? undefined : end);
  const message = /"message":"((?:[^"\\]|\\.)*)"/.exec(line);
  return message ? message[1] : line.slice(0, 500);
}

// --- progress lines ---------------------------------------------------------------------------------

function describeBaseline(run: BaselineRun): string {
  return (
    `\\copy COPY text ${fixed(run.seconds, 1)} s (${grouped(run.linesPerSecond)} lines/s); ` +
    `NDJSON as one column ${fixed(run.rawSeconds, 1)} s (${grouped(run.rawLinesPerSecond)} lines/s)`
  );
}

function describeService(run: ServiceRun): string {
  const rss = `RSS api ${fixed(mib(run.apiPeakKiB), 0)} MiB, worker ${fixed(mib(run.workerPeakKiB), 0)} MiB`;
  const top = [...run.statements]
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 4)
    .map((s) => `${s.label} ${fixed(s.seconds, 1)} s`)
    .join('; ');
  const head = run.ok
    ? `ingest ${fixed(run.ingestSeconds, 1)} s (${grouped(run.ingestLinesPerSecond)} lines/s), ` +
      `total ${fixed(run.seconds, 1)} s (${grouped(run.linesPerSecond)} lines/s), worker ` +
      `${fixed(run.workerSeconds, 1)} s`
    : `FAILED: ${run.failure}; ingest ${fixed(run.ingestSeconds, 1)} s`;
  return `${head}; ${rss}; longest: ${top}`;
}

// --- report -------------------------------------------------------------------------------------

interface Report {
  files: ReportFiles;
  build: string;
  setup: Setup;
  warmupBaseline: BaselineRun;
  warmupService: ServiceRun;
  baselines: BaselineRun[];
  services: ServiceRun[];
  minutes: number;
}

function printReport(report: Report): void {
  const { files, setup, baselines } = report;
  const services = report.services.filter((run) => run.ok);
  const e = files.expected;
  const lines: string[] = [];
  const command = sizedCommand('bench:usage', { BENCH_LINES: LINES, BENCH_WORKS: WORKS });
  lines.push('');
  lines.push(`### Usage report of ${grouped(LINES)} lines, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `\`${command}\` at ${gitRevision()}, ${report.build}; node ${process.version}, ` +
      `${machine()}. Data (seeded): ${grouped(setup.works)} works over ` +
      `${PUBLISHERS} publishers (Zipf), ${setup.offers} offers (through the API) and ` +
      `${setup.agreements} active agreements of the licensee (SQL), in a template database made ` +
      `once in ${fixed(setup.seconds, 0)} s (COPY ${fixed(setup.copySeconds, 0)} s, offers ` +
      `${fixed(setup.offerSeconds, 0)} s). Report: ${grouped(files.lines)} lines ` +
      `(${fixed(files.ndjsonBytes / 2 ** 20, 0)} MiB NDJSON, ${files.ndjson.replace(`${ROOT}/`, '')}), ` +
      `works drawn Zipf (s = ${ZIPF_S}): ${grouped(e.distinctWorks)} distinct works, the top one ` +
      `${grouped(e.topWorkLines)} lines; expected matched ${grouped(e.matched)}, out-of-scope ` +
      `${grouped(e.outOfScope)}, unmatched (unknown ISBN) ${grouped(e.unmatched)}, invalid ` +
      `${grouped(e.invalid)}; ${grouped(e.citing)} lines (${fixed((100 * e.citing) / files.lines, 1)} %) ` +
      `cite the licence receipt of their use. One warm-up at ${grouped(WARMUP_LINES)} lines, then ` +
      `${baselines.length} measured rounds, order alternating; a fresh database per run (the ` +
      `template copied on the server; an empty one for the baseline); api (RUN_WORKERS=false, ` +
      `LOG_LEVEL=warn) and worker (dist/src/worker.js) fresh per run from a copy of dist/; ` +
      `total ${fixed(report.minutes, 1)} min.`,
  );
  lines.push('');
  const baseRates = baselines.map((run) => run.linesPerSecond);
  const rawRates = baselines.map((run) => run.rawLinesPerSecond);
  const ingestRates = services.map((run) => run.ingestLinesPerSecond);
  const rates = services.map((run) => run.linesPerSecond);
  const ratios = report.services
    .map((run, k) => (run.ok ? run.ingestLinesPerSecond / baselines[k].linesPerSecond : Number.NaN))
    .filter((value) => Number.isFinite(value));
  const apiPeaks = services.map((run) => mib(run.apiPeakKiB));
  const workerPeaks = services.map((run) => mib(run.workerPeakKiB));
  lines.push('| measure | min | median | max | target | result |');
  lines.push('| --- | ---: | ---: | ---: | --- | --- |');
  lines.push(
    `| baseline: \`psql -1 -c "CREATE TABLE" -c "\\copy"\` of the lines as staging COPY text (15 columns), lines/s | ` +
      `${spreadCells(baseRates, grouped)} | — | — |`,
  );
  lines.push(
    `| context: \`psql \\copy\` of the NDJSON file into one text column, lines/s | ` +
      `${spreadCells(rawRates, grouped)} | — | — |`,
  );
  if (services.length > 0) {
    lines.push(
      `| service ingestion: first byte of POST /v1/usage-reports → 202, lines/s | ` +
        `${spreadCells(ingestRates, grouped)} | — | — |`,
    );
    lines.push(
      `| ingestion ÷ baseline (same round) | ${spreadCells(ratios, (v) => fixed(v, 3))} | ` +
        `≥ ${TARGET_RATIO} | ${verdict(median(ratios) >= TARGET_RATIO)} |`,
    );
    lines.push(
      `| whole pipeline: first byte → accepted, lines/s | ${spreadCells(rates, grouped)} | ` +
        `≥ ${grouped(TARGET_LINES_PER_SECOND)} | ${verdict(median(rates) >= TARGET_LINES_PER_SECOND)} |`,
    );
    lines.push(
      `| ingestion, s | ${spreadCells(
        services.map((r) => r.ingestSeconds),
        (v) => fixed(v, 1),
      )} | — | — |`,
    );
    lines.push(
      `| worker (its 'usage report processed' ms), s | ${spreadCells(
        services.map((r) => r.workerSeconds ?? Number.NaN),
        (v) => fixed(v, 1),
      )} | — | — |`,
    );
    lines.push(
      `| whole pipeline, s | ${spreadCells(
        services.map((r) => r.seconds),
        (v) => fixed(v, 1),
      )} | — | — |`,
    );
    lines.push(
      `| api peak RSS (VmHWM), MiB | ${spreadCells(apiPeaks, (v) => fixed(v, 1))} | ` +
        `< ${TARGET_RSS_MIB} (max) | ${verdict(Math.max(...apiPeaks) < TARGET_RSS_MIB)} |`,
    );
    lines.push(
      `| worker peak RSS (VmHWM), MiB | ${spreadCells(workerPeaks, (v) => fixed(v, 1))} | ` +
        `< ${TARGET_RSS_MIB} (max) | ${verdict(Math.max(...workerPeaks) < TARGET_RSS_MIB)} |`,
    );
  }
  lines.push('');
  lines.push(
    '| run | baseline s | baseline lines/s | NDJSON one-column s | ingest s | ingest lines/s | ratio | worker s | total s | lines/s | api RSS MiB | worker RSS MiB |',
  );
  lines.push(
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  );
  const row = (name: string, b: BaselineRun | undefined, s: ServiceRun | undefined) =>
    `| ${name} | ${fixed(b?.seconds, 1)} | ${grouped(b?.linesPerSecond)} | ${fixed(b?.rawSeconds, 1)} | ` +
    `${fixed(s?.ingestSeconds, 1)} | ${grouped(s?.ingestLinesPerSecond)} | ` +
    `${fixed(s && b ? s.ingestLinesPerSecond / b.linesPerSecond : undefined, 3)} | ` +
    `${fixed(s?.workerSeconds, 1)} | ${s?.ok ? fixed(s.seconds, 1) : 'failed'} | ` +
    `${s?.ok ? grouped(s.linesPerSecond) : '—'} | ${fixed(mib(s?.apiPeakKiB), 1)} | ` +
    `${fixed(mib(s?.workerPeakKiB), 1)} |`;
  lines.push(
    row(`warm-up (${grouped(WARMUP_LINES)})`, report.warmupBaseline, report.warmupService),
  );
  for (let k = 0; k < Math.max(baselines.length, report.services.length); k++) {
    lines.push(
      row(
        `${k + 1} (${k % 2 === 0 ? 'baseline first' : 'service first'})`,
        baselines[k],
        report.services[k],
      ),
    );
  }
  lines.push('');
  const sampled = report.services.length > 0 ? report.services : [report.warmupService];
  const labels = [...new Set(sampled.flatMap((run) => run.statements.map((s) => s.label)))].sort(
    (a, b) => labelRank(a) - labelRank(b),
  );
  lines.push(
    `Where the time goes (pg_stat_activity sampled every ${SAMPLE_MS} ms; seconds each statement ` +
      `was seen running, median over the measured runs; statements shorter than a sample may be missing):`,
  );
  lines.push('');
  lines.push('| statement | s (median) | share of total | waits (share of samples, last run) |');
  lines.push('| --- | ---: | ---: | --- |');
  const total = median(sampled.map((run) => (run.ok ? run.seconds : run.ingestSeconds)));
  for (const label of labels) {
    const seconds = median(
      sampled.map((run) => run.statements.find((s) => s.label === label)?.seconds ?? 0),
    );
    if (seconds < 0.1) continue;
    const last = sampled[sampled.length - 1].statements.find((s) => s.label === label);
    lines.push(
      `| ${label} | ${fixed(seconds, 1)} | ${fixed((100 * seconds) / total, 0)} % | ` +
        `${last ? describeWaits(last.waits) : '—'} |`,
    );
  }
  for (const run of report.services) {
    if (!run.ok) notes.add(`A service run failed: ${run.failure}.`);
  }
  if (spreadTooWide(baseRates) || spreadTooWide(ingestRates) || spreadTooWide(rates)) {
    notes.add(busyMachineNote('lines/s'));
  }
  writeReport(lines, notes);
}

// --- entry --------------------------------------------------------------------------------------

children.guard('the servers', OVERALL_TIMEOUT_MS);

children.exitWhenDone('bench:usage', main(), async () => {
  await deleteRedisKeys(redisUrl, [`${redisPrefix('')}*`]);
  if (process.env.BENCH_KEEP_DATABASES !== '1') {
    for (const name of [TEMPLATE_DB, SERVICE_DB, COPY_DB]) {
      await server.drop(name).catch(() => undefined);
    }
  }
});
