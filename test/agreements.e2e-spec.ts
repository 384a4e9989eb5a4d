import { createWork } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { offerTerms } from './factories/licensing.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('agreements', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
  });
  afterAll(() => t.close());

  const offer = async (overrides: Record<string, unknown> = {}) =>
    (await t.http.post('/v1/licence-offers', publisher.key, offerTerms(overrides))).body as {
      id: string;
      version: number;
      termsHash: string;
      terms: unknown;
    };

  it('accepts an offer into an agreement on a snapshot of its terms, which revising the offer does not touch', async () => {
    const published = await offer({ term: { start: '2030-01-01', end: '2030-12-31' } });
    const accepted = await t.http.post('/v1/agreements', licensee.key, { offerId: published.id });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toEqual({
      id: expect.any(String),
      status: 'active',
      licenseeId: licensee.id,
      licenseeName: licensee.name,
      publisherId: publisher.id,
      publisherName: publisher.name,
      offerId: published.id,
      offerVersion: 1,
      terms: published.terms,
      termsHash: published.termsHash,
      startsOn: '2030-01-01',
      endsOn: '2030-12-31',
      terminatedOn: null,
      latestVersion: 1,
      pendingAmendment: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await t.http.request('PUT', `/v1/licence-offers/${published.id}`, {
      key: publisher.key,
      body: offerTerms({ title: 'Dearer now', term: { start: '2030-01-01', end: '2030-12-31' } }),
    });
    const later = await t.http.get(`/v1/agreements/${accepted.body.id as string}`, publisher.key);
    expect(later.body).toMatchObject({ offerVersion: 1, termsHash: published.termsHash });
    await expect(
      t.sql(`UPDATE agreements SET terms = '{}' WHERE id = $1`, [accepted.body.id]),
    ).rejects.toThrow('are immutable');
  });

  it('runs a duration from the day of acceptance', async () => {
    const published = await offer({
      term: { durationMonths: 12 },
      usages: ['search'],
      pricing: { flatFee: { amount: 100000, period: 'month' } },
    });
    const accepted = await t.http.post('/v1/agreements', licensee.key, { offerId: published.id });
    const today = new Date().toISOString().slice(0, 10);
    expect(accepted.body.startsOn).toBe(today);
    expect(accepted.body.endsOn > today).toBe(true);
  });

  it('refuses a second agreement pricing the same works and use in an overlapping period, naming the first', async () => {
    const other = await createOrganization(t.http);
    const work = await createWork(t.http, other.key);
    const first = await t.http.post(
      '/v1/licence-offers',
      other.key,
      offerTerms({
        scope: { type: 'works', workIds: [work.id] },
        term: { start: '2031-01-01', end: '2031-06-30' },
      }),
    );
    const second = await t.http.post(
      '/v1/licence-offers',
      other.key,
      offerTerms({ usages: ['ai-all'], term: { start: '2031-06-30', end: '2031-12-31' } }),
    );
    const separate = await t.http.post(
      '/v1/licence-offers',
      other.key,
      offerTerms({ term: { start: '2031-07-01', end: '2031-12-31' } }),
    );
    const a = await t.http.post('/v1/agreements', licensee.key, { offerId: first.body.id });
    expect(a.status).toBe(201);
    const b = await t.http.post('/v1/agreements', licensee.key, { offerId: second.body.id });
    expect(b.status).toBe(409);
    expect(b.body).toMatchObject({
      type: `${PROBLEM}agreement-overlap`,
      existingAgreementId: a.body.id,
    });
    expect(
      (await t.http.post('/v1/agreements', licensee.key, { offerId: separate.body.id })).status,
    ).toBe(201);
    // Another licensee may hold the same.
    const otherLicensee = await createOrganization(t.http, { kind: 'licensee' });
    expect(
      (await t.http.post('/v1/agreements', otherLicensee.key, { offerId: second.body.id })).status,
    ).toBe(201);
  });

  it('lets either party terminate once; a second time is a 409 naming the state', async () => {
    const published = await offer({ term: { start: '2032-01-01', end: '2032-12-31' } });
    const agreement = (await t.http.post('/v1/agreements', licensee.key, { offerId: published.id }))
      .body;
    const early = await t.http.post(
      `/v1/agreements/${agreement.id as string}/terminate`,
      publisher.key,
      { effectiveOn: '2031-12-31' },
    );
    expect(early.status).toBe(400);
    const ended = await t.http.post(
      `/v1/agreements/${agreement.id as string}/terminate`,
      publisher.key,
      { effectiveOn: '2032-06-30' },
    );
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({
      status: 'terminated',
      terminatedOn: '2032-06-30',
      endsOn: '2032-12-31',
    });
    const again = await t.http.post(
      `/v1/agreements/${agreement.id as string}/terminate`,
      licensee.key,
      {},
    );
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: `${PROBLEM}invalid-transition`,
      status: 409,
      state: 'terminated',
    });
  });

  it('derives expired from the term', async () => {
    const published = await offer({ term: { start: '2020-01-01', end: '2020-12-31' } });
    const agreement = await t.http.post('/v1/agreements', licensee.key, { offerId: published.id });
    expect(agreement.body.status).toBe('expired');
    const listed = await t.http.get('/v1/agreements?status=expired&limit=200', licensee.key);
    expect(listed.body.data.map((a: { id: string }) => a.id)).toContain(agreement.body.id);
    const terminate = await t.http.post(
      `/v1/agreements/${agreement.body.id as string}/terminate`,
      licensee.key,
      {},
    );
    expect(terminate.status).toBe(409);
    expect(terminate.body).toMatchObject({ status: 409, state: 'expired' });
  });

  it('shows an agreement to its two parties only', async () => {
    const published = await offer({ term: { start: '2033-01-01' } });
    const agreement = (await t.http.post('/v1/agreements', licensee.key, { offerId: published.id }))
      .body;
    const stranger = await createOrganization(t.http, { kind: 'licensee' });
    const otherPublisher = await createOrganization(t.http);
    for (const key of [stranger.key, otherPublisher.key]) {
      expect((await t.http.get(`/v1/agreements/${agreement.id as string}`, key)).status).toBe(404);
      expect(
        (await t.http.post(`/v1/agreements/${agreement.id as string}/terminate`, key, {})).status,
      ).toBe(404);
      const list = await t.http.get('/v1/agreements?limit=200', key);
      expect(list.body.data.map((a: { id: string }) => a.id)).not.toContain(agreement.id);
    }
    expect(
      (await t.http.get(`/v1/agreements/${agreement.id as string}`, publisher.key)).status,
    ).toBe(200);
  });

  it('lets a publisher propose an offer to one licensee, who accepts it once', async () => {
    // A publisher this licensee has no agreement with yet, so no overlap gets in the way.
    const proposer = await createOrganization(t.http);
    const published = (
      await t.http.post(
        '/v1/licence-offers',
        proposer.key,
        offerTerms({ term: { start: '2034-01-01', end: '2034-12-31' } }),
      )
    ).body as { id: string };
    const proposal = await t.http.post('/v1/agreements', proposer.key, {
      offerId: published.id,
      licenseeId: licensee.id,
    });
    expect(proposal.status).toBe(201);
    expect(proposal.body).toMatchObject({
      status: 'proposed',
      startsOn: null,
      endsOn: null,
      licenseeId: licensee.id,
    });
    const id = proposal.body.id as string;

    const stranger = await createOrganization(t.http, { kind: 'licensee' });
    expect((await t.http.post(`/v1/agreements/${id}/accept`, stranger.key)).status).toBe(404);
    expect((await t.http.post(`/v1/agreements/${id}/accept`, proposer.key)).status).toBe(403);
    const proposed = await t.http.get('/v1/agreements?status=proposed&limit=200', licensee.key);
    expect(proposed.body.data.map((a: { id: string }) => a.id)).toContain(id);

    const accepted = await t.http.post(`/v1/agreements/${id}/accept`, licensee.key);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({
      status: 'active',
      startsOn: '2034-01-01',
      endsOn: '2034-12-31',
    });
    const again = await t.http.post(`/v1/agreements/${id}/accept`, licensee.key);
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({
      type: `${PROBLEM}invalid-transition`,
      status: 409,
      state: 'active',
    });
  });

  it('refuses proposals to what is not a licensee, of offers not the publisher’s, and a proposal missing its licensee', async () => {
    const published = await offer();
    const otherPublisher = await createOrganization(t.http);
    expect(
      (
        await t.http.post('/v1/agreements', publisher.key, {
          offerId: published.id,
          licenseeId: otherPublisher.id,
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await t.http.post('/v1/agreements', otherPublisher.key, {
          offerId: published.id,
          licenseeId: licensee.id,
        })
      ).status,
    ).toBe(404);
    const missing = await t.http.post('/v1/agreements', publisher.key, { offerId: published.id });
    expect(missing.status).toBe(400);
    expect(missing.body.errors[0].field).toBe('licenseeId');
    const selfChosen = await t.http.post('/v1/agreements', licensee.key, {
      offerId: published.id,
      licenseeId: licensee.id,
    });
    expect(selfChosen.status).toBe(400);
  });

  it('refuses retired and unknown offers', async () => {
    const published = await offer();
    await t.http.post(`/v1/licence-offers/${published.id}/retire`, publisher.key);
    const retired = await t.http.post('/v1/agreements', licensee.key, { offerId: published.id });
    expect(retired.status).toBe(404);
    const bad = await t.http.post('/v1/agreements', licensee.key, { offerId: 'nope' });
    expect(bad.status).toBe(400);
  });
});
