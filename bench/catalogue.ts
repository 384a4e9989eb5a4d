/**
 * Catalogue import and identifier lookup at a million works, each against its baseline in the same
 * run, as /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:catalogue            BENCH_WORKS=20000 for a quick check
 *
 * Target 1, import: BENCH_WORKS works (default 1 000 000; two identifiers and one split each) as
 * NDJSON through POST /v1/catalogue-imports (the file streamed from disk), timed from the first
 * byte sent until GET /v1/catalogue-imports/:id says completed. Baseline: a bare `COPY … FROM
 * STDIN` (pg-copy-streams) of the same rows into the same tables (works, work_identifiers,
 * work_splits) in one transaction, the COPY text generated as it streams. One warm-up at 100 000
 * works, then RUNS measured runs of each, alternating (the order swapped every run), each in a
 * fresh database made from a template the built migrations were applied to, the api
 * (RUN_WORKERS=false) and the worker started fresh for every run; peak RSS (VmHWM) of each read
 * when its import has completed. Cut to 2 runs when 3 would take more than ~25 minutes.
 *
 * Target 2, lookup: GET /v1/works?identifier=isbn:… in the database the last measured import
 * filled, timed around Fastify `inject` in a child process that boots the app from src/
 * (bench/catalogue/lookup.ts), against the one hand-written SQL query timed with a plain `pg`
 * client in that same process.
 *
 * Data: bench/catalogue/data.ts, seeded; files in .data/bench/, written once and reused.
 * Prints a markdown section (stdout) for docs/benchmarks-history.md; progress on stderr.
 *
 * Environment: DATABASE_URL (any database on the server to use; default
 * postgres://postgres@127.0.0.1:5432/postgres; the bench creates and drops its own
 * rl_bench_catalogue_* databases there), REDIS_URL (default redis://127.0.0.1:6379; keys under
 * bcat-<pid>-* prefixes, deleted afterwards), BENCH_WORKS, BENCH_RUNS (default 3),
 * BENCH_KEEP_DATABASES=1 (keep the last service database), BENCH_TIMEOUT_MINUTES (watchdog,
 * default 60). Only loopback addresses are accepted.
 *
 * The api and worker run from a copy of dist/ taken at start (.data/bench/catalogue-dist), so a
 * rebuild during the run cannot change what is measured. When dist/ has no catalogue-imports
 * controller yet, only the generator and the COPY baseline run.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client } from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import {
  DataFile,
  ensureNdjsonFile,
  IDENTIFIERS_COPY_COLUMNS,
  identifiersCopyText,
  PayeeSubstitution,
  SPLITS_COPY_COLUMNS,
  splitsCopyText,
  WORKS_COPY_COLUMNS,
  worksCopyText,
} from './catalogue/data';
import { BASELINE_SQL, LookupResult } from './catalogue/lookup-shared';
import { DEFAULT_REDIS_URL, DEFAULT_SERVER_URL, PostgresServer } from './support/database';
import { assertLoopback, gitRevision, ROOT, snapshotDist } from './support/environment';
import { jsonRequester, streamRequest } from './support/http';
import { log } from './support/log';
import { deleteRedisKeys } from './support/redis-keys';
import { ChildProcesses, exited, peakRssKiB, sleep } from './support/processes';
import {
  baselineQueryAndPlan,
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
import { createOrganization, startApi, startWorker } from './support/service';
import { fixed, grouped, median, mib, spreadTooWide } from './support/stats';

const DATA_DIR = join(ROOT, '.data', 'bench');
const SNAPSHOT = join(DATA_DIR, 'catalogue-dist');
const API_ENTRY = join(SNAPSHOT, 'src', 'main.js');
const WORKER_ENTRY = join(SNAPSHOT, 'src', 'worker.js');
const CLI_ENTRY = join(SNAPSHOT, 'src', 'cli.js');
const IMPORTS_CONTROLLER = join('src', 'catalogue', 'imports', 'catalogue-imports.controller.js');
const LOOKUP_CHILD = join(__dirname, 'catalogue', 'lookup.ts');

const WORKS = Number(process.env.BENCH_WORKS || 1_000_000);
const WARMUP_WORKS = Math.min(100_000, WORKS);
const REQUESTED_RUNS = Number(process.env.BENCH_RUNS || 3);
/** Above this, 3 measured runs are cut to 2. */
const BUDGET_MS = 25 * 60_000;
const OVERALL_TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 60);
const IMPORT_TIMEOUT_MS = 15 * 60_000;
const START_TIMEOUT_MS = 90_000;
const STOP_GRACE_MS = 10_000;
const POLL_MS = 200;
const REQUEST_TIMEOUT_MS = 30_000;

