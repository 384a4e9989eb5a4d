import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import {
  cutOffUpload,
  orphanStagingTables,
  settledReport,
  usageReport,
} from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

const ISBN = freshIsbn();
const WITHDRAWN = freshIsbn().isbn13;
const UNKNOWN = freshIsbn().isbn13;
const DOI = `10.5555/${Math.random().toString(36).slice(2)}`;
const STORY = `https://news.example/story-${Math.random().toString(36).slice(2)}`;

describe('usage reports', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let otherLicensee: OrganizationFixture;
  let book: { id: string };
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
        { scheme: 'isbn', value: ISBN.isbn13 },
        { scheme: 'doi', value: DOI },
      ],
    });
    await createWork(t.http, publisher.key, {
      kind: 'web-page',
      identifiers: [{ scheme: 'url', value: STORY }],
    });
    withdrawn = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: WITHDRAWN }],
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
        identifier: `isbn:${ISBN.isbn13}`,
        usage: 'ai-train',
        units: 1000,
        unit: 'token',
        occurredOn: '2027-06-03',
        territory: 'DE',
      },
      {
        lineId: 'isbn-10',
        identifier: `isbn:${ISBN.isbn10}`,
        usage: 'ai-train',
        units: 2000,
        unit: 'token',
        occurredOn: '2027-06-04',
      },
      {
        lineId: 'doi',
        identifier: `doi:${DOI.toUpperCase()}`,
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
      // The agreement's last day is covered; the day after is not.
      {
        lineId: 'end-day',
        workId: book.id,
        usage: 'ai-train',
        units: 20,
        unit: 'token',
        occurredOn: '2027-06-20',
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
        url: `${STORY.replace('news.example', 'NEWS.example')}#top`,
        usage: 'ai-train',
        units: 9,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'withdrawn',
        identifier: `isbn:${WITHDRAWN}`,
        usage: 'ai-train',
        units: 10,
        unit: 'token',
        occurredOn: '2027-06-03',
      },
      {
        lineId: 'unknown',
        identifier: `isbn:${UNKNOWN}`,
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
      received: { lineCount: '13', units: '10088' },
      counts: { matched: 5, unmatched: 1, outOfScope: 6, invalid: 1 },
      totalsByUsage: [
        { usage: 'ai-input', unit: 'request', lines: 1, units: '8', matchedUnits: '0' },
        { usage: 'ai-train', unit: 'token', lines: 11, units: '10068', matchedUnits: '10020' },
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
    // Every line is kept as received; the matched ones are counted on the work and agreement.
    const kept = await t.sql<{ line_id: string }>(
      `SELECT line_id FROM usage_report_lines WHERE report_id = $1 ORDER BY line_no`,
      [created.body.id],
    );
    expect(kept.map((row) => row.line_id)).toEqual([
      'isbn-13',
      'isbn-10',
      'doi',
      'work-id',
      'end-day',
      'after-end',
      'no-date',
      'territory',
      'usage',
      'kind',
      'withdrawn',
      'unknown',
      'bad',
    ]);
    const matched = await t.sql(
      `SELECT work_id, agreement_id, sum(lines)::int AS lines FROM usage_aggregates
        WHERE report_id = $1 AND status = 'matched' GROUP BY work_id, agreement_id`,
      [created.body.id],
    );
    expect(matched).toEqual([{ work_id: book.id, agreement_id: agreementId, lines: 5 }]);
    const csv = await t.http.get(`/v1/usage-reports/${created.body.id}/issues`, licensee.key, {
      accept: 'text/csv',
    });
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toBe(
      'lineNo,lineId,status,reason,workRef,usage,units,receiptId',
    );
    expect(csv.text.trim().split('\n')).toHaveLength(9);
  });

  const bookLine = (lineId: string, units = 100) => ({
    lineId,
    identifier: `isbn:${ISBN.isbn13}`,
    usage: 'ai-train',
    units,
    unit: 'token',
    occurredOn: '2027-06-02',
  });

  const stream = (
    contentType: string,
    payload: string,
    query: Record<string, string>,
    key = licensee.key,
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/usage-reports?${new URLSearchParams(query).toString()}`,
      headers: { authorization: `Bearer ${key}`, 'content-type': contentType },
      payload,
    });

  it('takes NDJSON and CSV streamed, with the header in the query', async () => {
    const ndjson = [bookLine('n1', 10), bookLine('n2', 20)]
      .map((l) => JSON.stringify(l))
      .join('\n');
    const sent = await stream('application/x-ndjson', `${ndjson}\n`, {
      reportId: 'nd-1',
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
      lineCount: '2',
      units: '30',
    });
    expect(sent.statusCode).toBe(202);
    const nd = await settledReport(t, licensee.key, sent.json<{ id: string }>().id);
    expect(nd.body).toMatchObject({
      format: 'ndjson',
      status: 'accepted',
      counts: { matched: 2, unmatched: 0, outOfScope: 0, invalid: 0 },
    });

    const csv = [
      'lineId,identifier,workId,usage,units,unit,occurredOn,territory',
      `c1,isbn:${ISBN.isbn13},,ai-train,5,token,2027-06-02,DE`,
      `c2,,${book.id},ai-train,7,token,2027-06-02,`,
      `c3,"isbn:${ISBN.isbn10}",,ai-train,11,token,2027-06-25,`,
    ].join('\r\n');
    const sentCsv = await stream('text/csv', csv, {
      reportId: 'csv-1',
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
      lineCount: '3',
      units: '23',
    });
    expect(sentCsv.statusCode).toBe(202);
    const c = await settledReport(t, licensee.key, sentCsv.json<{ id: string }>().id);
    expect(c.body).toMatchObject({
      format: 'csv',
      counts: { matched: 2, unmatched: 0, outOfScope: 1, invalid: 0 },
      totalsByUsage: [
        { usage: 'ai-train', unit: 'token', lines: 3, units: '23', matchedUnits: '12' },
      ],
    });

    const missingHeader = await stream('application/x-ndjson', ndjson, { reportId: 'nd-2' });
    expect(missingHeader.statusCode).toBe(400);
    expect(
      missingHeader.json<{ errors: { field: string }[] }>().errors.map((e) => e.field),
    ).toEqual(['periodStart', 'periodEnd', 'lineCount', 'units']);
    const notCsv = await stream('text/csv', 'who,what\n1,2\n', {
      reportId: 'csv-bad',
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
      lineCount: '1',
      units: '0',
    });
    expect(notCsv.statusCode).toBe(400);
    expect(notCsv.json<{ type: string }>().type).toBe(`${PROBLEM}unreadable-import`);
    const xml = await stream('application/xml', '<a/>', { reportId: 'x' });
    expect(xml.statusCode).toBe(415);
    const reports = await t.sql(
      `SELECT report_id FROM usage_reports WHERE report_id IN ('nd-2', 'csv-bad', 'x')`,
    );
    expect(reports).toEqual([]);
  });

  it('replays the same reportId and content; refuses other content under it', async () => {
    const body = usageReport([bookLine('a'), bookLine('b')], { reportId: 'replay-1' });
    const first = await post(body);
    const again = await post(body);
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body.id).toBe(first.body.id);
    const changed = await post(
      usageReport([bookLine('a'), bookLine('b', 999)], { reportId: 'replay-1' }),
    );
    expect(changed.status).toBe(409);
    expect(changed.body).toMatchObject({
      type: `${PROBLEM}report-id-reused`,
      existingId: first.body.id,
    });
    const rows = await t.sql(`SELECT id FROM usage_reports WHERE report_id = 'replay-1'`);
    expect(rows).toHaveLength(1);
    await settledReport(t, licensee.key, first.body.id);
    const lines = await t.sql<{ n: string }>(
      `SELECT count(*) AS n FROM usage_report_lines WHERE report_id = $1`,
      [first.body.id],
    );
    expect(lines[0].n).toBe('2');
  });

  it('rejects a whole report whose declared totals differ from what arrived, with both figures', async () => {
    const body = usageReport([bookLine('a', 10), bookLine('b', 20)], {
      reportId: 'short-1',
      totals: { lineCount: 3, units: 30 },
    });
    const sent = await post(body);
    expect(sent.status).toBe(202);
    expect(sent.body).toMatchObject({
      status: 'rejected',
      rejection: {
        code: 'totals-mismatch',
        declared: { lineCount: '3', units: '30' },
        received: { lineCount: '2', units: '30' },
      },
    });
    const lines = await t.sql(`SELECT 1 FROM usage_report_lines WHERE report_id = $1`, [
      sent.body.id,
    ]);
    expect(lines).toEqual([]);
    const staging = await t.sql(
      `SELECT 1 FROM pg_tables WHERE schemaname = 'usage_staging' AND tablename = $1`,
      [`r_${(sent.body.id as string).replace(/-/g, '')}`],
    );
    expect(staging).toEqual([]);
  });

  it('rejects a report whose invalid lines pass the threshold, keeping none of its lines', async () => {
    const lines = [
      ...Array.from({ length: 8 }, (_, i) => bookLine(`ok-${i}`)),
      { lineId: 'x1', usage: 'ai-train', units: 1, unit: 'token' },
      { lineId: 'x2', identifier: `isbn:${ISBN.isbn13}`, usage: 'train', units: 1, unit: 'token' },
    ];
    const sent = await post(usageReport(lines, { reportId: 'threshold-1' }));
    const report = await settledReport(t, licensee.key, sent.body.id);
    expect(report.body).toMatchObject({
      status: 'rejected',
      counting: false,
      rejection: {
        code: 'too-many-invalid-lines',
        invalidLines: 2,
        lines: 10,
        maxInvalidBps: 1000,
      },
      counts: { matched: 0, invalid: 2 },
    });
    expect(
      await t.sql(`SELECT 1 FROM usage_report_lines WHERE report_id = $1`, [sent.body.id]),
    ).toEqual([]);
    const dup = await post(
      usageReport(
        [
          bookLine('same'),
          ...Array.from({ length: 9 }, (_, i) => bookLine(`d${i}`)),
          bookLine('same'),
        ],
        {
          reportId: 'duplicates-1',
        },
      ),
    );
    const d = await settledReport(t, licensee.key, dup.body.id);
    expect(d.body.counts).toEqual({ matched: 10, unmatched: 0, outOfScope: 0, invalid: 1 });
    const issues = await t.http.get(`/v1/usage-reports/${dup.body.id}/issues`, licensee.key);
    expect(issues.body.data).toEqual([
      expect.objectContaining({
        lineNo: 11,
        lineId: 'same',
        status: 'invalid',
        reason: 'duplicate lineId (first on line 1)',
      }),
    ]);
  });

  it('supersedes an accepted report of the same period: the earlier stops counting', async () => {
    const original = await post(usageReport([bookLine('a', 100)], { reportId: 'v1' }));
    await settledReport(t, licensee.key, original.body.id);
    const wrongPeriod = await post(
      usageReport([bookLine('a', 150)], {
        reportId: 'v2-bad',
        supersedes: original.body.id,
        periodEnd: '2027-06-29',
      }),
    );
    expect(wrongPeriod.status).toBe(400);
    const correction = await post(
      usageReport([bookLine('a', 150)], { reportId: 'v2', supersedes: original.body.id }),
    );
    expect(correction.status).toBe(202);
    const corrected = await settledReport(t, licensee.key, correction.body.id);
    expect(corrected.body).toMatchObject({ supersedes: original.body.id, counting: true });
    const earlier = await t.http.get(`/v1/usage-reports/${original.body.id}`, licensee.key);
    expect(earlier.body).toMatchObject({
      status: 'accepted',
      counting: false,
      supersededBy: correction.body.id,
      supersededAt: expect.any(String),
    });
    const twice = await post(
      usageReport([bookLine('a', 175)], { reportId: 'v3', supersedes: original.body.id }),
    );
    expect(twice.status).toBe(409);
    expect(twice.body).toMatchObject({
      type: `${PROBLEM}not-supersedable`,
      status: 409,
      state: 'accepted',
      supersededBy: correction.body.id,
    });
    await expect(
      t.sql(`UPDATE usage_reports SET period_end = '2027-06-29' WHERE id = $1`, [original.body.id]),
    ).rejects.toThrow('cannot be changed in place');
  });

  it("answers 404 for another licensee's report and for strangers' supersession", async () => {
    const mine = await post(usageReport([bookLine('a')], { reportId: 'private-1' }));
    for (const path of [
      `/v1/usage-reports/${mine.body.id}`,
      `/v1/usage-reports/${mine.body.id}/issues`,
    ]) {
      expect((await t.http.get(path, otherLicensee.key)).status).toBe(404);
    }
    expect((await t.http.get('/v1/usage-reports/not-a-uuid', licensee.key)).status).toBe(404);
    const theirs = await post(
      usageReport([bookLine('a')], { reportId: 'steal', supersedes: mine.body.id }),
      otherLicensee.key,
    );
    expect(theirs.status).toBe(404);
    expect((await t.http.get(`/v1/usage-reports/${mine.body.id}`, publisher.key)).status).toBe(403);
    expect((await post(usageReport([bookLine('a')]), publisher.key)).status).toBe(403);
  });

  it('refuses malformed JSON, wrong types and unknown fields, storing nothing', async () => {
    const malformed = await t.http.request('POST', '/v1/usage-reports', {
      key: licensee.key,
      rawBody: '{"reportId":',
    });
    expect(malformed.status).toBe(400);
    const wrong = await post({
      ...usageReport([bookLine('a')], { reportId: 'types-1' }),
      periodStart: 20270601,
      extra: true,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'extra',
      'periodStart',
    ]);
    const backwards = await post(
      usageReport([bookLine('a')], {
        reportId: 'types-2',
        periodStart: '2027-06-30',
        periodEnd: '2027-06-01',
      }),
    );
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors).toEqual([
      { field: 'periodEnd', messages: ['periodEnd is before periodStart'] },
    ]);
    const rows = await t.sql(
      `SELECT 1 FROM usage_reports WHERE report_id IN ('types-1', 'types-2')`,
    );
    expect(rows).toEqual([]);
  });

  it('keeps nothing of an upload cut off mid-stream', async () => {
    // Every committed staging table belongs to a report row (they commit together): an orphan
    // would be what a cut-off upload left behind. Two lines and half a third are sent.
    await cutOffUpload(
      t,
      licensee.key,
      'reportId=cut-1&periodStart=2027-06-01&periodEnd=2027-06-30&lineCount=3&units=300',
      `${JSON.stringify(bookLine('a'))}\n${JSON.stringify(bookLine('b'))}\n{"lineId":"c","ident`,
    );
    expect(await t.sql(`SELECT 1 FROM usage_reports WHERE report_id = 'cut-1'`)).toEqual([]);
    expect(await orphanStagingTables(t)).toEqual([]);
    // The service is still fine afterwards.
    expect((await t.http.get('/v1/me', licensee.key)).status).toBe(200);
  });

  it('shows publishers the usage of their works that counts, licensed and not', async () => {
    const usage = await t.http.get(
      `/v1/usage?workId=${book.id}&period=2027-06&usage=ai-train`,
      publisher.key,
    );
    expect(usage.status).toBe(200);
    const byStatus = Object.fromEntries(
      (usage.body.data as { status: string; lines: number; licenseeId: string }[]).map((row) => [
        row.status,
        row,
      ]),
    );
    expect(byStatus.matched).toMatchObject({
      licenseeId: licensee.id,
      workId: book.id,
      unit: 'token',
    });
    expect(byStatus['out-of-scope']).toMatchObject({ licenseeId: licensee.id });
    const stranger = await createOrganization(t.http);
    expect((await t.http.get(`/v1/usage?workId=${book.id}`, stranger.key)).body.data).toEqual([]);
    expect((await t.http.get('/v1/usage?period=2027-13', publisher.key)).status).toBe(400);
    expect((await t.http.get('/v1/usage', licensee.key)).status).toBe(403);
  });

  it('matches a suspended line by itself once the publisher registers the work', async () => {
    const later = freshIsbn().isbn13;
    const sent = await post(
      usageReport(
        [
          {
            lineId: 'l',
            identifier: `isbn:${later}`,
            usage: 'ai-train',
            units: 5,
            unit: 'token',
            occurredOn: '2027-06-02',
          },
        ],
        { reportId: 'suspense-live' },
      ),
    );
    expect((await settledReport(t, licensee.key, sent.body.id)).body.counts.unmatched).toBe(1);
    await createWork(t.http, publisher.key, { identifiers: [{ scheme: 'isbn', value: later }] });
    let counts: Record<string, number> = {};
    for (let attempt = 0; attempt < 100 && counts.matched !== 1; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      counts = (await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key)).body.counts;
    }
    expect(counts).toEqual({ matched: 1, unmatched: 0, outOfScope: 0, invalid: 0 });
  });

  it("lists the licensee's own reports, newest first, paginated and by status", async () => {
    const first = await t.http.get('/v1/usage-reports?limit=2', licensee.key);
    expect(first.status).toBe(200);
    expect(first.body.data).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const next = await t.http.get(
      `/v1/usage-reports?limit=2&cursor=${first.body.nextCursor as string}`,
      licensee.key,
    );
    expect(next.body.data[0].id < first.body.data[1].id).toBe(true);
    const all = await t.sql<{ id: string }>(
      `SELECT id FROM usage_reports WHERE licensee_id = $1 AND status = 'rejected' ORDER BY id DESC`,
      [licensee.id],
    );
    const rejected = await t.http.get('/v1/usage-reports?status=rejected&limit=200', licensee.key);
    expect(rejected.body.data.map((r: { id: string }) => r.id)).toEqual(all.map((r) => r.id));
    expect((await t.http.get('/v1/usage-reports', otherLicensee.key)).body.data).toEqual([]);
    expect((await t.http.get('/v1/usage-reports?status=done', licensee.key)).status).toBe(400);
    expect((await t.http.get('/v1/usage-reports?cursor=bad', licensee.key)).status).toBe(400);
  });
});
