import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const TERM = { start: '2026-01-01', end: '2030-12-31' };
const V1_RATE = { usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' };
const V2_RATE = { usage: 'ai-train', unit: 'token', per: 1000, rate: '0.02' };

describe('agreement amendments', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let otherLicensee: OrganizationFixture;
  let otherPublisher: OrganizationFixture;

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    otherPublisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    otherLicensee = await createOrganization(t.http, { kind: 'licensee' });
  });
  afterAll(() => t.close());

  /** An offer on one new work, accepted by the licensee; returns ids and the work's ISBN. */
  async function agreementOnNewWork(isbn: string, terms: Record<string, unknown> = {}) {
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbn }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ scope: { type: 'works', workIds: [work.id] }, term: TERM, ...terms }),
    );
    expect(offer.status).toBe(201);
    const agreement = await t.http.post('/v1/agreements', licensee.key, {
      offerId: offer.body.id,
    });
    if (agreement.status !== 201) throw new Error(agreement.text);
    return {
      workId: work.id,
      offerId: offer.body.id as string,
      agreementId: agreement.body.id as string,
    };
  }

  /** A new version of the offer, keeping its scope. */
  const revise = async (offerId: string, version: number, terms: Record<string, unknown>) => {
    const current = await t.http.get(`/v1/licence-offers/${offerId}`, publisher.key);
    return t.http.request('PUT', `/v1/licence-offers/${offerId}`, {
      key: publisher.key,
      body: offerTerms({ term: TERM, scope: current.body.terms.scope, ...terms }),
      headers: { 'if-match': String(version) },
    });
  };

  const check = (isbn: string, at: string) =>
    t.http.get(`/v1/licence-check?identifier=isbn:${isbn}&usage=ai-train&at=${at}`, licensee.key);

  it('a licensee adopts the revised offer from a date; the licence check follows each version', async () => {
    const isbn = freshIsbn().isbn13;
    const { agreementId, offerId } = await agreementOnNewWork(isbn);
    expect(
      (await revise(offerId, 1, { pricing: { rates: [V2_RATE] }, title: 'Dearer' })).status,
    ).toBe(200);

    const amended = await t.http.post(`/v1/agreements/${agreementId}/amendments`, licensee.key, {
      effectiveOn: '2027-07-01',
    });
    expect(amended.status).toBe(201);
    expect(amended.body).toEqual({
      agreementId,
      version: 2,
      status: 'accepted',
      effectiveOn: '2027-07-01',
      offerId,
      offerVersion: 2,
      terms: expect.objectContaining({ title: 'Dearer', pricing: { rates: [V2_RATE] } }),
      termsHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      acceptedAt: expect.any(String),
      createdAt: expect.any(String),
    });

    const versions = await t.http.get(`/v1/agreements/${agreementId}/versions`, publisher.key);
    expect(versions.status).toBe(200);
    expect(versions.body.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
    expect(versions.body.data[0]).toMatchObject({
      version: 1,
      status: 'accepted',
      effectiveOn: '2026-01-01',
      offerVersion: 1,
      terms: { pricing: { rates: [V1_RATE] } },
    });

    expect((await check(isbn, '2027-06-30')).body).toMatchObject({
      licensed: true,
      agreementId,
      rate: { rate: '0.0125' },
    });
    expect((await check(isbn, '2027-07-01')).body).toMatchObject({
      licensed: true,
      agreementId,
      rate: { rate: '0.02' },
    });
    // The agreement itself keeps the terms it was made on.
    expect((await t.http.get(`/v1/agreements/${agreementId}`, licensee.key)).body).toMatchObject({
      offerVersion: 1,
      terms: { pricing: { rates: [V1_RATE] } },
    });
    await expect(
      t.sql(`UPDATE agreement_amendments SET terms = '{}' WHERE agreement_id = $1`, [agreementId]),
    ).rejects.toThrow('is immutable');
    await expect(
      t.sql(`DELETE FROM agreement_amendments WHERE agreement_id = $1`, [agreementId]),
    ).rejects.toThrow();
  });

  it('refuses an amendment without a new offer version, in the past, or out of order', async () => {
    const { agreementId, offerId } = await agreementOnNewWork(freshIsbn().isbn13);
    const amend = (body: Record<string, unknown>, key = licensee.key) =>
      t.http.post(`/v1/agreements/${agreementId}/amendments`, key, body);

    const unchanged = await amend({ effectiveOn: '2027-01-01' });
    expect(unchanged.status).toBe(409);
    expect(unchanged.body).toMatchObject({
      type: `${PROBLEM}amendment-unchanged`,
      offerVersion: 1,
    });

    await revise(offerId, 1, { pricing: { rates: [V2_RATE] } });
    const past = await amend({ effectiveOn: '2026-02-01' });
    expect(past.status).toBe(400);
    expect(past.body.errors).toEqual([
      {
        field: 'effectiveOn',
        messages: [expect.stringContaining('amendments are never retroactive')],
      },
    ]);
    const afterEnd = await amend({ effectiveOn: '2031-01-01' });
    expect(afterEnd.status).toBe(400);
    expect(afterEnd.body.errors[0].messages[0]).toContain("after the agreement's last day");
    expect((await amend({ effectiveOn: '2027-13-01' })).status).toBe(400);
    expect((await amend({ effectiveOn: 20270101 })).status).toBe(400);
    const unknown = await amend({ effectiveOn: '2028-01-01', price: 1 });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors).toEqual([
      { field: 'price', messages: ['property price should not exist'] },
    ]);
    const malformed = await t.http.request('POST', `/v1/agreements/${agreementId}/amendments`, {
      key: licensee.key,
      rawBody: '{"effectiveOn":',
    });
    expect(malformed.status).toBe(400);

    expect((await amend({ effectiveOn: '2028-01-01' })).status).toBe(201);
    await revise(offerId, 2, { pricing: { rates: [V1_RATE] }, title: 'Back again' });
    const outOfOrder = await amend({ effectiveOn: '2027-06-01' });
    expect(outOfOrder.status).toBe(400);
    expect(outOfOrder.body.errors[0].messages[0]).toBe(
      "effectiveOn must be after the last amendment's first day (2028-01-01)",
    );
    const versions = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM agreement_amendments WHERE agreement_id = $1`,
      [agreementId],
    );
    expect(versions[0].n).toBe('1');
  });

  it('a publisher proposes, the licensee accepts; until then the old terms apply', async () => {
    const isbn = freshIsbn().isbn13;
    const { agreementId, offerId } = await agreementOnNewWork(isbn);
    await revise(offerId, 1, { pricing: { rates: [V2_RATE] } });
    const proposed = await t.http.post(`/v1/agreements/${agreementId}/amendments`, publisher.key, {
      effectiveOn: '2027-03-01',
    });
    expect(proposed.status).toBe(201);
    expect(proposed.body).toMatchObject({ version: 2, status: 'proposed', acceptedAt: null });
    expect((await check(isbn, '2027-04-01')).body.rate.rate).toBe('0.0125');
    // Both parties see what waits for the licensee, on the agreement and in their lists.
    for (const key of [publisher.key, licensee.key]) {
      expect((await t.http.get(`/v1/agreements/${agreementId}`, key)).body).toMatchObject({
        pendingAmendment: 2,
        latestVersion: 1,
        licenseeName: licensee.name,
        publisherName: publisher.name,
      });
      const listed = (await t.http.get('/v1/agreements?limit=200', key)).body.data as {
        id: string;
        pendingAmendment: number | null;
      }[];
      expect(listed.find((a) => a.id === agreementId)?.pendingAmendment).toBe(2);
    }

    const again = await t.http.post(`/v1/agreements/${agreementId}/amendments`, licensee.key, {
      effectiveOn: '2027-05-01',
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ type: `${PROBLEM}amendment-pending`, version: 2 });

    const url = `/v1/agreements/${agreementId}/amendments/2/accept`;
    expect((await t.http.post(url, publisher.key)).status).toBe(403);
    expect((await t.http.post(url, otherLicensee.key)).status).toBe(404);
    expect(
      (await t.http.post(`/v1/agreements/${agreementId}/amendments/3/accept`, licensee.key)).status,
    ).toBe(404);
    const accepted = await t.http.post(url, licensee.key);
    expect(accepted.status).toBe(200);
    expect(accepted.body).toMatchObject({ version: 2, status: 'accepted' });
    expect((await check(isbn, '2027-04-01')).body.rate.rate).toBe('0.02');
    expect((await t.http.get(`/v1/agreements/${agreementId}`, publisher.key)).body).toMatchObject({
      pendingAmendment: null,
      latestVersion: 2,
    });
    const twice = await t.http.post(url, licensee.key);
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      type: `${PROBLEM}invalid-transition`,
      status: 409,
      state: 'accepted',
    });

    const audit = await t.sql<{ action: string }>(
      `SELECT action FROM audit_events WHERE resource_id = $1 ORDER BY occurred_at, id`,
      [agreementId],
    );
    expect(audit.map((row) => row.action)).toEqual([
      'agreement.create',
      'agreement.accept',
      'agreement.propose-amendment',
      'agreement.accept-amendment',
    ]);
  });

  it('answers 404 to strangers and 409 on a terminated agreement', async () => {
    const { agreementId, offerId } = await agreementOnNewWork(freshIsbn().isbn13);
    await revise(offerId, 1, { pricing: { rates: [V2_RATE] } });
    for (const stranger of [otherLicensee, otherPublisher]) {
      const response = await t.http.post(`/v1/agreements/${agreementId}/amendments`, stranger.key, {
        effectiveOn: '2027-03-01',
      });
      expect(response.status).toBe(404);
      expect(
        (await t.http.get(`/v1/agreements/${agreementId}/versions`, stranger.key)).status,
      ).toBe(404);
    }
    expect(
      (await t.http.post(`/v1/agreements/${agreementId}/terminate`, licensee.key, {})).status,
    ).toBe(200);
    const ended = await t.http.post(`/v1/agreements/${agreementId}/amendments`, licensee.key, {
      effectiveOn: '2027-03-01',
    });
    expect(ended.status).toBe(409);
    expect(ended.body).toMatchObject({
      type: `${PROBLEM}invalid-transition`,
      status: 409,
      state: 'terminated',
    });
  });

  it('refuses an amendment that would price what another agreement already prices', async () => {
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    const scope = { type: 'works', workIds: [work.id] };
    const training = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ scope, term: TERM, usages: ['ai-train'] }),
    );
    const first = await t.http.post('/v1/agreements', licensee.key, { offerId: training.body.id });
    const searchOffer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        scope,
        term: TERM,
        usages: ['search'],
        pricing: { rates: [{ usage: 'search', unit: 'request', per: 1, rate: '1' }] },
      }),
    );
    const second = await t.http.post('/v1/agreements', licensee.key, {
      offerId: searchOffer.body.id,
    });
    expect(second.status).toBe(201);
    await revise(searchOffer.body.id as string, 1, {
      scope,
      usages: ['search', 'ai-train'],
      pricing: { rates: [V1_RATE] },
    });
    const clash = await t.http.post(
      `/v1/agreements/${second.body.id as string}/amendments`,
      licensee.key,
      {
        effectiveOn: '2027-03-01',
      },
    );
    expect(clash.status).toBe(409);
    expect(clash.body).toMatchObject({
      type: `${PROBLEM}agreement-overlap`,
      existingAgreementId: first.body.id,
    });
  });

  it('replays a retried amendment and refuses the key for another request', async () => {
    const { agreementId, offerId } = await agreementOnNewWork(freshIsbn().isbn13);
    await revise(offerId, 1, { pricing: { rates: [V2_RATE] } });
    const send = (effectiveOn: string) =>
      t.http.post(
        `/v1/agreements/${agreementId}/amendments`,
        licensee.key,
        { effectiveOn },
        { 'idempotency-key': `amend-${agreementId}` },
      );
    const first = await send('2027-09-01');
    const retry = await send('2027-09-01');
    expect(first.status).toBe(201);
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    const other = await send('2027-10-01');
    expect(other.status).toBe(409);
    expect(other.body.type).toBe(`${PROBLEM}idempotency-key-reused`);
    const rows = await t.sql(`SELECT version FROM agreement_amendments WHERE agreement_id = $1`, [
      agreementId,
    ]);
    expect(rows).toEqual([{ version: 2 }]);
  });
});
