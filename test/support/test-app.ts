/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed */
import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/create-app';
import { Environment, validateEnvironment } from '../../src/config/environment';
import { databaseUrl, quoteIdentifier, withClient } from './test-database';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdefghijklmnopqrstuvwxyz';

export interface TestApp {
  app: NestFastifyApplication;
  env: Environment;
  http: Http;
  /** A client on this worker's database, for assertions the API cannot make. */
  sql<T = Record<string, unknown>>(text: string, values?: unknown[]): Promise<T[]>;
  close(): Promise<void>;
}

function workerDatabase(): { name: string; serverUrl: string; template: string; prefix: string } {
  const runId = process.env.TEST_RUN_ID;
  const serverUrl = process.env.TEST_SERVER_URL;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!runId || !serverUrl || !template)
    throw new Error('run the e2e tests through jest-e2e.config.js');
  const worker = process.env.JEST_WORKER_ID ?? '1';
  return {
    name: `rl_test_${runId}_w${worker}`,
    serverUrl,
    template,
    prefix: `rltest${runId}w${worker}`,
  };
}

/** This worker's database, cloned from the migrated template the first time it is asked for. */
async function ensureWorkerDatabase(): Promise<string> {
  const { name, serverUrl, template } = workerDatabase();
  await withClient(serverUrl, async (client) => {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (exists.rowCount === 0) {
      await client.query(
        `CREATE DATABASE ${quoteIdentifier(name)} TEMPLATE ${quoteIdentifier(template)}`,
      );
    }
  });
  return databaseUrl(serverUrl, name);
}

/**
 * A database of its own for a test file whose writes must not meet other files' (the fuzzer's
 * change log), cloned from the migrated template; the run's teardown drops it with the rest.
 */
export async function ownDatabase(suffix: string): Promise<string> {
  const { name, serverUrl, template } = workerDatabase();
  const own = `${name}_${suffix}`;
  await withClient(serverUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(own)} WITH (FORCE)`);
    await client.query(
      `CREATE DATABASE ${quoteIdentifier(own)} TEMPLATE ${quoteIdentifier(template)}`,
    );
  });
  return databaseUrl(serverUrl, own);
}

/**
 * Boots the real application (Fastify, PostgreSQL, Redis) for one test file, on this worker's
 * database unless `DATABASE_URL` is overridden (see ownDatabase).
 */
export async function startTestApp(overrides: Record<string, string> = {}): Promise<TestApp> {
  const url = overrides.DATABASE_URL ?? (await ensureWorkerDatabase());
  const env = validateEnvironment({
    ...process.env,
    DATABASE_URL: url,
    // Each app gets its own Redis namespace, so rate-limit counts never leak between test files.
    REDIS_PREFIX: `${workerDatabase().prefix}a${randomUUID().slice(0, 8)}`,
    // TEST_LOG_LEVEL=warn shows the app's logs when a test needs explaining.
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '100000',
    // Every injected request comes from 127.0.0.1: per-address limits would meet across tests.
    PUBLIC_RATE_LIMIT_PER_MINUTE: '100000',
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_FAILURES_PER_MINUTE: '100000',
    ...overrides,
  });
  const app = await createApp(env);
  return {
    app,
    env,
    http: Http.of(app),
    sql: async <T>(text: string, values: unknown[] = []) =>
      withClient(url, async (client) => (await client.query(text, values)).rows as T[]),
    close: () => app.close(),
  };
}

export interface TestResponse<T = any> {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: T;
  text: string;
}

interface RequestOptions {
  key?: string;
  body?: unknown;
  /** Sent as is, e.g. malformed JSON. */
  rawBody?: string;
  headers?: Record<string, string>;
  /** The client's address as the server sees it (default 127.0.0.1). */
  remoteAddress?: string;
}

/** One request as the tests make it, and what came back. */
interface Exchange {
  method: string;
  url: string;
  headers: Record<string, string>;
  payload?: string;
  remoteAddress?: string;
}

interface RawResponse {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** How requests reach the api: Fastify's inject in the test's process, or a socket. */
type Transport = (exchange: Exchange) => Promise<RawResponse>;

/** Through Fastify's inject: the full HTTP pipeline without a socket. */
const injectInto =
  (app: NestFastifyApplication): Transport =>
  async ({ method, url, headers, payload, remoteAddress }) => {
    const response = await app.inject({
      method: method as 'GET',
      url,
      headers,
      payload,
      ...(remoteAddress ? { remoteAddress } : {}),
    });
    return {
      statusCode: response.statusCode,
      headers: response.headers as RawResponse['headers'],
      body: response.body,
    };
  };

/** Over a socket to an api in another process (the fault tests run it from dist/). */
const overSocket =
  (baseUrl: string): Transport =>
  async ({ method, url, headers, payload }) => {
    const response = await fetch(`${baseUrl}${url}`, { method, headers, body: payload });
    const received: RawResponse['headers'] = {};
    response.headers.forEach((value, name) => (received[name] = value));
    return { statusCode: response.status, headers: received, body: await response.text() };
  };

/** Requests as a client makes them, with the key as a bearer token and bodies as JSON. */
export class Http {
  private constructor(private readonly transport: Transport) {}

  /** Through the app's own inject. */
  static of(app: NestFastifyApplication): Http {
    return new Http(injectInto(app));
  }

  /** To the api listening at `baseUrl` (e.g. http://127.0.0.1:3000). */
  static at(baseUrl: string): Http {
    return new Http(overSocket(baseUrl));
  }

  async request<T = any>(
    method: string,
    url: string,
    options: RequestOptions = {},
  ): Promise<TestResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.key) headers.authorization = `Bearer ${options.key}`;
    let payload: string | undefined;
    if (options.rawBody !== undefined) payload = options.rawBody;
    else if (options.body !== undefined) payload = JSON.stringify(options.body);
    if (payload !== undefined && !headers['content-type'])
      headers['content-type'] = 'application/json';
    const response = await this.transport({
      method,
      url,
      headers,
      payload,
      remoteAddress: options.remoteAddress,
    });
    const contentType = String(response.headers['content-type'] ?? '');
    return {
      status: response.statusCode,
      headers: response.headers,
      text: response.body,
      body:
        contentType.includes('json') && response.body ? JSON.parse(response.body) : response.body,
    };
  }

  get<T = any>(url: string, key?: string, headers?: Record<string, string>) {
    return this.request<T>('GET', url, { key, headers });
  }

  post<T = any>(
    url: string,
    key: string | undefined,
    body?: unknown,
    headers?: Record<string, string>,
  ) {
    return this.request<T>('POST', url, { key, body, headers });
  }

  delete<T = any>(url: string, key?: string) {
    return this.request<T>('DELETE', url, { key });
  }
}
