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
 * to the baseline's, and the peak RSS of the api child (VmHWM) as a markdown table.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test; migrations are
 * applied by the api at start-up), REDIS_URL (the api's default), BENCH_API_KEY (default: a fixed
 * 40-character key, given to the api as BOOTSTRAP_ADMIN_KEY, which creates the first admin only
 * in a database that has none). Only loopback addresses are accepted.
 */
import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import autocannon from 'autocannon';

const ROOT = join(__dirname, '..');
const API_ENTRY = join(ROOT, 'dist', 'src', 'main.js');

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
/** A spread (max - min) / median wider than this means a busy machine: run again. */
const WIDE_SPREAD = 0.15;

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/test';
const DEFAULT_BENCH_KEY = 'rlk_bench_http_overhead_0000000000000000'; // 40 characters
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

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

interface Sample {
  requestsPerSecond: number;
  p50: number;
  p99: number;
}

const children = new Set<ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  const databaseUrl = process.env.DATABASE_URL || DEFAULT_DATABASE_URL;
  assertLoopback('DATABASE_URL', databaseUrl);
  if (process.env.REDIS_URL) assertLoopback('REDIS_URL', process.env.REDIS_URL);
  const apiKey = process.env.BENCH_API_KEY || DEFAULT_BENCH_KEY;

  ensureBuilt();

  const [apiPort, baselinePort] = await Promise.all([freePort(), freePort()]);
  const api = startChild('api', [API_ENTRY], {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(apiPort),
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: 'bench',
    // As deployed (docker-compose.yml): the api serves HTTP, the worker runs the queues.
    RUN_WORKERS: 'false',
    BOOTSTRAP_ADMIN_KEY: apiKey,
    RATE_LIMIT_PER_MINUTE: '100000000',
    SHUTDOWN_GRACE_MS: '5000',
  });
  const baseline = startChild('baseline', ['-e', BASELINE_SOURCE], {
    PATH: process.env.PATH,
    PORT: String(baselinePort),
  });

  const apiBase = `http://127.0.0.1:${apiPort}`;
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

  await Promise.all([
    waitForOk(api, `${apiBase}/health/live`),
    waitForOk(baseline, targets[0].url),
  ]);
  await checkTargets(targets);

  log(`warm-up: ${WARMUP_SECONDS} s per target, ${CONNECTIONS} connections`);
  for (const target of targets) {
    const sample = await load(target, WARMUP_SECONDS);
    log(`  warm-up ${target.key}: ${describe(sample)}`);
  }

  const samples = new Map<Target['key'], Sample[]>(targets.map((target) => [target.key, []]));
  for (let run = 1; run <= RUNS; run += 1) {
    for (const target of targets) {
      const sample = await load(target, RUN_SECONDS);
      samples.get(target.key)?.push(sample);
      log(`  run ${run}/${RUNS} ${target.key}: ${describe(sample)}`);
    }
  }

  // autocannon drops its sockets at the deadline: let requests still in flight finish first.
  await sleep(SETTLE_MS);
  const apiPeakRss = peakRssKiB(api.pid);
  const baselinePeakRss = peakRssKiB(baseline.pid);
  await stopChildren();

  printReport(targets, samples, apiPeakRss, baselinePeakRss, databaseUrl);
}

/** One bounded autocannon run; fails on any connection error or non-2xx answer. */
function load(target: Target, seconds: number): Promise<Sample> {
  return new Promise<Sample>((resolve, reject) => {
    const latencies: number[] = [];
    const errorKinds = new Map<string, number>();
    const instance = autocannon(
      {
        url: target.url,
        connections: CONNECTIONS,
        duration: seconds,
        headers: target.headers,
        timeout: 10,
      },
      (error: unknown, result: autocannon.Result) => {
        if (error) {
          reject(error instanceof Error ? error : new Error(inspect(error)));
          return;
        }
        if (result.errors > 0 || result.non2xx > 0) {
          reject(
            new Error(
              `${target.label}: ${result.errors} connection errors (${result.timeouts} timeouts) ` +
                `${JSON.stringify(Object.fromEntries(errorKinds))}, ${result.non2xx} non-2xx ` +
                `answers ${JSON.stringify(result.statusCodeStats ?? {})}`,
            ),
          );
          return;
        }
        // autocannon's own histogram keeps whole milliseconds; these are exact.
        const sorted = Float64Array.from(latencies).sort();
        resolve({
          requestsPerSecond: result['2xx'] / result.duration,
          p50: percentile(sorted, 0.5),
          p99: percentile(sorted, 0.99),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
    });
    instance.on('reqError', (error: unknown) => {
      const kind =
        (error as NodeJS.ErrnoException | undefined)?.code ??
        (error instanceof Error ? error.message : 'unknown');
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
    });
  });
}

/** Each target answers 200 before any load: a 401 on /v1/me would otherwise measure errors. */
async function checkTargets(targets: Target[]): Promise<void> {
  for (const target of targets) {
    const { status, body } = await get(target.url, target.headers);
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
  samples: Map<Target['key'], Sample[]>,
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
    `\`npm run bench:http\` at ${gitRevision()}, dist/ built ${builtAt()}; node ${process.version}, ` +
      `${os.cpus().length} × ${os.cpus()[0]?.model.trim() ?? 'unknown CPU'}; ` +
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
    if ((max - min) / rate > WIDE_SPREAD) spreads.push(target.label);
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

// --- child processes ---------------------------------------------------------------------------

function startChild(name: string, args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', (code, signal) => {
    children.delete(child);
    if (!stopping) log(`[${name}] exited unexpectedly (code ${code}, signal ${signal})`);
  });
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() !== '') process.stderr.write(`[${name}] ${line}\n`);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  return child;
}

function exited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** SIGTERM, then SIGKILL after STOP_GRACE_MS; resolves once every child has exited. */
async function stopChildren(): Promise<void> {
  stopping = true;
  await Promise.all(
    [...children].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (exited(child)) {
            resolve();
            return;
          }
          const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
          child.once('exit', () => {
            clearTimeout(force);
            resolve();
          });
          child.kill('SIGTERM');
        }),
    ),
  );
}

