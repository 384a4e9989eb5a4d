import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

async function finished(t: TestApp, id: string, key: string) {
  for (let i = 0; i < 300; i++) {
    const response = await t.http.get(`/v1/catalogue-imports/${id}`, key);
    if (['completed', 'failed'].includes(response.body.status)) return response.body;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`import ${id} did not finish`);
}

const upload = (t: TestApp, key: string, body: string) =>
  t.http.request('POST', '/v1/catalogue-imports', {
    key,
    rawBody: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });

describe('catalogue imports across many small batches', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  beforeAll(async () => {
    // Three lines a round, two partitions: every rule has to hold across rounds and partitions.
    t = await startTestApp({ IMPORT_BATCH_LINES: '3', IMPORT_LOAD_PARALLELISM: '2' });
    publisher = await createOrganization(t.http);
  });
  afterAll(() => t.close());

  it('lets the last line win across batches and counts every line exactly once', async () => {
    const file = [
      line({ externalId: 'B-1', title: 'v1', kind: 'book', identifiers: ['ext:b-1'] }),
      line({ externalId: 'B-2', title: 'two', kind: 'book' }),
      line({ externalId: 'B-3', title: 'three', kind: 'book' }),
      line({ externalId: 'B-1', title: 'v2', kind: 'book', identifiers: ['ext:b-1'] }),
      line({ externalId: 'B-4', title: 'four', kind: 'book', identifiers: ['ext:b-2'] }),
      line({ externalId: 'B-5', title: 'five', kind: 'book', identifiers: ['ext:b-2'] }),
      line({ externalId: 'B-1', title: 'v3', kind: 'book', identifiers: ['ext:b-1'] }),
      '{"broken":',
    ].join('\n');
    const response = await upload(t, publisher.key, file);
    expect(response.status).toBe(202);
    const done = await finished(t, response.body.id, publisher.key);
    expect(done).toMatchObject({
      status: 'completed',
      linesRead: 8,
      linesProcessed: 8,
      created: 4,
      updated: 2,
      unchanged: 0,
      rejected: 2,
    });
    const b1 = (await t.http.get('/v1/works?identifier=ext:b-1', publisher.key)).body.data[0];
    expect(b1).toMatchObject({ externalId: 'B-1', title: 'v3', version: 3 });
    const errors = await t.http.get(
      `/v1/catalogue-imports/${response.body.id}/errors`,
      publisher.key,
    );
    expect(errors.body.data).toEqual([
      { lineNo: 6, externalId: 'B-5', reason: 'identifier ext:b-2 is also on line 5' },
      { lineNo: 8, externalId: null, reason: 'not valid JSON' },
    ]);
  });

  it('refuses lines with a NUL character instead of failing the file', async () => {
    const file = [
      line({ externalId: 'NUL-1', title: 'fine', kind: 'book' }),
      line({ externalId: 'NUL-2', title: 'bad\u0000title', kind: 'book' }),
    ].join('\n');
    const done = await finished(t, (await upload(t, publisher.key, file)).body.id, publisher.key);
    expect(done).toMatchObject({ created: 1, rejected: 1 });
    const json = await t.http.post('/v1/works', publisher.key, {
      externalId: 'NUL-3',
      title: 'bad\u0000title',
      kind: 'book',
    });
    expect(json.status).toBe(400);
    expect(json.body.type).toBe('https://rights-ledger.dev/problems/invalid-characters');
    expect(json.body.errors).toEqual([
      {
        field: 'title',
        messages: ['title contains a NUL character (U+0000), which text cannot hold'],
      },
    ]);
  });
});

describe('catalogue imports over the size limit', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ IMPORT_MAX_BYTES: '2048' });
  });
  afterAll(() => t.close());

  it('answers 413 and stores nothing', async () => {
    const publisher = await createOrganization(t.http);
    const file = Array.from({ length: 50 }, (_, i) =>
      line({ externalId: `BIG-${i}`, title: 'x'.repeat(40), kind: 'book' }),
    ).join('\n');
    const response = await upload(t, publisher.key, file);
    expect(response.status).toBe(413);
    expect(response.body.type).toBe('https://rights-ledger.dev/problems/payload-too-large');
    expect(
      await t.sql('SELECT count(*)::int AS n FROM catalogue_imports WHERE organization_id = $1', [
        publisher.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });
});

describe('catalogue imports after a lost job', () => {
  it('are picked up from the database by a worker that starts later', async () => {
    // An api without workers receives the file; its job is then lost (Redis flushed, say).
    const api = await startTestApp({ RUN_WORKERS: 'false' });
    const publisher = await createOrganization(api.http);
    const response = await upload(
      api,
      publisher.key,
      line({ externalId: 'LOST-1', title: 'Lost', kind: 'book' }),
    );
    expect(response.body.status).toBe('queued');
    await api.close();

    // Another process with workers (fresh Redis namespace: no job there) finds it at start.
    const worker = await startTestApp();
    try {
      const done = await finished(worker, response.body.id, publisher.key);
      expect(done).toMatchObject({ status: 'completed', created: 1 });
    } finally {
      await worker.close();
    }
  });
});
