import fc from 'fast-check';
import { LightMyRequestResponse } from 'fastify';
import { startPayouts } from '../support/payouts';
import { ownDatabase, startTestApp, TestApp } from '../support/test-app';
import { ChangeLog, installChangeLog } from './change-log';
import { buildWorld, FuzzWorld } from './fuzz-world';
import { OpenApiDocument, Operation, operationsOf } from './openapi-operations';
import { FuzzRequest, requestArbitrary } from './request-arbitrary';

export interface Defect {
  /** The operation, as the document names it: `POST /v1/payees/{id}/hold`. */
  route: string;
  request: string;
  mutation: string;
  caller: string;
  status: number | 'no answer';
  problem: string;
}

/** A request that has not answered after this long is a defect (a hung connection). */
const ANSWER_TIMEOUT_MS = 20_000;

/**
 * What every answer must satisfy, whatever was asked: no 5xx; an error is problem+json whose
 * `status` member is the HTTP status; no 2xx to a caller without a key on a non-public route, or
 * to a role the document does not list; publisher B's payees and imports in nobody else's
 * answer, its works in no other publisher's.
 */
export function checkAnswer(
  request: FuzzRequest,
  response: LightMyRequestResponse,
  privateIds: Map<string, string>,
): string[] {
  const problems: string[] = [];
  const status = response.statusCode;
  const type = String(response.headers['content-type'] ?? '');
  if (status >= 500) problems.push(`answered ${status}: ${response.body.slice(0, 300)}`);
  if (status >= 400) {
    if (!type.startsWith('application/problem+json')) {
      problems.push(`error as ${type || 'no content type'}: ${response.body.slice(0, 200)}`);
    } else {
      let body: { status?: unknown; type?: unknown; title?: unknown } | undefined;
      try {
        body = JSON.parse(response.body) as typeof body;
      } catch {
        problems.push('problem+json that is not JSON');
      }
      if (body && body.status !== status)
        problems.push(`problem status member ${JSON.stringify(body.status)} ≠ HTTP ${status}`);
      if (body && (typeof body.type !== 'string' || typeof body.title !== 'string'))
        problems.push('problem without a type or title');
    }
  }
  if (status < 300) {
    const { operation, caller } = request;
    if (caller === 'none' && !operation.isPublic)
      problems.push(`${status} without an API key on a non-public route`);
    if (
      caller !== 'none' &&
      !operation.isPublic &&
      operation.roles &&
      !operation.roles.includes(roleOf(caller))
    )
      problems.push(`${status} to the ${roleOf(caller)} role, not in x-roles`);
    if (caller !== 'publisherB' && caller !== 'operator' && caller !== 'finance') {
      for (const [id, what] of privateIds) {
        // Work ids are not secret from licensees (offers list them, the licence check names
        // the work it found): only another publisher must never see B's.
        if (what === 'work' && caller.startsWith('licensee')) continue;
        if (response.body.includes(id)) problems.push(`shows publisher B's ${what} ${id}`);
      }
    }
  }
  return problems;
}

function roleOf(caller: Exclude<FuzzRequest['caller'], 'none'>): string {
  if (caller === 'operator') return 'admin';
  if (caller === 'finance') return 'finance';
  return caller.startsWith('publisher') ? 'publisher' : 'licensee';
}

