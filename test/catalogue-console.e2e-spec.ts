import { randomUUID } from 'node:crypto';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

/** What the console's Catalogue and Imports pages read: finding works, listing imports. */
describe('catalogue, as the console reads it', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let other: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    other = await createOrganization(t.http);
  });
  afterAll(() => t.close());

  const ids = (body: { data: { id: string }[] }) => body.data.map((row) => row.id);

  describe('finding a work', () => {
    it('by exact externalId, and by q matching the title or exactly the externalId', async () => {
      const suffix = randomUUID().slice(0, 8);
      const ledger = await createWork(t.http, publisher.key, {
        externalId: `CAT-${suffix}`,
        title: `Ledger of ${suffix}`,
      });
      const namedAfter = await createWork(t.http, publisher.key, {
        externalId: `OTHER-${suffix}`,
        title: `Notes on CAT-${suffix}`,
      });
      // Another publisher's work with the same externalId stays invisible.
      await createWork(t.http, other.key, { externalId: `CAT-${suffix}` });

      const exact = await t.http.get(`/v1/works?externalId=CAT-${suffix}`, publisher.key);
      expect(exact.status).toBe(200);
      expect(ids(exact.body)).toEqual([ledger.id]);
      // Exact and case-sensitive: a prefix or another case finds nothing.
      expect(ids((await t.http.get(`/v1/works?externalId=CAT-`, publisher.key)).body)).toEqual([]);
      expect(
        ids((await t.http.get(`/v1/works?externalId=cat-${suffix}`, publisher.key)).body),
      ).toEqual([]);

      // q: the title text (case-insensitive) or the exact externalId, oldest first.
      const byQ = await t.http.get(`/v1/works?q=CAT-${suffix}`, publisher.key);
      expect(ids(byQ.body)).toEqual([ledger.id, namedAfter.id]);
      const byTitle = await t.http.get(`/v1/works?q=ledger%20of%20${suffix}`, publisher.key);
      expect(ids(byTitle.body)).toEqual([ledger.id]);
      const byOtherId = await t.http.get(`/v1/works?q=OTHER-${suffix}`, publisher.key);
      expect(ids(byOtherId.body)).toEqual([namedAfter.id]);
      // Part of an externalId alone is not a match.
      expect(ids((await t.http.get(`/v1/works?q=OTHER-`, publisher.key)).body)).toEqual([]);

      const theirs = await t.http.get(`/v1/works?externalId=CAT-${suffix}`, other.key);
      expect(ids(theirs.body)).not.toContain(ledger.id);
      expect(theirs.body.data).toHaveLength(1);
    });

    it('by an ISBN-10 when it was registered with its ISBN-13, and the other way round', async () => {
      const { isbn13, isbn10 } = freshIsbn();
      const work = await createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: isbn13 }],
      });
      const hyphenated = `${isbn10.slice(0, 1)}-${isbn10.slice(1, 4)}-${isbn10.slice(4, 9)}-${isbn10.slice(9)}`;
      for (const form of [isbn10, hyphenated, isbn13]) {
        const found = await t.http.get(
          `/v1/works?identifier=${encodeURIComponent(`isbn:${form}`)}`,
          publisher.key,
        );
        expect(found.status).toBe(200);
        expect(ids(found.body)).toEqual([work.id]);
        expect(found.body.data[0].identifiers).toContainEqual({ scheme: 'isbn', value: isbn13 });
      }
      // Another publisher finds nothing with it.
      expect(
        ids((await t.http.get(`/v1/works?identifier=isbn:${isbn10}`, other.key)).body),
      ).toEqual([]);
    });

    it('refuses bad parameters with 400, naming the field', async () => {
      for (const [query, field] of [
        ['externalId=', 'externalId'],
        [`externalId=${'x'.repeat(201)}`, 'externalId'],
        ['q=', 'q'],
        ['identifier=isbn:0306406153', 'identifier'],
        ['status=gone', 'status'],
        ['conflict=maybe', 'conflict'],
        ['title=Notes', 'title'],
      ] as const) {
        const response = await t.http.get(`/v1/works?${query}`, publisher.key);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
        expect(response.body.errors.map((e: { field: string }) => e.field)).toContain(field);
      }
    });
  });

  describe('listing imports', () => {
    let lister: OrganizationFixture;
    const made: string[] = [];

    async function upload(key: string, lines: string[]): Promise<string> {
      const response = await t.http.request('POST', '/v1/catalogue-imports', {
        key,
        rawBody: lines.join('\n'),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(response.status).toBe(202);
      return response.body.id;
    }

    async function finished(id: string, key: string) {
      for (let i = 0; i < 400; i++) {
        const response = await t.http.get(`/v1/catalogue-imports/${id}`, key);
        if (['completed', 'failed'].includes(response.body.status)) return response.body;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`import ${id} did not finish`);
    }

    const line = (externalId: string, extra: Record<string, unknown> = {}) =>
      JSON.stringify({ externalId, title: `Work ${externalId}`, kind: 'book', ...extra });

    beforeAll(async () => {
      lister = await createOrganization(t.http);
      made.push(await upload(lister.key, [line('L-1'), line('L-2')]));
      await finished(made[0], lister.key);
      made.push(await upload(lister.key, [line('L-3'), line('L-4', { kind: 'novel' })]));
      await finished(made[1], lister.key);
      made.push(await upload(lister.key, [line('L-5')]));
      await finished(made[2], lister.key);
      // Another publisher's import, which the lister never sees.
      await upload(other.key, [line('O-1')]);
    });

    it("lists the publisher's own imports, newest first, with their figures", async () => {
      const list = await t.http.get('/v1/catalogue-imports', lister.key);
      expect(list.status).toBe(200);
      expect(ids(list.body)).toEqual([made[2], made[1], made[0]]);
      expect(list.body.nextCursor).toBeNull();
      expect(list.body.data[1]).toEqual({
        id: made[1],
        format: 'ndjson',
        status: 'completed',
        splitsEffectiveFrom: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        linesRead: 2,
        linesProcessed: 2,
        created: 1,
        updated: 0,
        unchanged: 0,
        rejected: 1,
        failure: null,
        createdAt: expect.any(String),
        finishedAt: expect.any(String),
      });
    });

    it('pages with the cursor and filters by status', async () => {
      const first = await t.http.get('/v1/catalogue-imports?limit=2', lister.key);
      expect(ids(first.body)).toEqual([made[2], made[1]]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http.get(
        `/v1/catalogue-imports?limit=2&cursor=${first.body.nextCursor as string}`,
        lister.key,
      );
      expect(ids(second.body)).toEqual([made[0]]);
      expect(second.body.nextCursor).toBeNull();

      const completed = await t.http.get('/v1/catalogue-imports?status=completed', lister.key);
      expect(ids(completed.body)).toEqual([made[2], made[1], made[0]]);
      const failed = await t.http.get('/v1/catalogue-imports?status=failed', lister.key);
      expect(failed.body).toEqual({ data: [], nextCursor: null });
    });

    it("hides another publisher's imports: absent from the list, 404 by id", async () => {
      const theirs = await t.http.get('/v1/catalogue-imports', other.key);
      expect(theirs.body.data.length).toBeGreaterThanOrEqual(1);
      expect(ids(theirs.body).some((id) => made.includes(id))).toBe(false);
      for (const path of [
        `/v1/catalogue-imports/${made[0]}`,
        `/v1/catalogue-imports/${made[0]}/errors`,
      ]) {
        const response = await t.http.get(path, other.key);
        expect(response.status).toBe(404);
        expect(response.body.type).toBe('https://rights-ledger.dev/problems/not-found');
      }
    });

    it('refuses bad parameters with 400 and other roles with 403', async () => {
      for (const query of [
        'status=done',
        'limit=0',
        'limit=201',
        'limit=ten',
        'cursor=bm90LWEtdXVpZA',
        'sort=asc',
      ]) {
        const response = await t.http.get(`/v1/catalogue-imports?${query}`, lister.key);
        expect({ query, status: response.status }).toEqual({ query, status: 400 });
      }
      const licensee = await createOrganization(t.http, { kind: 'licensee' });
      expect((await t.http.get('/v1/catalogue-imports', licensee.key)).status).toBe(403);
      expect((await t.http.get('/v1/catalogue-imports/limits', licensee.key)).status).toBe(403);
    });

    it('says how large a file may be', async () => {
      const limits = await t.http.get('/v1/catalogue-imports/limits', lister.key);
      expect(limits.status).toBe(200);
      expect(limits.body).toEqual({
        maxBytes: t.env.IMPORT_MAX_BYTES,
        quotaBytesPerDay: t.env.UPLOAD_QUOTA_BYTES_PER_DAY,
      });
    });
  });
});
