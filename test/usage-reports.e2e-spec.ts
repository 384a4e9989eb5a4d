import { createWork } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

describe('usage reports', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let otherLicensee: OrganizationFixture;
  let book: { id: string };
  let page: { id: string };
  let withdrawn: { id: string };
  let agreementId: string;

  beforeAll(async () => {
    // 1 bad line in 12 must not reject the first report; the threshold has its own test.
    t = await startTestApp({ USAGE_MAX_INVALID_BPS: '1000' });
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    otherLicensee = await createOrganization(t.http, { kind: 'licensee' });
    book = await createWork(t.http, publisher.key, {
      identifiers: [
        { scheme: 'isbn', value: '978-0-306-40615-7' },
        { scheme: 'doi', value: '10.1000/182' },
      ],
    });
    page = await createWork(t.http, publisher.key, {
      kind: 'web-page',
      identifiers: [{ scheme: 'url', value: 'https://news.example/story-1' }],
    });
    withdrawn = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: '978-1-4028-9462-6' }],
    });
    expect(
      (await t.http.post(`/v1/works/${withdrawn.id}/withdraw`, publisher.key, {})).status,
    ).toBe(200);
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        scope: { type: 'filter', kinds: ['book'] },
        usages: ['ai-train'],
        territories: ['EU'],
        term: { start: '2027-01-01', end: '2027-06-20' },
      }),
    );
    agreementId = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id }))
      .body.id;
  });
  afterAll(() => t.close());

  const post = (body: unknown, key = licensee.key) => t.http.post('/v1/usage-reports', key, body);

  it('matches each line: identifier forms of one work, out of scope, unmatched, invalid', async () => {
    const lines = [
      {
        lineId: 'isbn-13',
        identifier: 'isbn:9780306406157',
        usage: 'ai-train',
        units: 1000,
        unit: 'token',
        occurredOn: '2027-06-03',
        territory: 'DE',
      },
      {
        lineId: 'isbn-10',
        identifier: 'isbn:0-306-40615-2',
        usage: 'ai-train',
        units: 2000,
        unit: 'token',
        occurredOn: '2027-06-04',
      },
      {
        lineId: 'doi',
        identifier: 'doi:10.1000/182',
        usage: 'ai-train',
        units: '3000',
        unit: 'token',
        occurredOn: '2027-06-05',
      },
      {
        lineId: 'work-id',
        workId: book.id,
        usage: 'ai-train',
        units: 4000,
        unit: 'token',
        occurredOn: '2027-06-06',
      },
      {
        lineId: 'after-end',
        workId: book.id,
        usage: 'ai-train',
        units: 5,
        unit: 'token',
        occurredOn: '2027-06-21',
      },
      { lineId: 'no-date', workId: book.id, usage: 'ai-train', units: 6, unit: 'token' },
      {
        lineId: 'territory',
        workId: book.id,
        usage: 'ai-train',
        units: 7,
        unit: 'token',
        territory: 'US',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'usage',
        workId: book.id,
        usage: 'ai-input',
        units: 8,
        unit: 'request',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'kind',
        url: 'https://NEWS.example/story-1#top',
        usage: 'ai-train',
        units: 9,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'withdrawn',
        identifier: 'isbn:9781402894626',
        usage: 'ai-train',
        units: 10,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'unknown',
        identifier: 'isbn:9783161484100',
        usage: 'ai-train',
        units: 11,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'bad',
        identifier: 'isbn:9780306406158',
        usage: 'ai-train',
        units: 12,
        unit: 'token',
      },
    ];
    const created = await post(usageReport(lines, { reportId: 'june-1' }), licensee.key);
    expect(created.status).toBe(202);
    expect(created.body).toMatchObject({ reportId: 'june-1', status: 'received', format: 'json' });
    const report = await settledReport(t, licensee.key, created.body.id);
    expect(report.body).toMatchObject({
      status: 'accepted',
      counting: true,
      received: { lineCount: '12', units: '10068' },
      counts: { matched: 4, unmatched: 1, outOfScope: 6, invalid: 1 },
      totalsByUsage: [
        { usage: 'ai-input', unit: 'request', lines: 1, units: '8', matchedUnits: '0' },
        { usage: 'ai-train', unit: 'token', lines: 10, units: '10048', matchedUnits: '10000' },
      ],
    });
    const issues = await t.http.get(`/v1/usage-reports/${created.body.id}/issues`, licensee.key);
    expect(issues.status).toBe(200);
    expect(
      issues.body.data.map((i: { lineId: string; status: string; reason: string }) => [
        i.lineId,
        i.status,
        i.reason,
      ]),
    ).toEqual([
      ['after-end', 'out-of-scope', 'no-agreement'],
      ['no-date', 'out-of-scope', 'no-agreement'],
      ['territory', 'out-of-scope', 'no-agreement'],
      ['usage', 'out-of-scope', 'no-agreement'],
      ['kind', 'out-of-scope', 'no-agreement'],
      ['withdrawn', 'out-of-scope', 'withdrawn'],
      ['unknown', 'unmatched', 'unknown-work'],
      ['bad', 'invalid', expect.stringContaining('identifier: ')],
    ]);
    const lines_ = await t.sql<{ line_id: string; agreement_id: string; work_id: string }>(
      `SELECT line_id, agreement_id, work_id FROM usage_lines WHERE report_id = $1 AND status = 'matched' ORDER BY line_no`,
      [created.body.id],
    );
    expect(lines_).toEqual(
      ['isbn-13', 'isbn-10', 'doi', 'work-id'].map((lineId) => ({
        line_id: lineId,
        agreement_id: agreementId,
        work_id: book.id,
      })),
    );
    const csv = await t.http.get(`/v1/usage-reports/${created.body.id}/issues`, licensee.key, {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toBe('lineNo,lineId,status,reason,workRef,usage,units');
    expect(csv.text.trim().split('\n')).toHaveLength(9);
  });
});
