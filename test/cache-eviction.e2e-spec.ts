import { Client } from 'pg';
import { ChangeFeed } from '../src/database/change-feed';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

/**
 * API keys and a licensee's agreements are cached in each api process. A change committed by
 * another process (here: SQL on the database, as another api would write it) must evict them
 * through PostgreSQL notifications, with no request to this process.
 */
describe('in-process caches follow committed changes', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
  });
  afterAll(() => t.close());

  const askAboutIsbn = (isbn: string) =>
    t.http.get(
      `/v1/licence-check?identifier=isbn:${isbn}&usage=ai-train&at=2027-06-01`,
      licensee.key,
    );

  /** Polls until `done` or two seconds pass; notifications arrive within milliseconds. */
  async function eventually(done: () => Promise<boolean>): Promise<boolean> {
    for (let attempt = 0; attempt < 40; attempt++) {
      if (await done()) return true;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return false;
  }

  it('a key revoked by another process stops working', async () => {
    const issued = await t.http.post(`/v1/organizations/${licensee.id}/api-keys`, licensee.key, {
      principalName: 'crawler',
      role: 'licensee',
    });
    expect(issued.status).toBe(201);
    const key = issued.body.key as string;
    expect((await t.http.get('/v1/me', key)).status).toBe(200);
    expect((await t.http.get('/v1/me', key)).status).toBe(200); // now served from the cache

    await t.sql(`UPDATE api_keys SET revoked_at = now() WHERE id = $1`, [issued.body.id]);
    expect(await eventually(async () => (await t.http.get('/v1/me', key)).status === 401)).toBe(
      true,
    );
  });

  it('a key revoked here is refused at once', async () => {
    const issued = await t.http.post(`/v1/organizations/${licensee.id}/api-keys`, licensee.key, {
      principalName: 'indexer',
      role: 'licensee',
    });
    const key = issued.body.key as string;
    expect((await t.http.get('/v1/me', key)).status).toBe(200);
    // A colleague's key is revoked by its holder (or an admin).
    expect((await t.http.delete(`/v1/api-keys/${issued.body.id}`, key)).status).toBe(200);
    expect((await t.http.get('/v1/me', key)).status).toBe(401);
  });

  it('an agreement terminated by another process stops licensing at once after it commits', async () => {
    const isbn = freshIsbn().isbn13;
    await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbn }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ usages: ['ai-train'], term: { start: '2027-01-01', end: '2027-12-31' } }),
    );
    const agreement = await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
    expect(agreement.status).toBe(201);
    const ask = () => askAboutIsbn(isbn);
    expect((await ask()).body).toMatchObject({ licensed: true, agreementId: agreement.body.id });
    expect((await ask()).body).toMatchObject({ licensed: true }); // cached

    await t.sql(
      `UPDATE agreements SET status = 'terminated', terminated_on = '2027-03-31' WHERE id = $1`,
      [agreement.body.id],
    );
    expect(
      await eventually(async () => {
        const body = (await ask()).body as { licensed: boolean; reason?: string };
        return !body.licensed && body.reason === 'outside-term';
      }),
    ).toBe(true);
  });

  // The agreement of the test above (terminated on 2027-03-31) is the closest refusal.
  it('the works cache follows registrations and withdrawals', async () => {
    const isbn = freshIsbn().isbn13;
    const ask = () => askAboutIsbn(isbn);
    expect((await ask()).body).toMatchObject({ licensed: false, reason: 'unknown-work' });
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbn }],
    });
    expect(await eventually(async () => (await ask()).body.reason === 'outside-term')).toBe(true);
    expect((await t.http.post(`/v1/works/${work.id}/withdraw`, publisher.key, {})).status).toBe(
      200,
    );
    expect(await eventually(async () => (await ask()).body.reason === 'withdrawn')).toBe(true);
  });

  it('a work registered or withdrawn here is answered at once, before its notification arrives', async () => {
    // The notifications are withheld, as when the listening connection is slow: only the
    // writer's own announcement can evict the cached answer.
    const feed = t.app.get(ChangeFeed);
    const client = (feed as unknown as { client: Client }).client;
    const listeners = client.listeners('notification');
    client.removeAllListeners('notification');
    try {
      const isbn = freshIsbn().isbn13;
      const ask = () => askAboutIsbn(isbn);
      expect((await ask()).body).toMatchObject({ licensed: false, reason: 'unknown-work' });
      expect((await ask()).body).toMatchObject({ licensed: false, reason: 'unknown-work' });
      const work = await createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: isbn }],
      });
      expect((await ask()).body).toMatchObject({ licensed: false, reason: 'outside-term' });
      expect((await t.http.post(`/v1/works/${work.id}/withdraw`, publisher.key, {})).status).toBe(
        200,
      );
      expect((await ask()).body).toMatchObject({
        licensed: false,
        reason: 'withdrawn',
        workId: work.id,
      });
    } finally {
      for (const listener of listeners) client.on('notification', listener as () => void);
      feed.announce('works_changed', '');
    }
  });
});