const TARGET_WORKS_PER_SECOND = 20_000;
const TARGET_RATIO = 0.25;
const TARGET_RSS_MIB = 300;
const TARGET_LOOKUP_MS = 5;

const ADMIN_KEY = 'rlk_bench_catalogue_admin_000000000000000000'; // ≥ 32 characters
const TEMPLATE_DB = 'rl_bench_catalogue_template';
const SERVICE_DB = 'rl_bench_catalogue_api';
const COPY_DB = 'rl_bench_catalogue_copy';
/** The baseline's publisher and payee, fixed: each run has a fresh database. */
const COPY_ORGANIZATION_ID = '0190a000-0000-7000-8000-0000000000aa';
const COPY_PAYEE_ID = '0190a000-0000-7000-8000-0000000000bb';

interface CopyRun {
  works: number;
  seconds: number;
  worksPerSecond: number;
  /** COPY works, COPY work_identifiers, COPY work_splits (its trigger included), COMMIT. */
  stepSeconds: number[];
}

interface ServiceRun {
  works: number;
  uploadSeconds: number;
  seconds: number;
  worksPerSecond: number;
  apiPeakKiB?: number;
  workerPeakKiB?: number;
  /** Start-up, set-up and shutdown around the timed import. */
  overheadSeconds: number;
}

interface Publisher {
  organizationId: string;
  key: string;
  payeeId: string;
}

interface ImportStatus {
  id: string;
  status: string;
  linesRead: number;
  linesProcessed: number;
  created: number;
  updated: number;
  unchanged: number;
  rejected: number;
  failure?: string | null;
}

const children = new ChildProcesses({
  stopGraceMs: STOP_GRACE_MS,
  startTimeoutMs: START_TIMEOUT_MS,
  reportExits: 'failed',
});
const server = new PostgresServer(process.env.DATABASE_URL || DEFAULT_SERVER_URL, 'bench-admin');
const redisUrl = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const redisPrefixes: string[] = [];
const notes = new Notes();
const requestJson = jsonRequester(REQUEST_TIMEOUT_MS);

async function main(): Promise<void> {
  const startedAt = Date.now();
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', redisUrl);
  requirePositiveIntegers({ BENCH_WORKS: WORKS, BENCH_RUNS: REQUESTED_RUNS });

  mkdirSync(DATA_DIR, { recursive: true });
  const warmupFile = prepareFile(WARMUP_WORKS);
  const file = WARMUP_WORKS === WORKS ? warmupFile : prepareFile(WORKS);
  const copyTextRate = await measureCopyText(WORKS);

  const build = snapshotDist(SNAPSHOT, notes.warn);
  const serviceAvailable = existsSync(join(SNAPSHOT, IMPORTS_CONTROLLER));
  if (!serviceAvailable) {
    notes.addAndLog(
      `dist/ has no ${IMPORTS_CONTROLLER}: the import API is not built yet, so only the data ` +
        'generator and the COPY baseline ran.',
    );
  }
  await createTemplate();

  // Warm-up: both paths once at WARMUP_WORKS.
  log(`warm-up at ${grouped(WARMUP_WORKS)} works`);
  const warmupCopy = await runCopy(WARMUP_WORKS);
  log(`  warm-up COPY: ${describeCopy(warmupCopy)}`);
  let warmupService: ServiceRun | undefined;
  if (serviceAvailable) {
    warmupService = (await runService(warmupFile, 'w', false)).run;
    log(`  warm-up service: ${describeService(warmupService)}`);
  }

  const runs = plannedRuns(startedAt, warmupCopy, warmupService);
  const copies: CopyRun[] = [];
  const services: ServiceRun[] = [];
  let lookupTarget: { publisher: Publisher; databaseUrl: string } | undefined;
  for (let run = 1; run <= runs; run += 1) {
    const last = run === runs;
    const doCopy = async () => {
      const result = await runCopy(WORKS);
      copies.push(result);
      log(`  run ${run}/${runs} COPY: ${describeCopy(result)}`);
    };
    const doService = async () => {
      if (!serviceAvailable) return;
      const outcome = await runService(file, String(run), last);
      services.push(outcome.run);
      if (last) lookupTarget = outcome;
      log(`  run ${run}/${runs} service: ${describeService(outcome.run)}`);
    };
    if (run % 2 === 1) {
      await doCopy();
      await doService();
    } else {
      await doService();
      await doCopy();
    }
  }

  let lookup: LookupResult | undefined;
  if (lookupTarget) {
    try {
      lookup = await runLookup(lookupTarget.publisher, lookupTarget.databaseUrl);
    } catch (error) {
      // The import figures stand without it: report them, and why this part is missing.
      notes.addAndLog(
        `The lookup failed: ${error instanceof Error ? error.message : String(error)}.`,
      );
    } finally {
      if (process.env.BENCH_KEEP_DATABASES !== '1') await server.drop(SERVICE_DB);
    }
  }
  await server.drop(TEMPLATE_DB);
  await deleteRedisKeys(
    redisUrl,
    redisPrefixes.map((prefix) => `${prefix}:*`),
  );

  printReport({
    file,
    copyTextRate,
    build,
    serviceAvailable,
    runs,
    warmupCopy,
    warmupService,
    copies,
    services,
    lookup,
    minutes: (Date.now() - startedAt) / 60_000,
  });
}

