import { randomUUID } from 'node:crypto';
import { createWork } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { startTestApp, TestApp } from './support/test-app';

describe('licence check', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let book: { id: string };
  let page: { id: string };
  let agreementId: string;
  const hash = 'ab'.repeat(32);

  beforeAll(async () => {
    t = await startTestApp();
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    book = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-0-8044-2957-3' }],
    });
    page = await createWork(t.http, publisher.key, {
      kind: 'web-page',
      identifiers: [
        { scheme: 'url', value: 'https://news.example/story-1' },
        { scheme: 'sha256', value: hash },
      ],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-all'],
        prohibits: ['ai-index'],
        territories: ['EU'],
        term: { start: '2027-01-01', end: '2027-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
        attributionRequired: true,
      }),
    );
    agreementId = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id }))
      .body.id;
  });
  afterAll(() => t.close());

  const ask = (query: string, key = licensee.key) => t.http.get(`/v1/licence-check?${query}`, key);

  it('licenses a covered use, with the agreement and the rate', async () => {
    const response = await ask(
      'identifier=isbn:0-8044-2957-X&usage=ai-train&territory=DE&at=2027-06-01',
    );
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      identifier: 'isbn:9780804429573',
      usage: 'ai-train',
      licensed: true,
      workId: book.id,
      agreementId,
      agreementVersion: 1,
      rate: { unit: 'token', per: 1000, rate: '0.0125', currency: 'EUR' },
      attributionRequired: true,
      // Its signed receipt: test/licence-receipts.e2e-spec.ts checks what it says.
      receipt: {
        id: expect.stringMatching(/^rcpt_[A-Za-z0-9_-]{34}$/),
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        validFrom: '2027-06-01T00:00:00.000Z',
        validUntil: '2027-06-02T00:00:00.000Z',
      },
    });
  });

  it.each([
    [
      `identifier=ext:never-registered-${randomUUID()}&usage=ai-train&at=2027-06-01`,
      'unknown-work',
    ],
    ['identifier=isbn:9780804429573&usage=ai-index&at=2027-06-01', 'prohibited'],
    ['identifier=isbn:9780804429573&usage=search&at=2027-06-01', 'usage-not-permitted'],
    ['identifier=isbn:9780804429573&usage=ai-train&at=2028-01-01', 'outside-term'],
    ['identifier=isbn:9780804429573&usage=ai-train&at=2027-12-31&territory=US', 'territory'],
  ])('%s → %s', async (query, reason) => {
    const response = await ask(query);
    expect(response.body).toMatchObject({ licensed: false, reason });
  });

  it('takes url= and sha256= too', async () => {
    expect(
      (
        await ask(
          `url=${encodeURIComponent('HTTPS://News.Example/story-1/?utm_source=x')}&usage=ai-input&at=2027-03-03`,
        )
      ).body,
    ).toMatchObject({
      licensed: true,
      workId: page.id,
    });
    expect(
      (await ask(`sha256=${hash.toUpperCase()}&usage=ai-input&at=2027-03-03`)).body,
    ).toMatchObject({ licensed: true, workId: page.id });
  });

  it('says no-agreement to another licensee, and withdrawn once the work is withdrawn', async () => {
    const other = await createOrganization(t.http, { kind: 'licensee' });
    expect(
      (await ask('identifier=isbn:9780804429573&usage=ai-train&at=2027-06-01', other.key)).body,
    ).toMatchObject({
      licensed: false,
      reason: 'no-agreement',
    });
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'doi', value: '10.5555/withdrawn' }],
    });
    expect(
      (await ask('identifier=doi:10.5555/withdrawn&usage=ai-train&at=2027-06-01')).body.licensed,
    ).toBe(true);
    await t.http.post(`/v1/works/${work.id}/withdraw`, publisher.key);
    expect(
      (await ask('identifier=doi:10.5555/withdrawn&usage=ai-train&at=2027-06-01')).body,
    ).toMatchObject({
      licensed: false,
      reason: 'withdrawn',
    });
  });

  it('stops at the termination date', async () => {
    const otherPublisher = await createOrganization(t.http);
    await createWork(t.http, otherPublisher.key, {
      identifiers: [{ scheme: 'doi', value: '10.5555/terminated' }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      otherPublisher.key,
      offerTerms({ term: { start: '2027-01-01' } }),
    );
    const agreement = await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
    await t.http.post(
      `/v1/agreements/${agreement.body.id as string}/terminate`,
      otherPublisher.key,
      { effectiveOn: '2027-03-31' },
    );
    expect(
      (await ask('identifier=doi:10.5555/terminated&usage=ai-train&at=2027-03-31')).body.licensed,
    ).toBe(true);
    expect(
      (await ask('identifier=doi:10.5555/terminated&usage=ai-train&at=2027-04-01')).body,
    ).toMatchObject({ reason: 'outside-term' });
  });

  it('does not count a proposal the licensee has not accepted', async () => {
    const proposer = await createOrganization(t.http);
    await createWork(t.http, proposer.key, {
      identifiers: [{ scheme: 'doi', value: '10.5555/proposed-only' }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      proposer.key,
      offerTerms({ term: { start: '2027-01-01' } }),
    );
    const proposal = await t.http.post('/v1/agreements', proposer.key, {
      offerId: offer.body.id,
      licenseeId: licensee.id,
    });
    expect(proposal.body.status).toBe('proposed');
    expect(
      (await ask('identifier=doi:10.5555/proposed-only&usage=ai-train&at=2027-06-01')).body,
    ).toMatchObject({
      licensed: false,
      reason: 'no-agreement',
    });
    await t.http.post(`/v1/agreements/${proposal.body.id as string}/accept`, licensee.key);
    expect(
      (await ask('identifier=doi:10.5555/proposed-only&usage=ai-train&at=2027-06-01')).body
        .licensed,
    ).toBe(true);
  });

  it('answers many questions at once, in order', async () => {
    const response = await t.http.post('/v1/licence-check', licensee.key, {
      questions: [
        { identifier: 'isbn:9780804429573', usage: 'ai-train', at: '2027-06-01' },
        { sha256: hash, usage: 'ai-index', at: '2027-06-01' },
        { url: 'https://nowhere.example/', usage: 'ai-train', at: '2027-06-01' },
      ],
    });
    expect(response.status).toBe(200);
    expect(
      response.body.answers.map(
        (a: { licensed: boolean; reason?: string }) => a.reason ?? 'licensed',
      ),
    ).toEqual(['licensed', 'prohibited', 'unknown-work']);
  });

  it('names bad questions and refuses more than 1000', async () => {
    const bad = await t.http.post('/v1/licence-check', licensee.key, {
      questions: [
        { usage: 'ai-train' },
        { identifier: 'isbn:123', usage: 'train-ai', at: '2027-02-30' },
      ],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual([
      'questions.0',
      'questions.1.identifier',
      'questions.1.usage',
      'questions.1.at',
    ]);
    const many = await t.http.post('/v1/licence-check', licensee.key, {
      questions: Array.from({ length: 1001 }, () => ({
        identifier: 'isbn:9780804429573',
        usage: 'ai-train',
      })),
    });
    expect(many.status).toBe(400);
    expect(many.body.errors[0].field).toBe('questions');
    expect((await ask('identifier=isbn:9780804429573&usage=ai-train', publisher.key)).status).toBe(
      403,
    );
  });
});
