import { UsageReportMatcher } from '../src/usage/usage-report-matcher';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import {
  cutOffUpload,
  licenseeUnderAgreement,
  orphanStagingTables,
  postNdjson,
  processedReport,
} from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

/** Large NDJSON uploads are parsed in a worker thread: here every NDJSON upload is. */
describe('usage reports staged in a worker thread', () => {
  let t: TestApp;
  let matcher: UsageReportMatcher;
  let licensee: OrganizationFixture;
  let isbn: string;

  beforeAll(async () => {
    t = await startTestApp({
      RUN_WORKERS: 'false',
      USAGE_STAGING_THREAD_MIN_LINES: '1',
      USAGE_MAX_INVALID_BPS: '10000',
    });
    matcher = t.app.get(UsageReportMatcher);
    const publisher = await createOrganization(t.http);
    isbn = freshIsbn().isbn13;
    await createWork(t.http, publisher.key, { identifiers: [{ scheme: 'isbn', value: isbn }] });
    licensee = await licenseeUnderAgreement(t, publisher.key);
  });
  afterAll(() => t.close());

  const line = (lineId: string, units: number) =>
    JSON.stringify({ lineId, identifier: `isbn:${isbn}`, usage: 'ai-train', units, unit: 'token' });
  const post = (reportId: string, body: string, lineCount: number, units: number) =>
    postNdjson(t, licensee.key, { reportId, lineCount, units }, body);

  it('stages every line in order across many chunks, with totals and duplicate suspects', async () => {
    // ~4 MB: dozens of chunks through the thread, one bad line, one repeated lineId.
    const lines = Array.from({ length: 40_000 }, (_, i) => line(`L${i}`, i % 7));
    lines[12_345] = '{"lineId": "bad", "units": 1';
    lines[30_000] = line('L17', 3);
    const units = lines.reduce(
      (sum, _, i) => sum + (i === 12_345 ? 0 : i === 30_000 ? 3 : i % 7),
      0,
    );
    const sent = await post('thread-1', `${lines.join('\r\n')}\n`, lines.length, units);
    expect(sent.statusCode).toBe(202);
    const id = sent.json<{ id: string }>().id;
    const [row] = await t.sql<{
      lines_received: string;
      units_received: string;
      repeat_suspects: string[];
    }>(`SELECT lines_received, units_received, repeat_suspects FROM usage_reports WHERE id = $1`, [
      id,
    ]);
    expect(row.lines_received).toBe('40000');
    expect(row.units_received).toBe(String(units));
    expect(row.repeat_suspects).toContain('L17');
    const staged = await t.sql<{ line_no: string; line_id: string; invalid_reason: string | null }>(
      `SELECT line_no, line_id, invalid_reason FROM usage_staging.r_${id.replace(/-/g, '')}
        WHERE line_no IN (1, 12346, 30001, 40000) ORDER BY line_no`,
    );
    expect(staged).toEqual([
      { line_no: '1', line_id: 'L0', invalid_reason: null },
      { line_no: '12346', line_id: null, invalid_reason: 'not valid JSON' },
      { line_no: '30001', line_id: 'L17', invalid_reason: null },
      { line_no: '40000', line_id: 'L39999', invalid_reason: null },
    ]);
    const report = await processedReport(t, matcher, licensee.key, id);
    expect(report.body).toMatchObject({
      status: 'accepted',
      counts: { matched: 39_998, unmatched: 0, outOfScope: 0, invalid: 2 },
    });
  });

  it('keeps nothing of an upload cut off mid-stream', async () => {
    await cutOffUpload(
      t,
      licensee.key,
      'reportId=thread-cut&periodStart=2027-06-01&periodEnd=2027-06-30&lineCount=3&units=3',
      `${line('a', 1)}\n${line('b', 1)}\n{"lineId":"c","ident`,
    );
    expect(await t.sql(`SELECT 1 FROM usage_reports WHERE report_id = 'thread-cut'`)).toEqual([]);
    expect(await orphanStagingTables(t)).toEqual([]);
    expect((await t.http.get('/v1/me', licensee.key)).status).toBe(200);
  });

  it('answers 400 and keeps nothing when the body is not NDJSON', async () => {
    const sent = await post('thread-2', `not json\n${line('a', 1)}\n`, 2, 1);
    expect(sent.statusCode).toBe(400);
    expect(sent.headers['content-type']).toContain('application/problem+json');
    expect(sent.json()).toMatchObject({ type: expect.stringContaining('unreadable-import') });
    expect(await t.sql(`SELECT 1 FROM usage_reports WHERE report_id = 'thread-2'`)).toEqual([]);
  });

  it('rejects a report whose totals differ, with both figures', async () => {
    const sent = await post('thread-3', `${line('a', 5)}\n${line('b', 6)}\n`, 3, 11);
    expect(sent.statusCode).toBe(202);
    expect(sent.json()).toMatchObject({
      status: 'rejected',
      rejection: {
        code: 'totals-mismatch',
        declared: { lineCount: '3', units: '11' },
        received: { lineCount: '2', units: '11' },
      },
    });
  });
});