async function send(t: TestApp, request: FuzzRequest): Promise<LightMyRequestResponse | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ANSWER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([
      t.app.inject({
        method: request.method as 'GET',
        url: request.url,
        headers: request.headers,
        payload: request.payload,
      }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}

export interface FuzzSession {
  t: TestApp;
  world: FuzzWorld;
  document: OpenApiDocument;
  operations: Operation[];
  /** Sends `runs` generated requests from `seed`, in chunks; returns every defect found. */
  fuzz(seed: number, runs: number, onProgress?: (done: number) => void): Promise<Defect[]>;
  /** How the requests so far were answered: `2xx`, `4xx`, … and each status, by count. */
  answers: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A world built by the app with its workers (usage matched, a run posted), then an app without
 * workers on the same database for the fuzzing, so that every write the change log sees during a
 * request was made by that request.
 */
export async function startFuzzSession(): Promise<FuzzSession> {
  const database = await ownDatabase('fuzz');
  const harness = await startPayouts({ DATABASE_URL: database });
  const world = await buildWorld(harness).catch(async (error: unknown) => {
    await harness.close();
    throw error;
  });
  const stripe = {
    STRIPE_SECRET_KEY: harness.t.env.STRIPE_SECRET_KEY!,
    STRIPE_WEBHOOK_SECRET: harness.t.env.STRIPE_WEBHOOK_SECRET!,
    STRIPE_API_URL: harness.t.env.STRIPE_API_URL!,
    STRIPE_TIMEOUT_MS: '1000',
  };
  await harness.t.close();
  const t = await startTestApp({ DATABASE_URL: database, RUN_WORKERS: 'false', ...stripe });
  await installChangeLog(t);
  const changes = await ChangeLog.open(database);
  const document = (await t.http.get('/openapi.json')).body as OpenApiDocument;
  const operations = operationsOf(document);
  const privateIds = new Map(
    world.resources
      .filter(
        (r) => r.owner === 'publisherB' && ['payee', 'work', 'catalogue-import'].includes(r.kind),
      )
      .map((r) => [r.id, r.kind]),
  );
  const arbitrary = requestArbitrary(document, world, operations);
  const answers = new Map<string, number>();
  const count = (key: string) => answers.set(key, (answers.get(key) ?? 0) + 1);

  return {
    t,
    world,
    document,
    operations,
    answers,
    async fuzz(seed, runs, onProgress) {
      const defects: Defect[] = [];
      const chunk = 500;
      for (let done = 0; done < runs; done += chunk) {
        const requests = fc.sample(arbitrary, {
          seed: seed + done,
          numRuns: Math.min(chunk, runs - done),
        });
        for (const request of requests) {
          const before = await changes.mark();
          let response: LightMyRequestResponse | undefined;
          try {
            response = await send(t, request);
          } catch (error) {
            // light-my-request refuses what no HTTP client could send (e.g. a header it cannot
            // encode): not the service's answer, so not a defect.
            if (String(error).includes('Invalid character')) continue;
            throw error;
          }
          const status = response?.statusCode ?? 0;
          count(`${Math.floor(status / 100)}xx`);
          count(String(status));
          const found = response
            ? checkAnswer(request, response, privateIds)
            : [`no answer within ${ANSWER_TIMEOUT_MS} ms`];
          if (response && response.statusCode >= 400) {
            const written = await changes.since(before);
            if (written.length) found.push(`refused, yet wrote: ${written.join(', ')}`);
          }
          for (const problem of found) {
            defects.push({
              route: `${request.method} ${request.operation.path}`,
              request: `${request.method} ${request.url.slice(0, 160)}`,
              mutation: request.mutation,
              caller: request.caller,
              status: response?.statusCode ?? 'no answer',
              problem,
            });
          }
        }
        onProgress?.(Math.min(done + chunk, runs));
      }
      return defects;
    },
    async close() {
      await changes.close();
      await t.close();
      await harness.emulator.close();
    },
  };
}

/** Defects grouped by what went wrong and where, most frequent first, for a readable failure. */
export function summarize(defects: Defect[]): string[] {
  const groups = new Map<string, { count: number; example: Defect }>();
  for (const defect of defects) {
    const problem = defect.problem.replace(/[0-9a-f-]{36}/g, '…').slice(0, 80);
    const key = `${defect.route} · ${problem}`;
    const group = groups.get(key) ?? { count: 0, example: defect };
    group.count++;
    groups.set(key, group);
  }
  return [...groups.entries()]
    .sort((a, b) => b[1].count - a[1].count)
    .map(
      ([key, { count, example }]) =>
        `${count} × ${key}\n    e.g. ${example.caller}, ${example.mutation}: ${example.request.slice(0, 120)} → ${example.status}: ${example.problem.slice(0, 240)}`,
    );
}
