import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { orphanStagingTables, postNdjson } from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const IDLE_MS = 1500;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** An upload over a real socket: its first bytes sent, the rest never, or a byte at a time. */
interface OpenUpload {
  /** Settles when the service answers (before the body is complete, if it refuses it). */
  answer: Promise<Answer>;
  /** Sends a byte every `everyMs` (a blank line: it changes nothing), as a trickling client. */
  trickle(everyMs: number): void;
  /** The client goes away. */
  destroy(): void;
}

function usageQuery(reportId: string, lineCount: string): string {
  return new URLSearchParams({
    reportId,
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
    lineCount,
    units: '100',
  }).toString();
}

function line(lineId: string): string {
  return `${JSON.stringify({ lineId, workId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', usage: 'ai-train', units: 100, unit: 'token' })}\n`;
}

function openUpload(port: number, key: string, path: string, firstBytes: string): OpenUpload {
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path,
    agent: false,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
  });
  let timer: NodeJS.Timeout | undefined;
  const answer = new Promise<Answer>((resolve, reject) => {
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
  });
  answer.catch(() => undefined);
  request.write(firstBytes);
  return {
    answer,
    trickle(everyMs) {
      timer = setInterval(() => request.write('\n'), everyMs);
    },
    destroy() {
      clearInterval(timer);
      request.destroy();
    },
  };
}

/** The promise's value, or a failure naming what did not answer within `ms`. */
async function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Uploads cannot take the database (issue 16)', () => {
  let t: TestApp;
  let port: number;
  let publisher: OrganizationFixture;
  const open: OpenUpload[] = [];

  beforeAll(async () => {
    t = await startTestApp({
      DATABASE_POOL_SIZE: '6',
      UPLOADS_PER_PROCESS: '4',
      UPLOADS_PER_ORGANIZATION: '2',
      UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
      // These tests trickle on purpose; the minimum rate has its own below.
      UPLOAD_MIN_BYTES_PER_SECOND: '0',
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
    publisher = await createOrganization(t.http, { kind: 'publisher' });
  });

  afterEach(async () => {
    for (const upload of open.splice(0)) upload.destroy();
    await pause(200);
  });

  afterAll(async () => {
    await t?.close();
  });

  function upload(key: string, path: string, firstBytes: string): OpenUpload {
    const started = openUpload(port, key, path, firstBytes);
    open.push(started);
    return started;
  }

  it('more trickling uploads from one key than the pool has connections leave the rest of the API answering', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const uploads = Array.from({ length: 8 }, (_, i) =>
      upload(licensee.key, `/v1/usage-reports?${usageQuery(`trickle-${i}`, '1')}`, line(`l${i}`)),
    );
    const statuses: (number | undefined)[] = uploads.map(() => undefined);
    uploads.forEach((started, i) => {
      started.answer.then((a) => (statuses[i] = a.status)).catch(() => undefined);
    });
    // A byte every third of the idle timeout: never idle long enough to be cut off.
    for (const started of uploads) started.trickle(IDLE_MS / 3);
    await pause(500);

    const works = await within(5000, 'GET /v1/works', t.http.get('/v1/works', publisher.key));
    expect(works.status).toBe(200);
    const payee = await within(
      5000,
      'POST /v1/payees',
      t.http.post('/v1/payees', publisher.key, {
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        country: 'GB',
        currency: 'GBP',
      }),
    );
    expect(payee.status).toBe(201);

    // Two of the eight hold their organization's slots and still trickle; six were refused.
    for (let i = 0; i < 50 && statuses.filter(Boolean).length < 6; i++) await pause(100);
    expect(statuses.filter((status) => status === 429)).toHaveLength(6);
    expect(statuses.filter((status) => status === undefined)).toHaveLength(2);
  });

  it('refuses an organization a third upload at once with 429 and Retry-After; another organization still uploads', async () => {
    const busy = await createOrganization(t.http, { kind: 'licensee' });
    const other = await createOrganization(t.http, { kind: 'licensee' });
    const first = upload(busy.key, `/v1/usage-reports?${usageQuery('busy-1', '1')}`, line('a'));
    const second = upload(busy.key, `/v1/usage-reports?${usageQuery('busy-2', '1')}`, line('a'));
    first.trickle(IDLE_MS / 3);
    second.trickle(IDLE_MS / 3);
    await pause(300);

    const third = await postNdjson(
      t,
      busy.key,
      { reportId: 'busy-3', lineCount: 1, units: 100 },
      line('a'),
    );
    expect(third.statusCode).toBe(429);
    expect(third.headers['content-type']).toContain('application/problem+json');
    expect(third.headers['retry-after']).toBe('10');
    expect(third.json()).toMatchObject({ type: `${PROBLEM}too-many-uploads`, status: 429 });
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/catalogue-imports',
      headers: {
        authorization: `Bearer ${busy.key}`,
        'content-type': 'application/x-ndjson',
      },
      payload: '{"externalId":"x","title":"x","kind":"book"}\n',
    });
    // (A licensee may not import a catalogue at all; the role answers first.)
    expect(imported.statusCode).toBe(403);

    const elsewhere = await postNdjson(
      t,
      other.key,
      { reportId: 'other-1', lineCount: 1, units: 100 },
      line('a'),
    );
    expect(elsewhere.statusCode).toBe(202);

    // The client goes away: its slot comes back.
    first.destroy();
    let again = 0;
    for (let attempt = 0; attempt < 50 && again !== 202; attempt++) {
      await pause(100);
      again = (
        await postNdjson(
          t,
          busy.key,
          { reportId: `busy-again-${attempt}`, lineCount: 1, units: 100 },
          line('a'),
        )
      ).statusCode;
    }
    expect(again).toBe(202);
    expect(
      await t.sql(`SELECT report_id FROM usage_reports WHERE report_id LIKE 'busy-_'`),
    ).toEqual([]);
  });

  it('aborts a stalled usage report after the idle timeout with 408 and keeps nothing of it', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const stalled = upload(
      licensee.key,
      `/v1/usage-reports?${usageQuery('stalled-1', '3')}`,
      `${line('a')}${line('b')}{"lineId":"c","wor`,
    );
    const answer = await within(IDLE_MS + 10_000, 'the stalled upload', stalled.answer);
    expect(answer.status).toBe(408);
    expect(answer.headers['content-type']).toContain('application/problem+json');
    expect(answer.body).toMatchObject({ type: `${PROBLEM}upload-stalled`, status: 408 });
    expect(await t.sql(`SELECT 1 FROM usage_reports WHERE report_id = 'stalled-1'`)).toEqual([]);
    expect(await orphanStagingTables(t)).toEqual([]);
    // Its slot came back.
    const next = await postNdjson(
      t,
      licensee.key,
      { reportId: 'after-stall', lineCount: 1, units: 100 },
      line('a'),
    );
    expect(next.statusCode).toBe(202);
  });

  it('aborts a stalled catalogue import after the idle timeout with 408 and keeps nothing of it', async () => {
    const own = await createOrganization(t.http, { kind: 'publisher' });
    const stalled = upload(
      own.key,
      '/v1/catalogue-imports',
      '{"externalId":"s-1","title":"Stalled","kind":"book"}\n{"externalId":"s-2",',
    );
    const answer = await within(IDLE_MS + 10_000, 'the stalled import', stalled.answer);
    expect(answer.status).toBe(408);
    expect(answer.body).toMatchObject({ type: `${PROBLEM}upload-stalled`, status: 408 });
    expect(
      await t.sql(`SELECT 1 FROM catalogue_imports WHERE organization_id = $1`, [own.id]),
    ).toEqual([]);
  });

  it('does not allocate for a declared lineCount of 10^12 before the lines arrive', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const before = process.memoryUsage().arrayBuffers;
    const uploads = [1, 2].map((i) =>
      upload(
        licensee.key,
        `/v1/usage-reports?${usageQuery(`huge-${i}`, '1000000000000')}`,
        line('a'),
      ),
    );
    for (const started of uploads) started.trickle(IDLE_MS / 3);
    await pause(500);
    const grown = process.memoryUsage().arrayBuffers - before;
    // Sized by the declaration, each would take 32 MiB at once.
    expect(grown).toBeLessThan(16 * 1024 * 1024);
  });
});

