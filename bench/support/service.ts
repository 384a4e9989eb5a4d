/**
 * The service as the benches run it: the api and the worker started from a build (dist/ or a copy
 * of it) as deployed, each awaited until ready, and the set-up they do through its API
 * (organizations with their keys, finance keys, offers).
 */
import { freePort, RequestJson } from './http';
import { apiNodeFlags } from './node-flags';
import { ChildProcesses, Watched } from './processes';

export interface StartedApi {
  api: Watched;
  /** http://127.0.0.1:<port> */
  base: string;
}

/**
 * The api from `entry` on a free loopback port, as deployed (docker-compose.yml): it serves HTTP
 * (RUN_WORKERS=false), the worker runs the queues; NODE_ENV=production, LOG_LEVEL=warn, and the
 * V8 flags `npm start` gives it unless `nodeFlags` is false. `env` adds to (or overrides)
 * process.env and those. Resolves once `readyPath` answers 200.
 */
export async function startApi(
  children: ChildProcesses,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
  options: { nodeFlags?: boolean; readyPath?: string } = {},
): Promise<StartedApi> {
  const { nodeFlags = true, readyPath = '/health/live' } = options;
  const port = await freePort();
  const api = children.start(name, [...(nodeFlags ? apiNodeFlags() : []), entry], {
    ...process.env,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    RUN_WORKERS: 'false',
    ...env,
  });
  const base = `http://127.0.0.1:${port}`;
  await children.waitForOk(api, `${base}${readyPath}`);
  return { api, base };
}

/**
 * The api that migrates a fresh database (`databaseUrl`) and serves a bench's set-up: the admin
 * key bootstrapped, the rate limit out of the way; `env` adds to that.
 */
export function startSetupApi(
  children: ChildProcesses,
  name: string,
  entry: string,
  setup: { databaseUrl: string; redisUrl: string; redisPrefix: string; adminKey: string },
  env: NodeJS.ProcessEnv = {},
): Promise<StartedApi> {
  return startApi(children, name, entry, {
    DATABASE_URL: setup.databaseUrl,
    REDIS_URL: setup.redisUrl,
    REDIS_PREFIX: setup.redisPrefix,
    MIGRATIONS_RUN: 'true',
    BOOTSTRAP_ADMIN_KEY: setup.adminKey,
    RATE_LIMIT_PER_MINUTE: '1000000000',
    SHUTDOWN_GRACE_MS: '5000',
    ...env,
  });
}

/**
 * The worker (`entry`, dist/src/worker.js or its copy): NODE_ENV=production, `env` added to
 * process.env; no HTTP listener, no migrations (the api ran them). LOG_LEVEL=info: the one way to see it is ready ("worker
 * started") and the lines a bench reads its own timings from; the others are not forwarded.
 */
export async function startWorker(
  children: ChildProcesses,
  name: string,
  entry: string,
  env: NodeJS.ProcessEnv,
): Promise<Watched> {
  const worker = children.start(name, [entry], {
    ...process.env,
    NODE_ENV: 'production',
    ...env,
    HOST: '127.0.0.1',
    PORT: '0',
    LOG_LEVEL: 'info',
    MIGRATIONS_RUN: 'false',
  });
  await children.waitForLine(worker, /worker started/, 'the worker');
  return worker;
}

export interface Organization {
  organizationId: string;
  /** Its first principal's API key. */
  key: string;
}

/** createOrganization bound to an api and its admin key. */
export function organizationMaker(
  requestJson: RequestJson,
  base: string,
  adminKey: string,
): (name: string, kind: 'publisher' | 'licensee') => Promise<Organization> {
  return (name, kind) => createOrganization(requestJson, base, adminKey, name, kind);
}

/** Publishers "Bench Publisher 0" … "Bench Publisher <count - 1>", made one after the other. */
export async function createPublishers(
  organization: (name: string, kind: 'publisher') => Promise<Organization>,
  count: number,
): Promise<Organization[]> {
  const publishers: Organization[] = [];
  for (let p = 0; p < count; p++) {
    publishers.push(await organization(`Bench Publisher ${p}`, 'publisher'));
  }
  return publishers;
}

/** POST /v1/organizations with the admin key; its principal is named `principalName`. */
export async function createOrganization(
  requestJson: RequestJson,
  base: string,
  adminKey: string,
  name: string,
  kind: 'publisher' | 'licensee',
  principalName = `${name} bench`,
): Promise<Organization> {
  const created = await requestJson<{ organization: { id: string }; apiKey: { key: string } }>(
    base,
    'POST',
    '/v1/organizations',
    adminKey,
    { name, kind, principal: { name: principalName } },
    201,
  );
  return { organizationId: created.organization.id, key: created.apiKey.key };
}

/** A finance principal's key for each name, in the admin's (operator) organization. */
export async function issueFinanceKeys(
  requestJson: RequestJson,
  base: string,
  adminKey: string,
  principalNames: string[],
): Promise<string[]> {
  const me = await requestJson<{ organization: { id: string } }>(
    base,
    'GET',
    '/v1/me',
    adminKey,
    undefined,
    200,
  );
  const keys: string[] = [];
  for (const principalName of principalNames) {
    const finance = await requestJson<{ key: string }>(
      base,
      'POST',
      `/v1/organizations/${me.organization.id}/api-keys`,
      adminKey,
      { principalName, role: 'finance' },
      201,
    );
    keys.push(finance.key);
  }
  return keys;
}

/**
 * `perPublisher` offers of each publisher (offer j of publisher p is `offerBody(p, j)`) through
 * POST /v1/licence-offers, four requests at a time.
 */
export async function publishOffers(
  requestJson: RequestJson,
  base: string,
  publisherKeys: string[],
  perPublisher: number,
  offerBody: (p: number, j: number) => Record<string, unknown>,
): Promise<void> {
  const jobs: [number, number][] = [];
  for (let p = 0; p < publisherKeys.length; p++) {
    for (let j = 0; j < perPublisher; j++) jobs.push([p, j]);
  }
  let next = 0;
  const publish = async () => {
    while (next < jobs.length) {
      const [p, j] = jobs[next++];
      await requestJson(base, 'POST', '/v1/licence-offers', publisherKeys[p], offerBody(p, j), 201);
    }
  };
  await Promise.all(Array.from({ length: 4 }, publish));
}
