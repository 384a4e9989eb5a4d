import { randomUUID } from 'node:crypto';
import { createPayee, createWork, workBody } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('works', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let defaultPayeeId: string;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    defaultPayeeId = (await t.http.get('/v1/payees', publisher.key)).body.data[0].id;
  });
  afterAll(() => t.close());

  describe('registering', () => {
    it('normalizes identifiers and gives 100% to the default payee', async () => {
      const response = await t.http.post('/v1/works', publisher.key, {
        externalId: 'NWP-1',
        title: 'Notes on the Engine',
        kind: 'book',
        identifiers: [
          // Values no other test file registers: another publisher's claim would flag a conflict.
          { scheme: 'isbn', value: '1-56619-909-3' },
          { scheme: 'DOI', value: 'https://doi.org/10.1000/ABC' },
          { scheme: 'url', value: 'HTTPS://Example.COM:443/notes/?utm_source=x#top' },
        ],
        language: 'en',
        publishedAt: '1843-09-01',
        metadata: { series: 'Notes' },
      });
      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.any(String),
        externalId: 'NWP-1',
        title: 'Notes on the Engine',
        kind: 'book',
        identifiers: [
          { scheme: 'doi', value: '10.1000/abc' },
          { scheme: 'isbn', value: '9781566199094' },
          { scheme: 'url', value: 'https://example.com/notes' },
        ],
        language: 'en',
        publishedAt: '1843-09-01',
        metadata: { series: 'Notes' },
        splits: [{ payeeId: defaultPayeeId, shareBps: 10000 }],
        splitVersion: 1,
        status: 'active',
        version: 1,
        conflict: false,
        conflictingIdentifiers: [],
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        withdrawnAt: null,
      });
    });

    it('answers 400 naming each invalid identifier, and writes nothing', async () => {
      const before = await t.sql('SELECT count(*)::int AS n FROM works');
      const response = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({
          identifiers: [
            { scheme: 'isbn', value: '9780306406158' },
            { scheme: 'ext', value: 'fine' },
            { scheme: 'shoe', value: '42' },
          ],
        }),
      );
      expect(response.status).toBe(400);
      expect(response.body.type).toBe(`${PROBLEM}validation-failed`);
      expect(response.body.errors.map((e: { field: string }) => e.field)).toEqual([
        'identifiers.0',
        'identifiers.2',
      ]);
      expect(response.body.errors[0].messages[0]).toContain('check digit');
      expect(await t.sql('SELECT count(*)::int AS n FROM works')).toEqual(before);
    });

    it('refuses an identifier the publisher already registered, naming the work', async () => {
      const first = await createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: '978-1-4028-9462-6' }],
      });
      const second = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ identifiers: [{ scheme: 'isbn', value: '1-4028-9462-7' }] }),
      );
      expect(second.status).toBe(409);
      expect(second.body).toMatchObject({
        type: `${PROBLEM}identifier-taken`,
        identifier: 'isbn:9781402894626',
        existingWorkId: first.id,
      });
    });

    it('refuses an externalId twice', async () => {
      const first = await createWork(t.http, publisher.key);
      const again = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ externalId: first.externalId }),
      );
      expect(again.status).toBe(409);
      expect(again.body).toMatchObject({
        type: `${PROBLEM}external-id-taken`,
        existingWorkId: first.id,
      });
    });

    it('validates splits: sum, positive shares, duplicates, payees of this publisher', async () => {
      const author = await createPayee(t.http, publisher.key);
      const foreign = await createPayee(t.http, (await createOrganization(t.http)).key);
      const cases: [unknown, string, string][] = [
        [
          [
            { payeeId: author.id, shareBps: 6000 },
            { payeeId: defaultPayeeId, shareBps: 3000 },
          ],
          'splits',
          'shares sum to 9000 bps; they must sum to exactly 10000',
        ],
        [
          [
            { payeeId: author.id, shareBps: 5000 },
            { payeeId: author.id, shareBps: 5000 },
          ],
          'splits',
          `payee ${author.id} appears twice`,
        ],
        [
          [
            { payeeId: author.id, shareBps: 0 },
            { payeeId: defaultPayeeId, shareBps: 10000 },
          ],
          'splits.0.shareBps',
          'shareBps must not be less than 1',
        ],
        [
          [{ payeeId: foreign.id, shareBps: 10000 }],
          'splits.0.payeeId',
          `payee ${foreign.id} is not one of this publisher's payees`,
        ],
      ];
      for (const [splits, field, message] of cases) {
        const response = await t.http.post('/v1/works', publisher.key, workBody({ splits }));
        expect(response.status).toBe(400);
        expect(response.body.errors).toEqual([{ field, messages: [message] }]);
      }
    });

    it('keeps the split invariant in the database itself', async () => {
      const work = await createWork(t.http, publisher.key);
      await expect(
        t.sql(
          `INSERT INTO work_splits (work_id, split_version, effective_from, organization_id, payee_id, share_bps)
           VALUES ($1, 2, '2030-01-01', $2, $3, 9999)`,
          [work.id, publisher.id, defaultPayeeId],
        ),
      ).rejects.toThrow('sum to 9999 bps, not 10000');
      await expect(
        t.sql(`UPDATE work_splits SET share_bps = 1 WHERE work_id = $1`, [work.id]),
      ).rejects.toThrow('work_splits is append-only');
    });

    it('creates once per Idempotency-Key', async () => {
      const body = workBody();
      const headers = { 'idempotency-key': `work-${body.externalId as string}` };
      const first = await t.http.post('/v1/works', publisher.key, body, headers);
      const retry = await t.http.post('/v1/works', publisher.key, body, headers);
      expect(retry.status).toBe(201);
      expect(retry.body).toEqual(first.body);
      const other = await t.http.post('/v1/works', publisher.key, workBody(), headers);
      expect(other.status).toBe(409);
      expect(other.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
      expect(
        await t.sql('SELECT count(*)::int AS n FROM works WHERE external_id = $1', [
          body.externalId,
        ]),
      ).toEqual([{ n: 1 }]);
    });

    it('creates once when the same key arrives twice at the same moment', async () => {
      const body = workBody();
      const headers = { 'idempotency-key': `race-${body.externalId as string}` };
      const [a, b] = await Promise.all([
        t.http.post('/v1/works', publisher.key, body, headers),
        t.http.post('/v1/works', publisher.key, body, headers),
      ]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body).toEqual(b.body);
      expect(
        await t.sql('SELECT count(*)::int AS n FROM works WHERE external_id = $1', [
          body.externalId,
        ]),
      ).toEqual([{ n: 1 }]);
    });

    it('refuses metadata over 16 KiB', async () => {
      const response = await t.http.post(
        '/v1/works',
        publisher.key,
        workBody({ metadata: { blob: 'x'.repeat(17000) } }),
      );
      expect(response.status).toBe(400);
      expect(response.body.errors[0].field).toBe('metadata');
    });
  });

  describe('changing', () => {
    it('keeps every earlier version and bumps the version', async () => {
      const work = await createWork(t.http, publisher.key, { title: 'First title' });
      const patched = await t.http.request('PATCH', `/v1/works/${work.id}`, {
        key: publisher.key,
        body: { title: 'Second title' },
        headers: { 'if-match': '1' },
      });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ title: 'Second title', version: 2 });
      const versions = await t.http.get(`/v1/works/${work.id}/versions`, publisher.key);
      expect(
        versions.body.data.map((v: { version: number; work: { title: string } }) => [
          v.version,
          v.work.title,
        ]),
      ).toEqual([
        [1, 'First title'],
        [2, 'Second title'],
      ]);
      expect(versions.body.data[0].validTo).toEqual(expect.any(String));
      // A stored version is the work exactly as the API showed it then.
      const { conflict: _c, conflictingIdentifiers: _ci, ...asCreated } = work;
      expect(versions.body.data[0].work).toEqual(asCreated);
      const { conflict: _c2, conflictingIdentifiers: _ci2, ...asPatched } = patched.body;
      expect(versions.body.data[1].work).toEqual(asPatched);
      expect(versions.body.data[1].validTo).toBeNull();
    });

    it('answers 412 when If-Match is stale, and changes nothing', async () => {
      const work = await createWork(t.http, publisher.key);
      await t.http.request('PATCH', `/v1/works/${work.id}`, {
        key: publisher.key,
        body: { title: 'Mine' },
      });
      const stale = await t.http.request('PATCH', `/v1/works/${work.id}`, {
        key: publisher.key,
        body: { title: 'Theirs' },
        headers: { 'if-match': '1' },
      });
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({
        type: `${PROBLEM}precondition-failed`,
        currentVersion: 2,
      });
      expect((await t.http.get(`/v1/works/${work.id}`, publisher.key)).body.title).toBe('Mine');
    });

    it('versions split changes with an effective date and keeps the old split set', async () => {
      const work = await createWork(t.http, publisher.key);
      const author = await createPayee(t.http, publisher.key);
      const patched = await t.http.request('PATCH', `/v1/works/${work.id}`, {
        key: publisher.key,
        body: {
          splits: [
            { payeeId: author.id, shareBps: 7000 },
            { payeeId: defaultPayeeId, shareBps: 3000 },
          ],
          splitsEffectiveFrom: '2027-01-01',
        },
      });
      expect(patched.status).toBe(200);
      expect(patched.body.splitVersion).toBe(2);
      const splitVersions = await t.http.get(`/v1/works/${work.id}/split-versions`, publisher.key);
      expect(
        splitVersions.body.data.map(
          (v: { splitVersion: number; effectiveFrom: string; splits: unknown[] }) => [
            v.splitVersion,
            v.effectiveFrom,
            v.splits.length,
          ],
        ),
      ).toEqual([
        [1, '0001-01-01', 1],
        [2, '2027-01-01', 2],
      ]);
    });

    it('does not bump the version when nothing changes', async () => {
      const work = await createWork(t.http, publisher.key, {
        title: 'Same',
        metadata: { a: 1, b: { c: 2, d: 3 } },
      });
      // The same metadata with its keys in another order is no change either.
      const patched = await t.http.request('PATCH', `/v1/works/${work.id}`, {
        key: publisher.key,
        body: { title: 'Same', metadata: { b: { d: 3, c: 2 }, a: 1 } },
      });
      expect(patched.body.version).toBe(1);
    });

    it('withdraws once; withdrawing again answers the same', async () => {
      const work = await createWork(t.http, publisher.key);
      const first = await t.http.post(`/v1/works/${work.id}/withdraw`, publisher.key);
      expect(first.status).toBe(200);
      expect(first.body).toMatchObject({
        status: 'withdrawn',
        version: 2,
        withdrawnAt: expect.any(String),
      });
      const again = await t.http.post(`/v1/works/${work.id}/withdraw`, publisher.key);
      expect(again.body).toEqual(first.body);
    });
  });

  describe('reading', () => {
    it('filters by identifier in any accepted form, by status and by title text', async () => {
      const work = await createWork(t.http, publisher.key, {
        title: 'Sketch of the 100% Analytical_Engine',
        identifiers: [{ scheme: 'issn', value: '0317-8471' }],
      });
      const byIdentifier = await t.http.get('/v1/works?identifier=issn:03178471', publisher.key);
      expect(byIdentifier.body.data.map((w: { id: string }) => w.id)).toEqual([work.id]);
      const byTitle = await t.http.get(
        `/v1/works?q=${encodeURIComponent('100% analytical_')}`,
        publisher.key,
      );
      expect(byTitle.body.data.map((w: { id: string }) => w.id)).toEqual([work.id]);
      const wildcard = await t.http.get(
        `/v1/works?q=${encodeURIComponent('%')}&status=withdrawn`,
        publisher.key,
      );
      expect(wildcard.body.data.every((w: { status: string }) => w.status === 'withdrawn')).toBe(
        true,
      );
      const invalid = await t.http.get('/v1/works?identifier=isbn:123', publisher.key);
      expect(invalid.status).toBe(400);
      expect(invalid.body.errors[0].field).toBe('identifier');
    });

    it("answers 404 for another publisher's work, on every route", async () => {
      const work = await createWork(t.http, publisher.key);
      const other = await createOrganization(t.http);
      for (const [method, path] of [
        ['GET', `/v1/works/${work.id}`],
        ['PATCH', `/v1/works/${work.id}`],
        ['POST', `/v1/works/${work.id}/withdraw`],
        ['GET', `/v1/works/${work.id}/versions`],
        ['GET', `/v1/works/${work.id}/split-versions`],
      ] as const) {
        const response = await t.http.request(method, path, {
          key: other.key,
          body: method === 'PATCH' ? { title: 'Stolen' } : undefined,
        });
        expect(response.status).toBe(404);
      }
      expect(
        (await t.http.get(`/v1/works?identifier=ext:${work.externalId as string}`, other.key)).body
          .data,
      ).toEqual([]);
    });
  });

  describe('conflicts between publishers', () => {
    it('lets both registrations stand, flags both, and clears when one withdraws', async () => {
      const other = await createOrganization(t.http);
      // An ISRC no other test registers: a third claim would keep the conflict alive.
      const code = `QZ${randomUUID().replace(/-/g, '').slice(0, 3).toUpperCase()}26${String(Date.now() % 100000).padStart(5, '0')}`;
      const identifier = { scheme: 'isrc', value: code.toLowerCase() };
      const mine = await createWork(t.http, publisher.key, { identifiers: [identifier] });
      const theirs = await t.http.post(
        '/v1/works',
        other.key,
        workBody({ identifiers: [identifier] }),
      );
      expect(theirs.status).toBe(201);
      expect(theirs.body).toMatchObject({
        conflict: true,
        conflictingIdentifiers: [`isrc:${code}`],
      });
      const mineNow = await t.http.get(`/v1/works/${mine.id}`, publisher.key);
      expect(mineNow.body).toMatchObject({
        conflict: true,
        conflictingIdentifiers: [`isrc:${code}`],
      });

      const conflicted = await t.http.get('/v1/works?conflict=true&limit=200', publisher.key);
      expect(conflicted.body.data.map((w: { id: string }) => w.id)).toContain(mine.id);
      expect(conflicted.body.data.every((w: { conflict: boolean }) => w.conflict)).toBe(true);
      const clean = await t.http.get('/v1/works?conflict=false&limit=200', publisher.key);
      expect(clean.body.data.map((w: { id: string }) => w.id)).not.toContain(mine.id);

      await t.http.post(`/v1/works/${theirs.body.id}/withdraw`, other.key);
      expect((await t.http.get(`/v1/works/${mine.id}`, publisher.key)).body.conflict).toBe(false);
    });
  });
});