describe('Uploads must keep a minimum rate (issue 16)', () => {
  let t: TestApp;
  let port: number;

  beforeAll(async () => {
    t = await startTestApp({
      UPLOAD_IDLE_TIMEOUT_MS: String(IDLE_MS),
      UPLOAD_MIN_BYTES_PER_SECOND: '100',
    });
    await t.app.listen(0, '127.0.0.1');
    port = (t.app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => t?.close());

  it('aborts an upload that trickles a byte at a time (never idle) with 408 and keeps nothing', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const trickling = openUpload(
      port,
      licensee.key,
      `/v1/usage-reports?${usageQuery('trickle-slow', '1')}`,
      line('a'),
    );
    // A byte every 300 ms: 3 or 4 a second against the 100 required, and never idle 1.5 s.
    trickling.trickle(300);
    try {
      const answer = await within(IDLE_MS * 3 + 10_000, 'the trickling upload', trickling.answer);
      expect(answer.status).toBe(408);
      expect(answer.body).toMatchObject({ type: `${PROBLEM}upload-too-slow`, status: 408 });
      expect(answer.body.detail).toBe(
        `The upload arrived at fewer than 100 bytes a second for ${IDLE_MS} ms; nothing of it was kept, send it again`,
      );
    } finally {
      trickling.destroy();
    }
    expect(await t.sql(`SELECT 1 FROM usage_reports WHERE report_id = 'trickle-slow'`)).toEqual([]);
    expect(await orphanStagingTables(t)).toEqual([]);
  });

  it('takes an upload that arrives at once', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const response = await postNdjson(
      t,
      licensee.key,
      { reportId: 'quick', lineCount: 2, units: 200 },
      `${line('a')}${line('b')}`,
    );
    expect(response.statusCode).toBe(202);
  });
});