// --- data -----------------------------------------------------------------------------------------

function prepareFile(works: number): DataFile {
  log(`data: ${grouped(works)} works`);
  const file = ensureNdjsonFile(DATA_DIR, works);
  const mib = file.bytes / 2 ** 20;
  if (file.generated) {
    const rate = works / file.generated.seconds;
    log(
      `  generated ${file.path} (${fixed(mib, 1)} MiB) in ${fixed(file.generated.seconds, 1)} s: ` +
        `${grouped(rate)} lines/s`,
    );
  } else {
    log(`  reusing ${file.path} (${fixed(mib, 1)} MiB)`);
  }
  return file;
}

/** The baseline's own generator, drained into nothing: the most its COPY could ever reach. */
async function measureCopyText(works: number): Promise<number> {
  const started = process.hrtime.bigint();
  const sink = () =>
    new Writable({
      write(_chunk, _encoding, done) {
        done();
      },
    });
  await pipeline(worksCopyText(works, COPY_ORGANIZATION_ID, COPY_PAYEE_ID), sink());
  await pipeline(identifiersCopyText(works, COPY_ORGANIZATION_ID), sink());
  await pipeline(splitsCopyText(works, COPY_ORGANIZATION_ID, COPY_PAYEE_ID), sink());
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  log(`  COPY text generation alone: ${grouped(works / seconds)} works/s (${fixed(seconds, 1)} s)`);
  return works / seconds;
}

// --- baseline: bare COPY ------------------------------------------------------------------------

async function runCopy(works: number): Promise<CopyRun> {
  await server.recreate(COPY_DB, TEMPLATE_DB);
  try {
    return await server.withClient(
      server.databaseUrl(COPY_DB),
      (client) => copyRows(client, works),
      'bench-copy',
    );
  } finally {
    await server.drop(COPY_DB);
  }
}

/** The baseline's publisher and payee, then the timed COPYs and COMMIT. */
async function copyRows(client: Client, works: number): Promise<CopyRun> {
  // A publisher (its trigger adds the default payee) and the payee the splits name.
  await client.query(
    `INSERT INTO organizations (id, name, kind) VALUES ($1, 'Bench Press', 'publisher')`,
    [COPY_ORGANIZATION_ID],
  );
  await client.query(
    `INSERT INTO payees (id, organization_id, name, currency) VALUES ($1, $2, 'Author', 'EUR')`,
    [COPY_PAYEE_ID, COPY_ORGANIZATION_ID],
  );
  const started = process.hrtime.bigint();
  const stepSeconds: number[] = [];
  let stepStarted = started;
  const step = () => {
    const now = process.hrtime.bigint();
    stepSeconds.push(Number(now - stepStarted) / 1e9);
    stepStarted = now;
  };
  await client.query('BEGIN');
  const copy = async (table: string, columns: string, text: NodeJS.ReadableStream) => {
    const stream = client.query(copyFrom(`COPY ${table} (${columns}) FROM STDIN`));
    await pipeline(text, stream);
    step();
    return stream.rowCount;
  };
  const counts = [
    await copy(
      'works',
      WORKS_COPY_COLUMNS,
      worksCopyText(works, COPY_ORGANIZATION_ID, COPY_PAYEE_ID),
    ),
    await copy(
      'work_identifiers',
      IDENTIFIERS_COPY_COLUMNS,
      identifiersCopyText(works, COPY_ORGANIZATION_ID),
    ),
    await copy(
      'work_splits',
      SPLITS_COPY_COLUMNS,
      splitsCopyText(works, COPY_ORGANIZATION_ID, COPY_PAYEE_ID),
    ),
  ];
  await client.query('COMMIT');
  step();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const expected = [works, 2 * works, works];
  if (counts.some((count, k) => count !== expected[k])) {
    throw new Error(`COPY wrote ${counts.join('/')} rows, expected ${expected.join('/')}`);
  }
  return { works, seconds, worksPerSecond: works / seconds, stepSeconds };
}