/** Last resort on any exit path: no child outlives the bench. */
function killChildrenNow(): void {
  stopping = true;
  for (const child of children) {
    if (!exited(child)) child.kill('SIGKILL');
  }
}

async function waitForOk(child: ChildProcess, url: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited(child)) {
      throw new Error(`${url}: the server exited (code ${child.exitCode}) before answering`);
    }
    const status = await get(url).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return;
    if (Date.now() > deadline) {
      throw new Error(`${url} did not answer 200 within ${START_TIMEOUT_MS} ms`);
    }
    await sleep(250);
  }
}

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.get(url, { headers, timeout: 2000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`${url}: timed out`)));
    request.on('error', reject);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port'))));
    });
  });
}

/** Peak resident set size of a process as the kernel counts it, in KiB (Linux only). */
function peakRssKiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}

// --- set-up checks ------------------------------------------------------------------------------

function assertLoopback(name: string, url: string): void {
  let host: string;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`${name} is not a URL`);
  }
  if (!LOOPBACK_HOSTS.has(host)) {
    throw new Error(`${name} points at ${host}: this benchmark only uses loopback addresses`);
  }
}

/** Builds when dist/ is missing; warns when src/ or migrations/ changed after the last build. */
function ensureBuilt(): void {
  if (!existsSync(API_ENTRY)) {
    log('dist/src/main.js is missing: npm run build');
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (build.status !== 0 || !existsSync(API_ENTRY)) throw new Error('npm run build failed');
    return;
  }
  const builtAt = statSync(API_ENTRY).mtimeMs;
  const newer = ['src', 'migrations'].some((folder) => newestMtime(join(ROOT, folder)) > builtAt);
  if (newer) log('warning: src/ or migrations/ changed after dist/ was built; measuring dist/');
}

function builtAt(): string {
  return existsSync(API_ENTRY) ? statSync(API_ENTRY).mtime.toISOString() : 'never';
}

function newestMtime(folder: string): number {
  if (!existsSync(folder)) return 0;
  let newest = 0;
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const path = join(folder, entry.name);
    const mtime = entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

function gitRevision(): string {
  const head = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (head.status !== 0) return 'an unknown revision';
  const dirty = spawnSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return `${head.stdout.trim()}${dirty.stdout.trim() === '' ? '' : ' (src/ or migrations/ modified)'}`;
}

// --- numbers ------------------------------------------------------------------------------------

function percentile(sorted: Float64Array, fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(fraction * sorted.length)));
  return sorted[rank - 1];
}

function median(values: number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

function formatKiB(kib: number | undefined): string {
  return kib === undefined ? 'n/a' : `${(kib / 1024).toFixed(1)} MiB`;
}

function describe(sample: Sample): string {
  return (
    `${fixed(sample.requestsPerSecond, 0)} req/s, ` +
    `p50 ${fixed(sample.p50, 2)} ms, p99 ${fixed(sample.p99, 2)} ms`
  );
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// --- entry --------------------------------------------------------------------------------------

process.once('exit', killChildrenNow);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping the servers`);
    killChildrenNow();
    process.exit(130);
  });
}
const watchdog = setTimeout(() => {
  log(`the benchmark did not finish within ${OVERALL_TIMEOUT_MS / 1000} s; stopping`);
  killChildrenNow();
  process.exit(1);
}, OVERALL_TIMEOUT_MS);
watchdog.unref();

main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(`bench:http failed: ${error instanceof Error ? error.message : String(error)}`);
    await stopChildren();
    process.exit(1);
  },
);
