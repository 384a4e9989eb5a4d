import { createWork } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('licence offers', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
  });
  afterAll(() => t.close());

  it('publishes an offer with normalized terms and a hash of them', async () => {
    const response = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ usages: ['ai-input', 'ai-train', 'ai-input'] }),
    );
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      publisherId: publisher.id,
      publisherName: publisher.name,
      status: 'active',
      version: 1,
      terms: {
        title: 'AI training, 2027',
        scope: { type: 'all' },
        usages: ['ai-input', 'ai-train'],
        prohibits: [],
        territories: ['worldwide'],
        userTypes: [],
        term: { start: '2027-01-01', end: '2027-12-31' },
        currency: 'EUR',
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
        attributionRequired: false,
      },
      termsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      retiredAt: null,
    });
  });

  it.each([
    [
      { pricing: { rates: [{ usage: 'search', unit: 'request', per: 1, rate: '1' }] } },
      'pricing.rates.0.usage',
      'search is priced but not permitted by usages',
    ],
    [
      { usages: ['ai-all'], prohibits: ['ai-train'] },
      'pricing.rates.0.usage',
      'ai-train is priced but prohibited',
    ],
    [{ territories: ['worldwide', 'DE'] }, 'territories', 'worldwide stands alone'],
    [{ term: { start: '2027-02-01', end: '2027-01-01' } }, 'term.end', 'end is before start'],
    [
      { term: { start: '2027-01-01', durationMonths: 12 } },
      'term',
      'give start (and end), or durationMonths from acceptance, not both',
    ],
    [{ pricing: {} }, 'pricing', 'pricing needs at least one component'],
    [{ term: { start: '2027-02-30' } }, 'term.start', 'start is not a calendar date'],
  ])('refuses terms that contradict themselves: %j', async (overrides, field, message) => {
    const response = await t.http.post('/v1/licence-offers', publisher.key, offerTerms(overrides));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ field, messages: [message] }]);
  });

  it('names malformed fields: usage tokens, territories, rates, amounts, currency', async () => {
    const response = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['train-ai'],
        territories: ['XX'],
        currency: 'EURO',
        pricing: {
          rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.1234567890123' }],
          flatFee: { amount: 10.5, period: 'month' },
        },
      }),
    );
    expect(response.status).toBe(400);
    expect(response.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'currency',
      'pricing.flatFee.amount',
      'pricing.rates.0.rate',
      'territories',
      'usages',
    ]);
  });

  it("accepts a scope of the publisher's own works only", async () => {
    const mine = await createWork(t.http, publisher.key);
    const other = await createOrganization(t.http);
    const theirs = await createWork(t.http, other.key);
    const ok = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ scope: { type: 'works', workIds: [mine.id] } }),
    );
    expect(ok.status).toBe(201);
    const bad = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ scope: { type: 'works', workIds: [mine.id, theirs.id] } }),
    );
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      {
        field: 'scope.workIds',
        messages: [`work ${theirs.id} is not one of this publisher's works`],
      },
    ]);
  });

  it('revises into a new version with If-Match and keeps the old one', async () => {
    const offer = (await t.http.post('/v1/licence-offers', publisher.key, offerTerms())).body;
    const revised = await t.http.request('PUT', `/v1/licence-offers/${offer.id as string}`, {
      key: publisher.key,
      body: offerTerms({ title: 'AI training, 2027 (revised)' }),
      headers: { 'if-match': '1' },
    });
    expect(revised.status).toBe(200);
    expect(revised.body).toMatchObject({
      version: 2,
      terms: { title: 'AI training, 2027 (revised)' },
    });
    expect(revised.body.termsHash).not.toBe(offer.termsHash);
    const stale = await t.http.request('PUT', `/v1/licence-offers/${offer.id as string}`, {
      key: publisher.key,
      body: offerTerms({ title: 'Lost update' }),
      headers: { 'if-match': '1' },
    });
    expect(stale.status).toBe(412);
    const versions = await t.http.get(
      `/v1/licence-offers/${offer.id as string}/versions`,
      publisher.key,
    );
    expect(
      versions.body.data.map((v: { version: number; termsHash: string }) => [
        v.version,
        v.termsHash,
      ]),
    ).toEqual([
      [1, offer.termsHash],
      [2, revised.body.termsHash],
    ]);
    const same = await t.http.request('PUT', `/v1/licence-offers/${offer.id as string}`, {
      key: publisher.key,
      body: offerTerms({ title: 'AI training, 2027 (revised)' }),
    });
    expect(same.body.version).toBe(2);
  });

  it('shows licensees the active offers, never a retired one, and lets no one else change them', async () => {
    const offer = (await t.http.post('/v1/licence-offers', publisher.key, offerTerms())).body;
    expect(
      (await t.http.get(`/v1/licence-offers/${offer.id as string}`, licensee.key)).status,
    ).toBe(200);
    const listed = await t.http.get('/v1/licence-offers?limit=200', licensee.key);
    expect(listed.body.data.map((o: { id: string }) => o.id)).toContain(offer.id);

    // A licensee sees whose offer it is, and can ask for one publisher's offers only.
    const otherPublisher = await createOrganization(t.http);
    const theirs = (await t.http.post('/v1/licence-offers', otherPublisher.key, offerTerms())).body;
    const byPublisher = await t.http.get(
      `/v1/licence-offers?limit=200&publisherId=${publisher.id}`,
      licensee.key,
    );
    expect(byPublisher.status).toBe(200);
    const found = byPublisher.body.data as { id: string; publisherName: string }[];
    expect(found.map((o) => o.id)).toContain(offer.id);
    expect(found.map((o) => o.id)).not.toContain(theirs.id);
    expect(new Set(found.map((o) => o.publisherName))).toEqual(new Set([publisher.name]));
    expect(
      (await t.http.get(`/v1/licence-offers/${theirs.id as string}`, licensee.key)).body,
    ).toMatchObject({ publisherId: otherPublisher.id, publisherName: otherPublisher.name });
    expect(
      (await t.http.get('/v1/licence-offers?publisherId=not-a-uuid', licensee.key)).status,
    ).toBe(400);
    // A publisher filtering by another publisher's id sees none of theirs.
    expect(
      (await t.http.get(`/v1/licence-offers?publisherId=${otherPublisher.id}`, publisher.key)).body
        .data,
    ).toEqual([]);
    expect(
      (await t.http.get(`/v1/licence-offers/${offer.id as string}`, otherPublisher.key)).status,
    ).toBe(404);
    expect(
      (await t.http.post(`/v1/licence-offers/${offer.id as string}/retire`, otherPublisher.key))
        .status,
    ).toBe(404);
    expect(
      (await t.http.post(`/v1/licence-offers/${offer.id as string}/retire`, licensee.key)).status,
    ).toBe(403);
    expect((await t.http.post('/v1/licence-offers', licensee.key, offerTerms())).status).toBe(403);

    const retired = await t.http.post(
      `/v1/licence-offers/${offer.id as string}/retire`,
      publisher.key,
    );
    expect(retired.body).toMatchObject({ status: 'retired', retiredAt: expect.any(String) });
    expect(
      (await t.http.post(`/v1/licence-offers/${offer.id as string}/retire`, publisher.key)).body,
    ).toEqual(retired.body);
    expect(
      (await t.http.get(`/v1/licence-offers/${offer.id as string}`, licensee.key)).status,
    ).toBe(404);
    const after = await t.http.get('/v1/licence-offers?limit=200', licensee.key);
    expect(after.body.data.map((o: { id: string }) => o.id)).not.toContain(offer.id);
    const revise = await t.http.request('PUT', `/v1/licence-offers/${offer.id as string}`, {
      key: publisher.key,
      body: offerTerms({ title: 'Too late' }),
    });
    expect(revise.status).toBe(409);
    expect(revise.body).toMatchObject({
      type: `${PROBLEM}offer-retired`,
      status: 409,
      state: 'retired',
    });
  });

  it('creates once per Idempotency-Key and keeps versions append-only in the database', async () => {
    const headers = { 'idempotency-key': `offer-${Date.now()}` };
    const first = await t.http.post('/v1/licence-offers', publisher.key, offerTerms(), headers);
    const again = await t.http.post('/v1/licence-offers', publisher.key, offerTerms(), headers);
    expect(again.body).toEqual(first.body);
    const other = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ title: 'Other' }),
      headers,
    );
    expect(other.status).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    await expect(
      t.sql(`UPDATE licence_offer_versions SET terms = '{}' WHERE offer_id = $1`, [first.body.id]),
    ).rejects.toThrow('licence_offer_versions is append-only');
  });
});