// --- the service ----------------------------------------------------------------------------------

async function runService(
  file: DataFile,
  label: string,
  keepDatabase: boolean,
): Promise<{ run: ServiceRun; publisher: Publisher; databaseUrl: string }> {
  const overheadStarted = process.hrtime.bigint();
  await server.recreate(SERVICE_DB, TEMPLATE_DB);
  const url = server.databaseUrl(SERVICE_DB);
  const common: NodeJS.ProcessEnv = {
    DATABASE_URL: url,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: redisPrefix(label),
    RATE_LIMIT_PER_MINUTE: '100000000',
    SHUTDOWN_GRACE_MS: '8000',
  };
  let keep = false;
  try {
    const { api, base } = await startApi(children, `api ${label}`, API_ENTRY, {
      ...common,
      MIGRATIONS_RUN: 'true',
      BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    });
    const worker = await startWorker(children, `worker ${label}`, WORKER_ENTRY, common);

    const publisher = await createPublisher(base);
    const overheadBefore = Number(process.hrtime.bigint() - overheadStarted) / 1e9;

    const started = process.hrtime.bigint();
    const accepted = await upload(base, publisher, file);
    const uploadSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const finished = await waitForImport(base, publisher, accepted.id, file.works, started);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (
      finished.status !== 'completed' ||
      finished.created !== file.works ||
      finished.rejected !== 0
    ) {
      throw new Error(
        `the import ended ${JSON.stringify(finished)}; expected ${file.works} created`,
      );
    }

    const apiPeakKiB = peakRssKiB(api.pid);
    const workerPeakKiB = peakRssKiB(worker.pid);
    const overheadStopped = process.hrtime.bigint();
    await children.stop();
    await checkServiceRows(url, file.works);
    keep = keepDatabase;
    return {
      run: {
        works: file.works,
        uploadSeconds,
        seconds,
        worksPerSecond: file.works / seconds,
        apiPeakKiB,
        workerPeakKiB,
        overheadSeconds: overheadBefore + Number(process.hrtime.bigint() - overheadStopped) / 1e9,
      },
      publisher,
      databaseUrl: url,
    };
  } finally {
    await children.stop();
    if (!keep) await server.drop(SERVICE_DB);
  }
}

async function createPublisher(base: string): Promise<Publisher> {
  const created = await createOrganization(
    requestJson,
    base,
    ADMIN_KEY,
    'Bench Press',
    'publisher',
    'bench',
  );
  const payee = await requestJson<{ id: string }>(
    base,
    'POST',
    '/v1/payees',
    created.key,
    { name: 'Author', currency: 'EUR' },
    201,
  );
  return { ...created, payeeId: payee.id };
}

/** Streams the file (placeholder payee replaced) as the request body; resolves on the 202. */
async function upload(base: string, publisher: Publisher, file: DataFile): Promise<ImportStatus> {
  const answer = await streamRequest('POST', `${base}/v1/catalogue-imports`, {
    headers: {
      authorization: `Bearer ${publisher.key}`,
      'content-type': 'application/x-ndjson',
      'content-length': String(file.bytes),
    },
    body: createReadStream(file.path, { highWaterMark: 1 << 20 }),
    through: new PayeeSubstitution(publisher.payeeId),
    // No progress for this long fails the upload.
    timeoutMs: 5 * 60_000,
  });
  if (answer.status !== 202) {
    throw new Error(
      `POST /v1/catalogue-imports answered ${answer.status}: ${answer.body.slice(0, 500)}`,
    );
  }
  return JSON.parse(answer.body) as ImportStatus;
}

