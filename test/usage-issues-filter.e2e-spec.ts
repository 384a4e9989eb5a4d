import { UsageReportMatcher } from '../src/usage/usage-report-matcher';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { licenseeUnderAgreement, processedReport, usageReport } from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/** A report's issues by kind (`status`), page by page: what the console's issues filter reads. */
describe('usage report issues filtered by kind', () => {
  let t: TestApp;
  let licensee: OrganizationFixture;
  let reportId: string;

  beforeAll(async () => {
    t = await startTestApp({ RUN_WORKERS: 'false', USAGE_MAX_INVALID_BPS: '10000' });
    const publisher = await createOrganization(t.http);
    const book = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    licensee = await licenseeUnderAgreement(t, publisher.key);
    // Line i (1-based): every 3rd unknown (unmatched), every 5th ai-input (out of scope), every
    // 7th a bad usage token (invalid), the rest matched; the first rule that applies wins.
    const lines = Array.from({ length: 30 }, (_, index) => {
      const i = index + 1;
      const base = { lineId: `l${i}`, units: i, unit: 'token' };
      if (i % 3 === 0)
        return { ...base, identifier: `isbn:${freshIsbn().isbn13}`, usage: 'ai-train' };
      if (i % 5 === 0) return { ...base, workId: book.id, usage: 'ai-input' };
      if (i % 7 === 0) return { ...base, workId: book.id, usage: 'not a usage' };
      return { ...base, workId: book.id, usage: 'ai-train' };
    });
    const sent = await t.http.post('/v1/usage-reports', licensee.key, usageReport(lines));
    expect(sent.status).toBe(202);
    reportId = sent.body.id;
    const done = await processedReport(t, t.app.get(UsageReportMatcher), licensee.key, reportId);
    // unmatched 3, 6, …, 30 (10); out of scope 5, 10, 20, 25 (4); invalid 7, 14, 28 (3)
    expect(done.body.counts).toEqual({ matched: 13, unmatched: 10, outOfScope: 4, invalid: 3 });
  });
  afterAll(() => t.close());

  const issues = (query: string) =>
    t.http.get(`/v1/usage-reports/${reportId}/issues?${query}`, licensee.key);
  const lineIds = (body: { data: { lineId: string }[] }) => body.data.map((i) => i.lineId);

  it('lists only the kind asked for, in line order', async () => {
    const invalid = await issues('status=invalid');
    expect(invalid.status).toBe(200);
    expect(lineIds(invalid.body)).toEqual(['l7', 'l14', 'l28']);
    expect(invalid.body.nextCursor).toBeNull();
    const outOfScope = await issues('status=out-of-scope');
    expect(lineIds(outOfScope.body)).toEqual(['l5', 'l10', 'l20', 'l25']);
    const all = await issues('limit=100');
    expect(all.body.data).toHaveLength(17);
  });

  it('pages through one kind with its cursor', async () => {
    const first = await issues('status=unmatched&limit=4');
    expect(lineIds(first.body)).toEqual(['l3', 'l6', 'l9', 'l12']);
    const second = await issues(`status=unmatched&limit=4&cursor=${first.body.nextCursor}`);
    expect(lineIds(second.body)).toEqual(['l15', 'l18', 'l21', 'l24']);
    const third = await issues(`status=unmatched&limit=4&cursor=${second.body.nextCursor}`);
    expect(lineIds(third.body)).toEqual(['l27', 'l30']);
    expect(third.body.nextCursor).toBeNull();
  });

  it('refuses a kind that is not one, and matched lines are no issue', async () => {
    for (const status of ['matched', 'bogus']) {
      const refused = await issues(`status=${status}`);
      expect(refused.status).toBe(400);
      expect(refused.body.type).toBe(`${PROBLEM}validation-failed`);
      expect(refused.body.errors[0].field).toBe('status');
    }
  });

  it("answers 404 for another licensee's report, filtered or not", async () => {
    const other = await createOrganization(t.http, { kind: 'licensee' });
    const response = await t.http.get(
      `/v1/usage-reports/${reportId}/issues?status=invalid`,
      other.key,
    );
    expect(response.status).toBe(404);
  });

  it('is the licensee’s: a publisher is refused', async () => {
    const publisher = await createOrganization(t.http);
    const response = await t.http.get(
      `/v1/usage-reports/${reportId}/issues?status=invalid`,
      publisher.key,
    );
    expect(response.status).toBe(403);
  });
});
