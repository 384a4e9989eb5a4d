import { createPayee, createWork } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('catalogue imports', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let author: { id: string };
  let defaultPayeeId: string;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    author = await createPayee(t.http, publisher.key);
    defaultPayeeId = (await t.http.get('/v1/payees', publisher.key)).body.data.find(
      (p: { isDefault: boolean }) => p.isDefault,
    ).id;
  });
  afterAll(() => t.close());

  async function upload(
    body: string,
    contentType = 'application/x-ndjson',
    key = publisher.key,
    query = '',
  ) {
    return t.http.request('POST', `/v1/catalogue-imports${query}`, {
      key,
      rawBody: body,
      headers: { 'content-type': contentType },
    });
  }

  async function finished(id: string, key = publisher.key) {
    for (let i = 0; i < 200; i++) {
      const response = await t.http.get(`/v1/catalogue-imports/${id}`, key);
      if (['completed', 'failed'].includes(response.body.status)) return response.body;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`import ${id} did not finish`);
  }

  const line = (fields: Record<string, unknown>) => JSON.stringify(fields);

  it('loads good lines, rejects bad ones with line numbers, and counts exactly', async () => {
    const taken = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '9781402894626' }],
    });
    const foreignPayee = await createPayee(t.http, (await createOrganization(t.http)).key);
    const file = [
      line({
        externalId: 'IMP-1',
        title: 'One',
        kind: 'book',
        identifiers: ['isbn:0-306-40615-2', 'doi:10.1000/IMP1'],
      }),
      line({
        externalId: 'IMP-2',
        title: 'Two',
        kind: 'article',
        splits: [
          { payeeId: author.id, shareBps: 6000 },
          { payeeId: defaultPayeeId, shareBps: 4000 },
        ],
      }),
      '',
      '{"externalId": "IMP-4", "title": ',
      line({ externalId: 'IMP-5', title: 'Five', kind: 'novel' }),
      line({
        externalId: 'IMP-6',
        title: 'Six',
        kind: 'book',
        identifiers: ['isbn:9781402894626'],
      }),
      line({
        externalId: 'IMP-7',
        title: 'Seven',
        kind: 'book',
        splits: [{ payeeId: foreignPayee.id, shareBps: 10000 }],
      }),
      line({
        externalId: 'IMP-8',
        title: 'Eight',
        kind: 'book',
        identifiers: ['doi:10.1000/imp1'],
      }),
      line({ externalId: 'IMP-9', title: 'Nine', kind: 'book', colour: 'red' }),
    ].join('\n');
    const response = await upload(file);
    expect(response.status).toBe(202);
    expect(response.body).toMatchObject({ format: 'ndjson', linesRead: 9 });
    const done = await finished(response.body.id);
    expect(done).toMatchObject({
      status: 'completed',
      linesRead: 9,
      linesProcessed: 9,
      created: 2,
      updated: 0,
      unchanged: 0,
      rejected: 6,
      failure: null,
    });
    const errors = await t.http.get(
      `/v1/catalogue-imports/${response.body.id}/errors`,
      publisher.key,
    );
    expect(errors.body.data).toEqual([
      { lineNo: 4, externalId: null, reason: 'not valid JSON' },
      { lineNo: 5, externalId: 'IMP-5', reason: expect.stringMatching(/^kind must be one of/) },
      {
        lineNo: 6,
        externalId: 'IMP-6',
        reason: `identifier isbn:9781402894626 is already registered to work ${taken.id}`,
      },
      {
        lineNo: 7,
        externalId: 'IMP-7',
        reason: `payee ${foreignPayee.id} is not one of this publisher's payees`,
      },
      { lineNo: 8, externalId: 'IMP-8', reason: 'identifier doi:10.1000/imp1 is also on line 1' },
      { lineNo: 9, externalId: 'IMP-9', reason: 'unknown field colour' },
    ]);

    const one = await t.http.get('/v1/works?identifier=isbn:9780306406157', publisher.key);
    expect(one.body.data).toEqual([
      expect.objectContaining({
        externalId: 'IMP-1',
        title: 'One',
        identifiers: [
          { scheme: 'doi', value: '10.1000/imp1' },
          { scheme: 'isbn', value: '9780306406157' },
        ],
        splits: [{ payeeId: defaultPayeeId, shareBps: 10000 }],
        version: 1,
      }),
    ]);
    const two = (await t.http.get('/v1/works?q=Two', publisher.key)).body.data[0];
    expect(two.splits).toEqual(
      [
        { payeeId: author.id, shareBps: 6000 },
        { payeeId: defaultPayeeId, shareBps: 4000 },
      ].sort((a, b) => (a.payeeId < b.payeeId ? -1 : 1)),
    );
    const splitVersions = await t.http.get(
      `/v1/works/${two.id as string}/split-versions`,
      publisher.key,
    );
    expect(splitVersions.body.data).toEqual([
      expect.objectContaining({ splitVersion: 1, effectiveFrom: '0001-01-01' }),
    ]);
    // Each work points at its split's shape, stored once: the default split's shape is the one
    // the API gave the work it created.
    const shapes = await t.sql<{ same: boolean; shape: number }>(
      `SELECT s.splits = w.splits AS same, s.id AS shape
         FROM works w JOIN split_shapes s ON s.id = w.split_shape_id
        WHERE w.id = $1 OR w.organization_id = $2 AND w.external_id IN ('IMP-1', 'IMP-2')
        ORDER BY w.id = $1 DESC, w.external_id`,
      [taken.id, publisher.id],
    );
    expect(shapes.map((row) => [row.same])).toEqual([[true], [true], [true]]);
    expect(shapes[1].shape).toBe(shapes[0].shape);
    expect(shapes[2].shape).not.toBe(shapes[0].shape);
    expect(
      await t.sql('SELECT count(*)::int AS n FROM catalogue_import_rows WHERE import_id = $1', [
        response.body.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it('changes nothing when the same file is sent again, and updates what changed', async () => {
    const file = [
      line({ externalId: 'RE-1', title: 'Again', kind: 'book', identifiers: ['ext:RE-1'] }),
      line({ externalId: 'RE-2', title: 'Again two', kind: 'book' }),
    ].join('\n');
    const first = await finished((await upload(file)).body.id);
    expect(first).toMatchObject({ created: 2, updated: 0, unchanged: 0, rejected: 0 });
    const before = await t.sql(
      `SELECT id, version, updated_at FROM works WHERE external_id LIKE 'RE-%' ORDER BY external_id`,
    );

    const second = await finished((await upload(file)).body.id);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 2, rejected: 0 });
    expect(
      await t.sql(
        `SELECT id, version, updated_at FROM works WHERE external_id LIKE 'RE-%' ORDER BY external_id`,
      ),
    ).toEqual(before);

    const changed = [
      line({
        externalId: 'RE-1',
        title: 'Again, retitled',
        kind: 'book',
        identifiers: ['ext:RE-1b'],
      }),
      line({
        externalId: 'RE-2',
        title: 'Again two',
        kind: 'book',
        splits: [{ payeeId: author.id, shareBps: 10000 }],
      }),
    ].join('\n');
    const third = await finished(
      (
        await upload(
          changed,
          'application/x-ndjson',
          publisher.key,
          '?splitsEffectiveFrom=2027-01-01',
        )
      ).body.id,
    );
    expect(third).toMatchObject({ created: 0, updated: 2, unchanged: 0, rejected: 0 });
    const re1 = (await t.http.get('/v1/works?identifier=ext:RE-1b', publisher.key)).body.data[0];
    expect(re1).toMatchObject({ title: 'Again, retitled', version: 2, splitVersion: 1 });
    expect((await t.http.get('/v1/works?identifier=ext:RE-1', publisher.key)).body.data).toEqual(
      [],
    );
    const versions = await t.http.get(`/v1/works/${re1.id as string}/versions`, publisher.key);
    expect(versions.body.data.map((v: { work: { title: string } }) => v.work.title)).toEqual([
      'Again',
      'Again, retitled',
    ]);
    const re2 = (await t.http.get('/v1/works?q=Again two', publisher.key)).body.data[0];
    expect(re2).toMatchObject({
      version: 2,
      splitVersion: 2,
      splits: [{ payeeId: author.id, shareBps: 10000 }],
    });
    const splitVersions = await t.http.get(
      `/v1/works/${re2.id as string}/split-versions`,
      publisher.key,
    );
    expect(
      splitVersions.body.data.map((v: { splitVersion: number; effectiveFrom: string }) => [
        v.splitVersion,
        v.effectiveFrom,
      ]),
    ).toEqual([
      [1, '0001-01-01'],
      [2, '2027-01-01'],
    ]);
    // The resplit work points at its new split's shape, the retitled one still at its own.
    expect(
      await t.sql(
        `SELECT w.external_id, s.splits = w.splits AS same
           FROM works w JOIN split_shapes s ON s.id = w.split_shape_id
          WHERE w.id IN ($1, $2) ORDER BY w.external_id`,
        [re1.id, re2.id],
      ),
    ).toEqual([
      { external_id: 'RE-1', same: true },
      { external_id: 'RE-2', same: true },
    ]);
  });

  it('lets the last line win when an externalId appears twice', async () => {
    const file = [
      line({ externalId: 'DUP-1', title: 'Early', kind: 'book' }),
      line({ externalId: 'DUP-1', title: 'Late', kind: 'book' }),
    ].join('\n');
    const done = await finished((await upload(file)).body.id);
    expect(done).toMatchObject({ created: 1, rejected: 1 });
    expect((await t.http.get('/v1/works?q=Late', publisher.key)).body.data).toHaveLength(1);
  });

  it('reads CSV with the documented columns', async () => {
    const file = [
      'externalId,title,kind,identifiers,language,publishedAt,splits,metadata',
      `CSV-1,"Comma, quoted",book,isbn:9781861972712|doi:10.1000/csv1,en,2001-05-17,${author.id}:10000,"{""series"":""S""}"`,
      'CSV-2,Bad date,book,,en,2001-02-30,,',
    ].join('\n');
    const response = await upload(file, 'text/csv; charset=utf-8');
    expect(response.status).toBe(202);
    const done = await finished(response.body.id);
    expect(done).toMatchObject({ format: 'csv', created: 1, rejected: 1, linesRead: 3 });
    const work = (await t.http.get('/v1/works?identifier=isbn:9781861972712', publisher.key)).body
      .data[0];
    expect(work).toMatchObject({
      externalId: 'CSV-1',
      title: 'Comma, quoted',
      language: 'en',
      publishedAt: '2001-05-17',
      metadata: { series: 'S' },
      splits: [{ payeeId: author.id, shareBps: 10000 }],
    });
    const errors = await t.http.get(
      `/v1/catalogue-imports/${response.body.id}/errors`,
      publisher.key,
    );
    expect(errors.body.data).toEqual([
      { lineNo: 3, externalId: 'CSV-2', reason: 'publishedAt must be a date, YYYY-MM-DD' },
    ]);
  });

  it('refuses a body that is not NDJSON or CSV, and other media types, storing nothing', async () => {
    const before = await t.sql('SELECT count(*)::int AS n FROM catalogue_imports');
    const notNdjson = await upload('externalId,title,kind\nX,Y,book\n');
    expect(notNdjson.status).toBe(400);
    expect(notNdjson.body).toMatchObject({
      type: `${PROBLEM}unreadable-import`,
      detail: 'The body is not NDJSON: line 1 is not JSON',
    });
    const notCsv = await upload('{"externalId":"X"}\n', 'text/csv');
    expect(notCsv.status).toBe(400);
    expect(notCsv.body.type).toBe(`${PROBLEM}unreadable-import`);
    const xml = await upload('<works/>', 'application/xml');
    expect(xml.status).toBe(415);
    const json = await t.http.post('/v1/catalogue-imports', publisher.key, { works: [] });
    expect(json.status).toBe(415);
    expect(await t.sql('SELECT count(*)::int AS n FROM catalogue_imports')).toEqual(before);
  });

  it("answers 404 for another publisher's import and 403 for a licensee", async () => {
    const response = await upload(line({ externalId: 'PRIV-1', title: 'Mine', kind: 'book' }));
    await finished(response.body.id);
    const other = await createOrganization(t.http);
    expect((await t.http.get(`/v1/catalogue-imports/${response.body.id}`, other.key)).status).toBe(
      404,
    );
    expect(
      (await t.http.get(`/v1/catalogue-imports/${response.body.id}/errors`, other.key)).status,
    ).toBe(404);
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    expect(
      (
        await upload(
          line({ externalId: 'L', title: 'L', kind: 'book' }),
          'application/x-ndjson',
          licensee.key,
        )
      ).status,
    ).toBe(403);
  });

  it('pages the errors', async () => {
    const file = Array.from({ length: 5 }, (_, i) =>
      line({ externalId: `PG-${i}`, title: '', kind: 'book' }),
    ).join('\n');
    const id = (await upload(file)).body.id;
    await finished(id);
    const first = await t.http.get(`/v1/catalogue-imports/${id}/errors?limit=3`, publisher.key);
    expect(first.body.data.map((e: { lineNo: number }) => e.lineNo)).toEqual([1, 2, 3]);
    const rest = await t.http.get(
      `/v1/catalogue-imports/${id}/errors?limit=3&cursor=${first.body.nextCursor}`,
      publisher.key,
    );
    expect(rest.body.data.map((e: { lineNo: number }) => e.lineNo)).toEqual([4, 5]);
    expect(rest.body.nextCursor).toBeNull();
  });
});