async function waitForImport(
  base: string,
  publisher: Publisher,
  id: string,
  works: number,
  started: bigint,
): Promise<ImportStatus> {
  const deadline = Date.now() + IMPORT_TIMEOUT_MS;
  let lastLog = Date.now();
  for (;;) {
    const status = await requestJson<ImportStatus>(
      base,
      'GET',
      `/v1/catalogue-imports/${id}`,
      publisher.key,
      undefined,
      200,
    );
    if (status.status === 'completed' || status.status === 'failed') return status;
    const elapsed = Number(process.hrtime.bigint() - started) / 1e9;
    if (Date.now() > deadline) {
      throw new Error(
        `the import did not finish within ${IMPORT_TIMEOUT_MS / 60_000} min: ` +
          `${status.linesProcessed}/${works} lines processed ` +
          `(${grouped(status.linesProcessed / elapsed)} works/s so far), status ${status.status}`,
      );
    }
    if (Date.now() - lastLog > 15_000) {
      lastLog = Date.now();
      log(
        `    ${fixed(elapsed, 0)} s: ${status.status}, read ${grouped(status.linesRead)}, ` +
          `processed ${grouped(status.linesProcessed)}`,
      );
    }
    await sleep(POLL_MS);
  }
}

/** What the import wrote, counted after it said completed. */
async function checkServiceRows(url: string, works: number): Promise<void> {
  await server.withClient(
    url,
    async (client) => {
      const { rows } = await client.query<{ works: string; identifiers: string; splits: string }>(
        `SELECT (SELECT count(*) FROM works) AS works,
              (SELECT count(*) FROM work_identifiers) AS identifiers,
              (SELECT count(*) FROM work_splits) AS splits`,
      );
      const found = [rows[0].works, rows[0].identifiers, rows[0].splits].map(Number);
      const expected = [works, 2 * works, works];
      if (found.some((count, k) => count !== expected[k])) {
        throw new Error(
          `after the import: ${found.join('/')} works/identifiers/splits, expected ${expected.join('/')}`,
        );
      }
    },
    'bench-check',
  );
}

// --- lookup -------------------------------------------------------------------------------------

async function runLookup(publisher: Publisher, url: string): Promise<LookupResult> {
  const resultFile = join(DATA_DIR, `catalogue-lookup-${process.pid}.json`);
  rmSync(resultFile, { force: true });
  log('lookup: in-process inject against the hand-written query (child process, app from src/)');
  const child = children.start('lookup', ['-r', 'ts-node/register/transpile-only', LOOKUP_CHILD], {
    ...process.env,
    TS_NODE_PROJECT: join(ROOT, 'tsconfig.json'),
    BENCH_DATABASE_URL: url,
    BENCH_REDIS_PREFIX: redisPrefix('lookup'),
    BENCH_KEY: publisher.key,
    BENCH_ORGANIZATION_ID: publisher.organizationId,
    BENCH_WORKS: String(WORKS),
    BENCH_RESULT_FILE: resultFile,
  });
  const code = await new Promise<number | null>((resolve) => {
    if (exited(child)) resolve(child.exitCode);
    else child.once('exit', (exitCode) => resolve(exitCode));
  });
  if (code !== 0 || !existsSync(resultFile)) {
    throw new Error(`the lookup child exited with code ${code}`);
  }
  const result = JSON.parse(readFileSync(resultFile, 'utf8')) as LookupResult;
  rmSync(resultFile, { force: true });
  return result;
}

// --- planning -----------------------------------------------------------------------------------

/** 3 measured runs, or 2 when 3 would take the whole bench past BUDGET_MS. */
function plannedRuns(startedAt: number, copy: CopyRun, service: ServiceRun | undefined): number {
  if (REQUESTED_RUNS !== 3 || process.env.BENCH_RUNS) return REQUESTED_RUNS;
  const scale = WORKS / copy.works;
  // Bigger tables cost more per row (deeper indexes); 1.3 is a guess on the safe side.
  const perRound =
    1.3 * scale * (copy.seconds + (service?.seconds ?? 0)) + (service?.overheadSeconds ?? 0) + 10;
  const lookupSeconds = service ? 120 : 0;
  const elapsed = (Date.now() - startedAt) / 1000;
  const projected = elapsed + 3 * perRound + lookupSeconds;
  log(`  projected: ${fixed(projected / 60, 1)} min for 3 measured runs`);
  if (projected * 1000 > BUDGET_MS) {
    notes.addAndLog(
      `Measured runs cut to 2: 3 were projected at ${fixed(projected / 60, 1)} min from the ` +
        `warm-up, above the ${BUDGET_MS / 60_000}-minute budget.`,
    );
    return 2;
  }
  return 3;
}

