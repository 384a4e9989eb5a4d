/**
 * Child process of bench/catalogue.ts: `GET /v1/works?identifier=isbn:…` timed in-process
 * (around Fastify `inject` in this one process, which boots the app from src/; no network), against
 * the baseline of the one hand-written SQL query that answers the same question, timed with a
 * plain `pg` client on the same database. Sequential lookups (latency, not throughput) of
 * identifiers drawn from the whole catalogue with a seeded PRNG, a fresh sample for each round
 * and method; one warm-up round, then BENCH_LOOKUP_ROUNDS rounds, the order of the two methods
 * alternating from round to round. Each answer is checked (one work, the expected externalId).
 *
 * The tables are measured after `ANALYZE`: autovacuum would have analyzed them a minute after a
 * big import (it is off on some machines, and the bench starts at once). A short probe of each
 * method before the ANALYZE records how lookups behave as the import left the tables.
 * A round also ends after BENCH_LOOKUP_ROUND_SECONDS (default 30), so a slow path stays bounded.
 *
 * Environment (set by bench/catalogue.ts): BENCH_DATABASE_URL, BENCH_REDIS_PREFIX, BENCH_KEY (a
 * publisher key), BENCH_ORGANIZATION_ID, BENCH_WORKS, BENCH_RESULT_FILE (JSON written there),
 * BENCH_LOOKUPS (per round and method), BENCH_LOOKUP_WARMUP, BENCH_LOOKUP_ROUNDS.
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Client } from 'pg';
import { validateEnvironment } from '../../src/config/environment';
import { createApp } from '../../src/create-app';
import { externalIdOf, isbnOf, mulberry32, SEED } from './data';
import { BASELINE_SQL, LookupResult, LookupRound } from './lookup-shared';
import { median, percentile } from '../support/stats';

/** Lookups per method before ANALYZE, and their time limit in seconds. */
const PROBE_LOOKUPS = 20;
const PROBE_SECONDS = 20;
const MIN_LOOKUPS = 5;

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

async function main(): Promise<void> {
  const databaseUrl = required('BENCH_DATABASE_URL');
  const key = required('BENCH_KEY');
  const organizationId = required('BENCH_ORGANIZATION_ID');
  const works = Number(required('BENCH_WORKS'));
  const resultFile = required('BENCH_RESULT_FILE');
  const lookups = Number(process.env.BENCH_LOOKUPS || 2000);
  const warmupLookups = Number(process.env.BENCH_LOOKUP_WARMUP || 500);
  const rounds = Number(process.env.BENCH_LOOKUP_ROUNDS || 3);
  /** A round also ends after this long (at least MIN_LOOKUPS done): a slow path stays bounded. */
  const roundSeconds = Number(process.env.BENCH_LOOKUP_ROUND_SECONDS || 30);

  const app = await createApp(
    validateEnvironment({
      ...process.env,
      NODE_ENV: 'production',
      DATABASE_URL: databaseUrl,
      REDIS_PREFIX: required('BENCH_REDIS_PREFIX'),
      LOG_LEVEL: 'silent',
      RUN_WORKERS: 'false',
      MIGRATIONS_RUN: 'false',
      RATE_LIMIT_PER_MINUTE: '100000000',
    }),
  );
  const client = new Client({ connectionString: databaseUrl, application_name: 'bench-lookup' });
  await client.connect();
  const headers = { authorization: `Bearer ${key}` };

  const viaService = async (i: number): Promise<number> => {
    const url = `/v1/works?identifier=isbn:${isbnOf(i)}`;
    const started = process.hrtime.bigint();
    const response = await app.inject({ method: 'GET', url, headers });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (response.statusCode !== 200) {
      throw new Error(`${url} answered ${response.statusCode}: ${response.body.slice(0, 300)}`);
    }
    const body = JSON.parse(response.body) as { data: { externalId: string }[] };
    if (body.data.length !== 1 || body.data[0].externalId !== externalIdOf(i)) {
      throw new Error(
        `${url} answered ${response.body.slice(0, 300)}; expected ${externalIdOf(i)}`,
      );
    }
    return ms;
  };
  const viaSql = async (i: number): Promise<number> => {
    const started = process.hrtime.bigint();
    const result = await client.query<{ external_id: string }>(BASELINE_SQL, [
      'isbn',
      isbnOf(i),
      organizationId,
    ]);
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (result.rows.length !== 1 || result.rows[0].external_id !== externalIdOf(i)) {
      throw new Error(`the baseline query found ${result.rows.length} rows for work ${i}`);
    }
    return ms;
  };

  let sampleSeed = SEED;
  const round = async (
    method: (i: number) => Promise<number>,
    count: number,
    seconds = roundSeconds,
  ): Promise<LookupRound> => {
    sampleSeed = (sampleSeed + 0x9e3779b9) >>> 0;
    const random = mulberry32(sampleSeed);
    const times: number[] = [];
    const deadline = Date.now() + seconds * 1000;
    while (times.length < count && (times.length < MIN_LOOKUPS || Date.now() < deadline)) {
      times.push(await method(1 + Math.floor(random() * works)));
    }
    return {
      medianMs: median(times),
      p99Ms: percentile(times, 0.99),
      meanMs: times.reduce((sum, ms) => sum + ms, 0) / times.length,
      lookups: times.length,
    };
  };

  try {
    // The app's own first requests (connections, JIT) without touching works.
    for (let k = 0; k < 20; k++) {
      const response = await app.inject({ method: 'GET', url: '/v1/me', headers });
      if (response.statusCode !== 200)
        throw new Error(`GET /v1/me answered ${response.statusCode}`);
    }
    // As the import left the tables: statistics only if autovacuum has analyzed them since.
    const { rows: stats } = await client.query<{ analyzed: boolean; autovacuum: string }>(
      `SELECT bool_and(coalesce(last_analyze, last_autoanalyze) IS NOT NULL) AS analyzed,
              current_setting('autovacuum') AS autovacuum
         FROM pg_stat_user_tables WHERE relname IN ('works', 'work_identifiers', 'work_splits')`,
    );
    const beforeAnalyze = {
      statsPresent: stats[0]?.analyzed ?? false,
      autovacuum: stats[0]?.autovacuum ?? 'unknown',
      service: await round(viaService, PROBE_LOOKUPS, PROBE_SECONDS),
      baseline: await round(viaSql, PROBE_LOOKUPS, PROBE_SECONDS),
      analyzeSeconds: 0,
    };
    const analyzeStarted = process.hrtime.bigint();
    await client.query('ANALYZE works, work_identifiers, work_splits');
    beforeAnalyze.analyzeSeconds = Number(process.hrtime.bigint() - analyzeStarted) / 1e9;

    const warmup = {
      service: await round(viaService, warmupLookups),
      baseline: await round(viaSql, warmupLookups),
    };
    const result: LookupResult = {
      service: [],
      baseline: [],
      warmup,
      beforeAnalyze,
      explain: '',
    };
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        result.service.push(await round(viaService, lookups));
        result.baseline.push(await round(viaSql, lookups));
      } else {
        result.baseline.push(await round(viaSql, lookups));
        result.service.push(await round(viaService, lookups));
      }
    }
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, BUFFERS) ${BASELINE_SQL}`,
      ['isbn', isbnOf(Math.max(1, Math.floor(works / 2))), organizationId],
    );
    result.explain = plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    writeFileSync(resultFile, JSON.stringify(result));
  } finally {
    await client.end().catch(() => undefined);
    await app.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `lookup failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);
