/**
 * HTTP overhead of the service against a bare Node `http` server (the baseline), measured in the
 * same run as /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:http
 *
 * Starts the api (`node dist/src/main.js`) and a bare `http` server as child processes on loopback,
 * then loads them from this process with autocannon: one warm-up of WARMUP_SECONDS per target,
 * then RUNS rounds of RUN_SECONDS per target, the targets alternating within each round, with
 * CONNECTIONS connections. Targets:
 *   baseline    bare `http` server answering {"status":"ok"}
 *   live        GET /health/live (routing, hooks, serialization; no dependency)
 *   me          GET /v1/me with a bearer key (API key lookup in PostgreSQL + rate limit in Redis)
 * Prints min/median/max requests/s, median p50/p99 latency, each target's ratio of median req/s
 * to the baseline's, and the peak RSS of the api child (VmHWM): a markdown section for
 * docs/benchmarks-history.md.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; migrations are
 * applied by the api at start-up), REDIS_URL (the api's default), BENCH_API_KEY (default: a fixed
 * 40-character key, given to the api as BOOTSTRAP_ADMIN_KEY, which creates the first admin only
 * in a database that has none). Only loopback addresses are accepted.
 */
import {
  assertLoopback,
  DIST_MAIN as API_ENTRY,
  distBuiltAt,
  ensureBuilt,
  gitRevision,
  redactUrl,
} from './support/environment';
import { freePort, request } from './support/http';
import { describeSample, load, LoadSample } from './support/load';
import { log } from './support/log';
import { ChildProcesses, peakRssKiB, sleep } from './support/processes';
import { machine } from './support/report';
import { startApi } from './support/service';
import { fixed, formatKiB, median, spreadTooWide, WIDE_SPREAD } from './support/stats';

const CONNECTIONS = 10;
const WARMUP_SECONDS = 3;
const RUN_SECONDS = 10;
const RUNS = 3;
/** Start-up includes migrations against the database. */
const START_TIMEOUT_MS = 90_000;
/** The whole run, start-up and shutdown included, ends by then whatever happens. */
const OVERALL_TIMEOUT_MS = 5 * 60_000;
const STOP_GRACE_MS = 8_000;
const SETTLE_MS = 1_000;
const REQUEST_TIMEOUT_MS = 2000;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_BENCH_KEY = 'rlk_bench_http_overhead_0000000000000000'; // 40 characters

/** The baseline: a bare Node http server answering the same small JSON as /health/live. */
const BASELINE_SOURCE = `
const http = require('node:http');
http
  .createServer((request, response) => {
    const body = JSON.stringify({ status: 'ok' });
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
    });
    response.end(body);
  })
  .listen(Number(process.env.PORT), '127.0.0.1');
process.once('SIGTERM', () => process.exit(0));
`;

interface Target {
  key: 'baseline' | 'live' | 'me';
  label: string;
  url: string;
  headers?: Record<string, string>;
}

const children = new ChildProcesses({
  stopGraceMs: STOP_GRACE_MS,
  startTimeoutMs: START_TIMEOUT_MS,
  reportExits: 'any',
});

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  assertLoopback('DATABASE_URL', databaseUrl);
  if (process.env.REDIS_URL) assertLoopback('REDIS_URL', process.env.REDIS_URL);
  const apiKey = process.env.BENCH_API_KEY || DEFAULT_BENCH_KEY;

  ensureBuilt();

  const baselinePort = await freePort();
  const baseline = children.start('baseline', ['-e', BASELINE_SOURCE], {
    PATH: process.env.PATH,
    PORT: String(baselinePort),
  });
  const { api, base: apiBase } = await startApi(children, 'api', API_ENTRY, {
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: 'bench',
    BOOTSTRAP_ADMIN_KEY: apiKey,
    RATE_LIMIT_PER_MINUTE: '100000000',
    SHUTDOWN_GRACE_MS: '5000',
  });

  const targets: Target[] = [
    {
      key: 'baseline',
      label: 'baseline: bare node:http',
      url: `http://127.0.0.1:${baselinePort}/`,
    },
    { key: 'live', label: 'GET /health/live', url: `${apiBase}/health/live` },
    {
      key: 'me',
      label: 'GET /v1/me (API key + rate limit)',
      url: `${apiBase}/v1/me`,
      headers: { authorization: `Bearer ${apiKey}` },
    },
  ];

  await children.waitForOk(baseline, targets[0].url);
  await checkTargets(targets);

  log(`warm-up: ${WARMUP_SECONDS} s per target, ${CONNECTIONS} connections`);
  for (const target of targets) {
    const sample = await loadTarget(target, WARMUP_SECONDS);
    log(`  warm-up ${target.key}: ${describeSample(sample)}`);
  }

  const samples = new Map<Target['key'], LoadSample[]>(targets.map((target) => [target.key, []]));
  for (let run = 1; run <= RUNS; run += 1) {
    for (const target of targets) {
      const sample = await loadTarget(target, RUN_SECONDS);
      samples.get(target.key)?.push(sample);
      log(`  run ${run}/${RUNS} ${target.key}: ${describeSample(sample)}`);
    }
  }

  // autocannon drops its sockets at the deadline: let requests still in flight finish first.
  await sleep(SETTLE_MS);
  const apiPeakRss = peakRssKiB(api.pid);
  const baselinePeakRss = peakRssKiB(baseline.pid);
  await children.stop();

  printReport(targets, samples, apiPeakRss, baselinePeakRss, databaseUrl);
}