// --- report -------------------------------------------------------------------------------------

interface Report {
  file: DataFile;
  copyTextRate: number;
  build: string;
  serviceAvailable: boolean;
  runs: number;
  warmupCopy: CopyRun;
  warmupService?: ServiceRun;
  copies: CopyRun[];
  services: ServiceRun[];
  lookup?: LookupResult;
  minutes: number;
}

function printReport(report: Report): void {
  const { copies, services, lookup } = report;
  const lines: string[] = [];
  const pg = postgresSettings;
  lines.push('');
  lines.push(`### Catalogue import and identifier lookup, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `\`${sizedCommand('bench:catalogue', { BENCH_WORKS: WORKS })}\` at ` +
      `${gitRevision()}, ${report.build}; node ${process.version}, ${machine()}; ` +
      `PostgreSQL ${pg}. Data: ${grouped(WORKS)} works (${fixed(report.file.bytes / 2 ** 20, 1)} ` +
      `MiB NDJSON, seeded, ${report.file.path.replace(`${ROOT}/`, '')}). One warm-up at ` +
      `${grouped(WARMUP_WORKS)} works, then ${report.runs} measured run${report.runs === 1 ? '' : 's'} of ` +
      `each, alternating; a ` +
      `fresh database per run (from a migrated template); api (RUN_WORKERS=false, LOG_LEVEL=warn) ` +
      `and worker (LOG_LEVEL=info) started fresh per run from a copy of dist/; total ` +
      `${fixed(report.minutes, 1)} min.`,
  );
  lines.push('');

  // Target 1.
  lines.push(`#### Import ${grouped(WORKS)} works through the HTTP API`);
  lines.push('');
  const copyRates = copies.map((run) => run.worksPerSecond);
  const serviceRates = services.map((run) => run.worksPerSecond);
  // Run k of the service against run k of the baseline: the same round, minutes apart.
  const ratios = services.map((run, k) => run.worksPerSecond / (copies[k]?.worksPerSecond ?? NaN));
  const apiPeaks = services.map((run) => mib(run.apiPeakKiB));
  const workerPeaks = services.map((run) => mib(run.workerPeakKiB));
  lines.push('| measure | min | median | max | target | result |');
  lines.push('| --- | ---: | ---: | ---: | --- | --- |');
  lines.push(
    `| baseline: bare \`COPY\`, works/s (1 work = 1 works + 2 work_identifiers + 1 work_splits row) | ` +
      `${spreadCells(copyRates, grouped)} | — | — |`,
  );
  if (report.serviceAvailable && services.length > 0) {
    const rate = median(serviceRates);
    const ratio = median(ratios);
    const apiMax = Math.max(...apiPeaks);
    const workerMax = Math.max(...workerPeaks);
    lines.push(
      `| service: POST /v1/catalogue-imports → completed, works/s | ${spreadCells(serviceRates, grouped)} | ` +
        `≥ ${grouped(TARGET_WORKS_PER_SECOND)} | ${verdict(rate >= TARGET_WORKS_PER_SECOND)} |`,
    );
    lines.push(
      `| service ÷ baseline (same round) | ${spreadCells(ratios, (v) => fixed(v, 3))} | ` +
        `≥ ${TARGET_RATIO} | ${verdict(ratio >= TARGET_RATIO)} |`,
    );
    lines.push(
      `| upload only (first byte → 202), s | ${spreadCells(
        services.map((run) => run.uploadSeconds),
        (v) => fixed(v, 1),
      )} | — | — |`,
    );
    lines.push(
      `| import total, s | ${spreadCells(
        services.map((run) => run.seconds),
        (v) => fixed(v, 1),
      )} | — | — |`,
    );
    lines.push(
      `| api peak RSS (VmHWM), MiB | ${spreadCells(apiPeaks, (v) => fixed(v, 1))} | ` +
        `< ${TARGET_RSS_MIB} (max) | ${verdict(apiMax < TARGET_RSS_MIB)} |`,
    );
    lines.push(
      `| worker peak RSS (VmHWM), MiB | ${spreadCells(workerPeaks, (v) => fixed(v, 1))} | ` +
        `< ${TARGET_RSS_MIB} (max) | ${verdict(workerMax < TARGET_RSS_MIB)} |`,
    );
  } else {
    lines.push(
      '| service | not run | | | ≥ 20 000 works/s, ≥ 0.25 × baseline, RSS < 300 MiB | — |',
    );
  }
  lines.push('');
  lines.push(
    '| run | baseline s | baseline works/s | service upload s | service total s | service works/s | ratio | api RSS MiB | worker RSS MiB |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const runRow = (label: string, copy: CopyRun | undefined, service: ServiceRun | undefined) =>
    `| ${label} | ${fixed(copy?.seconds, 1)} | ${grouped(copy?.worksPerSecond)} | ` +
    `${fixed(service?.uploadSeconds, 1)} | ${fixed(service?.seconds, 1)} | ` +
    `${grouped(service?.worksPerSecond)} | ` +
    `${fixed(service && copy ? service.worksPerSecond / copy.worksPerSecond : undefined, 3)} | ` +
    `${fixed(mib(service?.apiPeakKiB), 1)} | ${fixed(mib(service?.workerPeakKiB), 1)} |`;
  lines.push(runRow(`warm-up (${grouped(WARMUP_WORKS)})`, report.warmupCopy, report.warmupService));
  for (let k = 0; k < report.runs; k++) {
    lines.push(
      runRow(`${k + 1} (${k % 2 === 0 ? 'COPY first' : 'service first'})`, copies[k], services[k]),
    );
  }
  lines.push('');
  lines.push(
    `The baseline's COPY text is generated as it streams; that generator alone runs at ` +
      `${grouped(report.copyTextRate)} works/s on this machine (on the other core).`,
  );
  if (copies.length > 0) {
    const stepMedian = (k: number) => fixed(median(copies.map((run) => run.stepSeconds[k])), 1);
    lines.push(
      `Baseline time by step (medians): COPY works ${stepMedian(0)} s, work_identifiers ` +
        `${stepMedian(1)} s, work_splits (with its sum trigger) ${stepMedian(2)} s, COMMIT ` +
        `${stepMedian(3)} s.`,
    );
  }

  // Target 2.
  lines.push('');
  lines.push(`#### GET /v1/works?identifier=isbn:… at ${grouped(WORKS)} works, in-process`);
  lines.push('');
  if (lookup) {
    const rounds = lookup.service.length;
    const perRound = lookup.service[0]?.lookups ?? 0;
    const serviceMedians = lookup.service.map((round) => round.medianMs);
    const baselineMedians = lookup.baseline.map((round) => round.medianMs);
    const serviceMedian = median(serviceMedians);
    const baselineMedian = median(baselineMedians);
    lines.push(
      `Sequential lookups of random ISBNs (${grouped(perRound)} per round and method, ` +
        `${rounds} rounds after a ${grouped(lookup.warmup.service.lookups)}-lookup warm-up, order ` +
        `alternating), in the database the last measured import filled. Service: Fastify ` +
        '`inject` in one Node process booting the app from src/ (auth, rate limit, query, ' +
        'conflicts, serialization; no network). Baseline: the query below via a plain `pg` ' +
        'client in that process. Min/median/max are over the rounds\u2019 medians. Measured ' +
        `after \`ANALYZE works, work_identifiers, work_splits\` (${fixed(
          lookup.beforeAnalyze.analyzeSeconds,
          1,
        )} s), as autovacuum would leave them; the last row is a short probe made before it.`,
    );
    lines.push('');
    lines.push(
      '| measure | min ms | median ms | max ms | p99 ms (median of rounds) | × baseline | target | result |',
    );
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
    lines.push(
      `| baseline: one hand-written SQL query (pg) | ${spreadCells(baselineMedians, (v) => fixed(v, 3))} | ` +
        `${fixed(median(lookup.baseline.map((round) => round.p99Ms)), 3)} | 1.00 | — | — |`,
    );
    lines.push(
      `| service: inject GET /v1/works?identifier= | ${spreadCells(serviceMedians, (v) => fixed(v, 3))} | ` +
        `${fixed(median(lookup.service.map((round) => round.p99Ms)), 3)} | ` +
        `${fixed(serviceMedian / baselineMedian, 2)} | median < ${TARGET_LOOKUP_MS} ms | ` +
        `${verdict(serviceMedian < TARGET_LOOKUP_MS)} |`,
    );
    const before = lookup.beforeAnalyze;
    lines.push(
      `| before ANALYZE, as the import left the tables (statistics ` +
        `${before.statsPresent ? 'present' : 'absent'}, autovacuum ${before.autovacuum}): service ` +
        `(${before.service.lookups} lookups) / baseline (${before.baseline.lookups}) | — | ` +
        `${fixed(before.service.medianMs, 3)} / ${fixed(before.baseline.medianMs, 3)} | — | ` +
        `${fixed(before.service.p99Ms, 3)} / ${fixed(before.baseline.p99Ms, 3)} | ` +
        `${fixed(before.service.medianMs / before.baseline.medianMs, 2)} | — | — |`,
    );
    lines.push('');
    lines.push(...baselineQueryAndPlan(BASELINE_SQL, lookup.explain));
    if (spreadTooWide(serviceMedians) || spreadTooWide(baselineMedians)) {
      notes.add('Lookup medians spread more than 15 %: the machine was busy; run again.');
    }
  } else {
    lines.push(
      report.serviceAvailable
        ? 'Not measured (see the notes below).'
        : 'Not run: it needs the import API to fill the database.',
    );
  }

  if (spreadTooWide(copyRates) || spreadTooWide(serviceRates)) {
    notes.add(busyMachineNote('Import rates'));
  }
  writeReport(lines, notes);
}

function describeCopy(run: CopyRun): string {
  const [works, identifiers, splits, commit] = run.stepSeconds.map((seconds) => fixed(seconds, 1));
  return (
    `${fixed(run.seconds, 1)} s, ${grouped(run.worksPerSecond)} works/s (works ${works} s, ` +
    `identifiers ${identifiers} s, splits ${splits} s, commit ${commit} s)`
  );
}

function describeService(run: ServiceRun): string {
  return (
    `${fixed(run.seconds, 1)} s (upload ${fixed(run.uploadSeconds, 1)} s), ` +
    `${grouped(run.worksPerSecond)} works/s, peak RSS api ${fixed(mib(run.apiPeakKiB), 1)} MiB, ` +
    `worker ${fixed(mib(run.workerPeakKiB), 1)} MiB`
  );
}

// --- databases ----------------------------------------------------------------------------------

let postgresSettings = 'unknown';

/** A database holding the built migrations; every run's database is a copy of it. */
async function createTemplate(): Promise<void> {
  await server.recreate(TEMPLATE_DB);
  postgresSettings = await server.admin(async (client) => {
    const { rows } = await client.query<{ name: string; setting: string; unit: string | null }>(
      `SELECT name, setting, unit FROM pg_settings
        WHERE name IN ('server_version', 'shared_buffers', 'max_wal_size', 'synchronous_commit',
                       'autovacuum')
        ORDER BY name`,
    );
    const get = (name: string) => rows.find((row) => row.name === name);
    const pages = (name: string) => {
      const row = get(name);
      if (!row) return '?';
      const bytes =
        Number(row.setting) * (row.unit === '8kB' ? 8192 : row.unit === 'MB' ? 2 ** 20 : 1);
      return `${Math.round(bytes / 2 ** 20)} MB`;
    };
    return (
      `${get('server_version')?.setting ?? '?'} (shared_buffers ${pages('shared_buffers')}, ` +
      `max_wal_size ${pages('max_wal_size')}, synchronous_commit ` +
      `${get('synchronous_commit')?.setting ?? '?'}, autovacuum ${get('autovacuum')?.setting ?? '?'})`
    );
  });
  log(`migrating ${TEMPLATE_DB} with the built cli`);
  const migrate = spawnSync(process.execPath, [CLI_ENTRY, 'migrate'], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: server.databaseUrl(TEMPLATE_DB), LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: START_TIMEOUT_MS,
  });
  if (migrate.status !== 0) {
    throw new Error(`migrate failed (${migrate.status}): ${migrate.stderr || migrate.stdout}`);
  }
  log(`  ${migrate.stdout.trim()}`);
}

// --- redis --------------------------------------------------------------------------------------

function redisPrefix(label: string): string {
  const prefix = `bcat-${process.pid}-${label}`;
  redisPrefixes.push(prefix);
  return prefix;
}

// --- entry --------------------------------------------------------------------------------------

children.guard('the children', OVERALL_TIMEOUT_MS);

children.exitWhenDone('bench:catalogue', main(), async () => {
  await deleteRedisKeys(
    redisUrl,
    redisPrefixes.map((prefix) => `${prefix}:*`),
  );
  if (process.env.BENCH_KEEP_DATABASES !== '1') {
    for (const name of [COPY_DB, SERVICE_DB, TEMPLATE_DB]) {
      await server.drop(name).catch(() => undefined);
    }
  }
});
