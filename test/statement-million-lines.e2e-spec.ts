import { ChildProcess, spawn } from 'node:child_process';
import * as http from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { encodeLineCursor } from '../src/royalties/statements.service';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { calculatedRun } from './factories/royalties.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { financeKey } from './support/payouts';
import { startTestApp, TestApp } from './support/test-app';

const LINES = 1_000_000;
/** `npm start`'s cap (package.json): the api must serve any statement inside it. */
const HEAP_CAP_MB = 160;
// ts-node with swc: quick to start, and no TypeScript compiler in the heap under test.
const ENTRY = [
  `--max-old-space-size=${HEAP_CAP_MB}`,
  '-r',
  'ts-node/register/transpile-only',
  'src/main.ts',
];

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once the child has printed `text`; rejects with what it printed if it exits first. */
function waitForOutput(child: ChildProcess, read: () => string, text: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (read().includes(text)) {
        clearInterval(check);
        resolve();
      } else if (child.exitCode !== null) {
        clearInterval(check);
        reject(new Error(`api exited ${child.exitCode}:\n${read()}`));
      }
    }, 50);
  });
}

interface Download {
  status: number;
  headers: http.IncomingHttpHeaders;
  rows: number;
  first: string[];
  last: string;
}

/**
 * GET over a real socket, reading the body as it arrives and keeping only the count of rows and
 * the edge rows (the client must not be the one holding a million lines).
 */