/** One bounded autocannon run against `target`. */
function loadTarget(target: Target, seconds: number): Promise<LoadSample> {
  return load({
    label: target.label,
    url: target.url,
    connections: CONNECTIONS,
    seconds,
    headers: target.headers,
  });
}

/** Each target answers 200 before any load: a 401 on /v1/me would otherwise measure errors. */
async function checkTargets(targets: Target[]): Promise<void> {
  for (const target of targets) {
    const { status, body } = await request('GET', target.url, {
      headers: target.headers,
      timeoutMs: REQUEST_TIMEOUT_MS,
    });
    if (status !== 200) {
      const hint =
        target.key === 'me'
          ? ' BOOTSTRAP_ADMIN_KEY only creates an admin in a database without one: point ' +
            'DATABASE_URL at an empty database, or set BENCH_API_KEY to a key that database knows.'
          : '';
      throw new Error(`${target.label} answered ${status}: ${body.slice(0, 300)}.${hint}`);
    }
  }
}

function printReport(
  targets: Target[],
  samples: Map<Target['key'], LoadSample[]>,
  apiPeakRss: number | undefined,
  baselinePeakRss: number | undefined,
  databaseUrl: string,
): void {
  const baselineMedian = median(
    (samples.get('baseline') ?? []).map((sample) => sample.requestsPerSecond),
  );
  const lines: string[] = [];
  lines.push('');
  lines.push(`### HTTP overhead, ${new Date().toISOString()}`);
  lines.push('');
  lines.push(
    `\`npm run bench:http\` at ${gitRevision()}, dist/ built ${distBuiltAt()}; node ${process.version}, ` +
      `${machine()}; ` +
      `${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up then ${RUNS} × ${RUN_SECONDS} s ` +
      `per target, alternating; autocannon in the bench process, servers in child processes; ` +
      `database ${redactUrl(databaseUrl)}; api LOG_LEVEL=warn, RUN_WORKERS=false.`,
  );
  lines.push('');
  lines.push(
    '| target | req/s min | req/s median | req/s max | p50 ms | p99 ms | median req/s vs baseline |',
  );
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const spreads: string[] = [];
  for (const target of targets) {
    const runs = samples.get(target.key) ?? [];
    const rates = runs.map((sample) => sample.requestsPerSecond);
    const rate = median(rates);
    const min = Math.min(...rates);
    const max = Math.max(...rates);
    if (spreadTooWide(rates)) spreads.push(target.label);
    lines.push(
      `| ${target.label} | ${fixed(min, 0)} | ${fixed(rate, 0)} | ${fixed(max, 0)} | ` +
        `${fixed(median(runs.map((sample) => sample.p50)), 2)} | ` +
        `${fixed(median(runs.map((sample) => sample.p99)), 2)} | ` +
        `${fixed(rate / baselineMedian, 3)} |`,
    );
  }
  lines.push('');
  lines.push(
    `Peak RSS (VmHWM): api ${formatKiB(apiPeakRss)}; baseline server ${formatKiB(baselinePeakRss)}.`,
  );
  if (spreads.length > 0) {
    lines.push('');
    lines.push(
      `Warning: req/s spread above ${WIDE_SPREAD * 100} % of the median for ${spreads.join(', ')}: ` +
        'the machine was busy; run again before believing these figures.',
    );
  }
  process.stdout.write(`${lines.join('\n')}\n`);
}

// --- entry --------------------------------------------------------------------------------------

children.guard('the servers', OVERALL_TIMEOUT_MS, `${OVERALL_TIMEOUT_MS / 1000} s`);

children.exitWhenDone('bench:http', main());