function download(port: number, path: string, key: string, accept: string): Promise<Download> {
  return new Promise((resolve, reject) => {
    const request = http.get(
      { host: '127.0.0.1', port, path, headers: { authorization: `Bearer ${key}`, accept } },
      (response) => {
        let rows = 0;
        let head = '';
        let tail = Buffer.alloc(0);
        response.on('data', (chunk: Buffer) => {
          for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, at + 1)) rows += 1;
          if (head.length < 4096) head += chunk.toString('utf8', 0, 4096);
          tail = Buffer.concat([tail, chunk]).subarray(-1024);
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            rows,
            first: head.split('\n').slice(0, 3),
            last: tail.toString('utf8').trimEnd().split('\n').pop()!,
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
  });
}

async function getJson(port: number, path: string, key: string) {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    headers: { authorization: `Bearer ${key}` },
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a JSON body, read like t.http's
  return { status: response.status, body: (await response.json()) as Record<string, any> };
}

// This file keeps to 2046, which no other test reports in.
describe('a statement of 1,000,000 lines within the api heap cap', () => {
  let t: TestApp;
  let api: ChildProcess | undefined;
  let output = '';
  let port: number;
  let finance: string;
  let publisher: OrganizationFixture;
  let statement: { id: string };
  let partition: string;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    finance = await financeKey(t);
    const [ada, bob] = [
      await createPayee(t.http, publisher.key),
      await createPayee(t.http, publisher.key),
    ];
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [
        { payeeId: ada.id, shareBps: 7000 },
        { payeeId: bob.id, shareBps: 3000 },
      ],
    });
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2046-01-01', end: '2046-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '2' }] },
      }),
    );
    await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [{ lineId: 'a', workId: work.id, usage: 'ai-train', units: '50000', unit: 'token' }],
        {
          periodStart: '2046-03-01',
          periodEnd: '2046-03-31',
        },
      ),
    );
    expect((await settledReport(t, licensee.key, report.body.id as string)).body.status).toBe(
      'accepted',
    );
    const run = await calculatedRun(t, finance, '2046-03-01', '2046-03-31');
    expect(run.body.status).toBe('calculated');
    const runId = run.body.id as string;

    // The run's one charge (100 EUR cents), copied to a million: Ada's statement then derives a
    // million lines of 70 cents. Built in SQL: the API would need a million usage lines.
    [{ partition }] = await t.sql<{ partition: string }>(
      `SELECT royalty_charges_partition($1) AS partition`,
      [runId],
    );
    await t.sql(
      `INSERT INTO royalty_charges (run_id, invoice_id, line_no, kind, agreement_id, agreement_version,
              work_id, usage, unit, units, rate, per, exact, gross, commission, split_version,
              split_shape_id)
       SELECT run_id, invoice_id, line_no + g, kind, agreement_id, agreement_version, work_id,
              usage, unit, units, rate, per, exact, gross, commission, split_version, split_shape_id
         FROM royalty_charges, generate_series(1, $2::int - 1) g
        WHERE run_id = $1`,
      [runId, LINES],
    );
    const [one] = await t.sql<{ gross: number; commission: number }>(
      `SELECT gross::int, commission::int FROM royalty_charges WHERE run_id = $1 AND line_no = 1`,
      [runId],
    );
    expect(one).toEqual({ gross: 100, commission: 10 });
    statement = (await t.http.get(`/v1/statements?runId=${runId}&payeeId=${ada.id}`, finance)).body
      .data[0];

    // The api as `npm start` runs it (160 MB heap), on this file's database.
    port = await freePort();
    api = spawn(process.execPath, ENTRY, {
      env: {
        ...process.env,
        DATABASE_URL: t.env.DATABASE_URL,
        MIGRATIONS_RUN: 'false',
        RUN_WORKERS: 'false',
        BOOTSTRAP_ADMIN_KEY: '',
        HOST: '127.0.0.1',
        PORT: String(port),
        LOG_LEVEL: 'info',
        REDIS_PREFIX: `${t.env.REDIS_PREFIX}m`,
        RATE_LIMIT_PER_MINUTE: '100000',
        TS_NODE_SWC: 'true',
      },
    });
    api.stdout!.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    api.stderr!.on(
      'data',
      (chunk: Buffer) => (output = (output + chunk.toString()).slice(-20_000)),
    );
    await waitForOutput(api, () => output, 'listening on');
  }, 120_000);

  afterAll(async () => {
    if (api && api.exitCode === null) {
      const exited = new Promise((resolve) => api!.once('exit', resolve));
      api.kill('SIGTERM');
      await exited;
    }
    // Leave the worker's database as small as other files expect it.
    if (partition) await t.sql(`TRUNCATE ${partition}`);
    await t.close();
  });

  it('streams the CSV: every line, then the total row, the api alive within its heap cap', async () => {
    const csv = await download(port, `/v1/statements/${statement.id}`, finance, 'text/csv');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.rows).toBe(1 + LINES + 1);
    expect(csv.first[0]).toMatch(/^lineNo,kind,agreementId,/);
    expect(csv.first[1]).toMatch(/^1,per-unit,[0-9a-f-]{36},[0-9a-f-]{36},ai-train,token,50000,/);
    expect(csv.first[2]).toMatch(/^2,per-unit,/);
    // The total row is the statement's, as calculated (the run's one charge: 70 for Ada).
    expect(csv.last).toBe('total,,,,,,,,,,70,7,63,,,,,');
    expect(api!.exitCode).toBeNull();
  }, 120_000);

  it('pages the JSON: the statement with its first 200 lines and the cursor of the next page', async () => {
    const head = await getJson(port, `/v1/statements/${statement.id}`, finance);
    expect(head.status).toBe(200);
    expect(head.body).toMatchObject({ id: statement.id, gross: 70, commission: 7, net: 63 });
    expect(head.body.lines).toHaveLength(200);
    expect(head.body.lines[199]).toMatchObject({ lineNo: 200, gross: 70, commission: 7, net: 63 });
    expect(head.body.linesNextCursor).toBe(encodeLineCursor(200));

    expect(api!.exitCode).toBeNull();
  }, 120_000);

  it('refuses a cursor it did not give out, and another publisher sees nothing', async () => {
    const bad = await getJson(port, `/v1/statements/${statement.id}/lines?cursor=bm9wZQ`, finance);
    expect(bad.status).toBe(400);
    expect(bad.body.type).toBe('https://rights-ledger.dev/problems/invalid-cursor');
    const other = await createOrganization(t.http);
    const foreign = await getJson(port, `/v1/statements/${statement.id}/lines`, other.key);
    expect(foreign.status).toBe(404);
  });
});
