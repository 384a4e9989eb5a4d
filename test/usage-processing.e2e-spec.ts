import fc from 'fast-check';
import { UsageReportMatcher } from '../src/usage/usage-report-matcher';
import { UsageRematcher } from '../src/usage/usage-rematcher';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import {
  licenseeUnderAgreement,
  postNdjson,
  processedReport,
  usageReport,
} from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

/** Processing driven by hand (no workers in this app), to stop it where a crash would. */
const UNKNOWN = freshIsbn().isbn13;

describe('usage report processing', () => {
  let t: TestApp;
  let matcher: UsageReportMatcher;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let book: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ RUN_WORKERS: 'false', USAGE_MAX_INVALID_BPS: '10000' });
    matcher = t.app.get(UsageReportMatcher);
    publisher = await createOrganization(t.http);
    book = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    licensee = await licenseeUnderAgreement(t, publisher.key);
  });
  afterAll(() => t.close());

  const line = (lineId: string, units: number) => ({
    lineId,
    workId: book.id,
    usage: 'ai-train',
    units,
    unit: 'token',
  });

  it('finishes a report exactly once after a worker dies mid-report', async () => {
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport([line('a', 10), line('b', 20), line('c', 30)], { reportId: 'crash-1' }),
    );
    expect(sent.body.status).toBe('received');
    // The lines are written, then the worker dies before the report is settled.
    const settle = jest
      .spyOn(matcher as unknown as { settle: () => Promise<void> }, 'settle')
      .mockRejectedValueOnce(new Error('worker killed'));
    await expect(matcher.process(sent.body.id)).rejects.toThrow('worker killed');
    settle.mockRestore();
    expect(
      await t.sql(`SELECT 1 FROM usage_report_lines WHERE report_id = $1`, [sent.body.id]),
    ).toEqual([]);
    const pending = await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key);
    expect(pending.body.status).toBe('processing');
    expect(await matcher.unfinished()).toContain(sent.body.id);

    await matcher.process(sent.body.id);
    await matcher.process(sent.body.id); // a duplicate delivery of the job changes nothing
    const done = await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key);
    expect(done.body).toMatchObject({
      status: 'accepted',
      counts: { matched: 3, unmatched: 0, outOfScope: 0, invalid: 0 },
    });
    const rows = await t.sql<{ n: string; units: string }>(
      `SELECT count(*) AS n, sum(units) AS units FROM usage_report_lines WHERE report_id = $1`,
      [sent.body.id],
    );
    expect(rows).toEqual([{ n: '3', units: '60' }]);
    const aggregates = await t.sql<{ lines: string; units: string }>(
      `SELECT lines, units FROM usage_aggregates WHERE report_id = $1`,
      [sent.body.id],
    );
    expect(aggregates).toEqual([{ lines: '3', units: '60' }]);
  });

  it('matches a work withdrawn inside the period up to the day before, and keeps the lines unchangeable', async () => {
    const leaving = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    // Withdrawn on 15 July, inside the reported period, as another process would record it.
    await t.sql(
      `UPDATE works SET status = 'withdrawn', withdrawn_at = '2027-07-15T09:00:00Z' WHERE id = $1`,
      [leaving.id],
    );
    const day = (lineId: string, occurredOn: string, units: number) => ({
      lineId,
      workId: leaving.id,
      usage: 'ai-train',
      units,
      unit: 'token',
      occurredOn,
    });
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          day('before', '2027-07-14', 100),
          day('on', '2027-07-15', 20),
          day('after', '2027-07-31', 3),
          day('before-again', '2027-07-01', 1000),
        ],
        { reportId: 'withdrawn-mid-period', periodStart: '2027-07-01', periodEnd: '2027-07-31' },
      ),
    );
    expect(sent.status).toBe(202);
    await matcher.process(sent.body.id);
    const report = await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key);
    expect(report.body).toMatchObject({
      status: 'accepted',
      counts: { matched: 2, unmatched: 0, outOfScope: 2, invalid: 0 },
    });
    const issues = await t.sql(
      `SELECT line_id, status, reason FROM usage_line_issues WHERE report_id = $1 ORDER BY line_no`,
      [sent.body.id],
    );
    expect(issues).toEqual([
      { line_id: 'on', status: 'out-of-scope', reason: 'withdrawn' },
      { line_id: 'after', status: 'out-of-scope', reason: 'withdrawn' },
    ]);
    const matched = await t.sql(
      `SELECT sum(lines)::int AS lines, sum(units)::int AS units FROM usage_aggregates
        WHERE report_id = $1 AND status = 'matched'`,
      [sent.body.id],
    );
    expect(matched).toEqual([{ lines: 2, units: 1100 }]);
    // The lines as received are the report's evidence: the database refuses to change them.
    await expect(
      t.sql(`UPDATE usage_report_lines SET units = 0 WHERE report_id = $1`, [sent.body.id]),
    ).rejects.toThrow();
    await expect(
      t.sql(`DELETE FROM usage_report_lines WHERE report_id = $1`, [sent.body.id]),
    ).rejects.toThrow();
    const kept = await t.sql(
      `SELECT line_id, units::int AS units FROM usage_report_lines WHERE report_id = $1 ORDER BY line_no`,
      [sent.body.id],
    );
    expect(kept).toEqual([
      { line_id: 'before', units: 100 },
      { line_id: 'on', units: 20 },
      { line_id: 'after', units: 3 },
      { line_id: 'before-again', units: 1000 },
    ]);
  });

  it("finds repeated lineIds from the upload's suspects, and checks every line when there are too many", async () => {
    const post = (reportId: string, lineIds: string[]) =>
      postNdjson(
        t,
        licensee.key,
        { reportId, lineCount: lineIds.length, units: lineIds.length },
        lineIds.map((lineId) => JSON.stringify(line(lineId, 1))).join('\n'),
      );
    // Few repeats: the upload names them; the worker looks at those alone.
    const few = await post('repeats-few', ['a', 'b', 'a', 'c', 'b', 'a']);
    expect(few.statusCode).toBe(202);
    const fewId = few.json<{ id: string }>().id;
    const [{ repeat_suspects }] = await t.sql<{ repeat_suspects: string[] }>(
      `SELECT repeat_suspects FROM usage_reports WHERE id = $1`,
      [fewId],
    );
    expect([...repeat_suspects].sort()).toEqual(['a', 'b']);
    await matcher.process(fewId);
    const fewIssues = await t.sql(
      `SELECT line_no::int, line_id, reason FROM usage_line_issues WHERE report_id = $1 ORDER BY line_no`,
      [fewId],
    );
    expect(fewIssues).toEqual([
      { line_no: 3, line_id: 'a', reason: 'duplicate lineId (first on line 1)' },
      { line_no: 5, line_id: 'b', reason: 'duplicate lineId (first on line 2)' },
      { line_no: 6, line_id: 'a', reason: 'duplicate lineId (first on line 1)' },
    ]);
    // More suspects than the upload keeps: it gives up, and the worker checks every line.
    const many = Array.from({ length: 10_002 }, (_, i) => `m${i}`);
    const lots = await post('repeats-many', [...many, ...many, 'last']);
    const lotsId = lots.json<{ id: string }>().id;
    const [{ suspects }] = await t.sql<{ suspects: string[] | null }>(
      `SELECT repeat_suspects AS suspects FROM usage_reports WHERE id = $1`,
      [lotsId],
    );
    expect(suspects).toBeNull();
    const report = await processedReport(t, matcher, licensee.key, lotsId);
    expect(report.body).toMatchObject({
      status: 'accepted',
      counts: { matched: 10_003, unmatched: 0, outOfScope: 0, invalid: 10_002 },
    });
  });

  it('keeps tabs, line breaks and backslashes in free text exactly as sent', async () => {
    const odd = 'tab\there\nnew line\\back\rend';
    const unknown = freshIsbn().isbn13;
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          { ...line(`${odd}-1`, 1), model: odd },
          {
            lineId: `${odd}-2`,
            url: `https://example.org/a\\b\tc`,
            usage: 'ai-train',
            units: 2,
            unit: 'token',
          },
          {
            lineId: `${odd}-3`,
            identifier: `isbn:${unknown}`,
            usage: 'ai-train',
            units: 3,
            unit: 'token',
          },
        ],
        { reportId: 'escapes-1' },
      ),
    );
    const report = await processedReport(t, matcher, licensee.key, sent.body.id);
    expect(report.body).toMatchObject({ status: 'accepted', counts: { matched: 1, unmatched: 2 } });
    const kept = await t.sql(
      `SELECT line_id, model, work_ref FROM usage_report_lines WHERE report_id = $1 ORDER BY line_no`,
      [sent.body.id],
    );
    expect(kept).toEqual([
      { line_id: `${odd}-1`, model: odd, work_ref: `workId:${book.id}` },
      { line_id: `${odd}-2`, model: null, work_ref: 'url:https://example.org/a\\b\tc' },
      { line_id: `${odd}-3`, model: null, work_ref: `isbn:${unknown}` },
    ]);
    const issues = await t.http.get(`/v1/usage-reports/${sent.body.id}/issues`, licensee.key);
    expect(issues.body.data.map((i: { lineId: string }) => i.lineId)).toEqual([
      `${odd}-2`,
      `${odd}-3`,
    ]);
  });

  it('for any report: matched + unmatched + out-of-scope + invalid = lines received, units preserved', async () => {
    const kinds = ['matched', 'out-of-scope', 'unknown', 'invalid'] as const;
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ kind: fc.constantFrom(...kinds), units: fc.integer({ min: 0, max: 1e12 }) }),
          { minLength: 1, maxLength: 30 },
        ),
        async (spec) => {
          n++;
          const lines = spec.map(({ kind, units }, i) => {
            const base = { lineId: `l${i}`, unit: 'token', units };
            switch (kind) {
              case 'matched':
                return { ...base, workId: book.id, usage: 'ai-train' };
              case 'out-of-scope':
                return { ...base, workId: book.id, usage: 'search' };
              case 'unknown':
                return { ...base, identifier: `isbn:${UNKNOWN}`, usage: 'ai-train' };
              case 'invalid':
                return { ...base, workId: book.id, usage: 'not a usage' };
            }
          });
          const sent = await t.http.post(
            '/v1/usage-reports',
            licensee.key,
            usageReport(lines, { reportId: `prop-${n}` }),
          );
          expect(sent.status).toBe(202);
          await matcher.process(sent.body.id);
          const report = (await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key))
            .body as {
            counts: Record<string, number>;
            received: { lineCount: string; units: string };
            totalsByUsage: { units: string }[];
          };
          const count = (kind: (typeof kinds)[number]) => spec.filter((l) => l.kind === kind);
          const { matched, unmatched, outOfScope, invalid } = report.counts;
          expect(matched + unmatched + outOfScope + invalid).toBe(spec.length);
          expect(report.counts).toEqual({
            matched: count('matched').length,
            unmatched: count('unknown').length,
            outOfScope: count('out-of-scope').length,
            invalid: count('invalid').length,
          });
          const total = spec.reduce((sum, l) => sum + BigInt(l.units), 0n);
          const valid = report.totalsByUsage.reduce((sum, row) => sum + BigInt(row.units), 0n);
          const invalidUnits = count('invalid').reduce((sum, l) => sum + BigInt(l.units), 0n);
          expect(report.received).toEqual({ lineCount: String(spec.length), units: String(total) });
          expect(valid + invalidUnits).toBe(total);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('takes suspended lines out of suspense once the work is registered, exactly once', async () => {
    const later = freshIsbn().isbn13;
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          line('known', 100),
          {
            lineId: 'later',
            identifier: `isbn:${later}`,
            usage: 'ai-train',
            units: 40,
            unit: 'token',
          },
          {
            lineId: 'later-search',
            identifier: `isbn:${later}`,
            usage: 'search',
            units: 2,
            unit: 'request',
          },
        ],
        { reportId: 'suspense-1' },
      ),
    );
    await matcher.process(sent.body.id);
    const rematcher = t.app.get(UsageRematcher);
    expect(await rematcher.rematch(sent.body.id)).toBe(0);
    const work = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: later }],
    });

    expect(await rematcher.rematch(sent.body.id)).toBe(2);
    expect(await rematcher.rematch(sent.body.id)).toBe(0);
    const report = await t.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key);
    expect(report.body).toMatchObject({
      counts: { matched: 2, unmatched: 0, outOfScope: 1, invalid: 0 },
      totalsByUsage: [
        { usage: 'ai-train', unit: 'token', lines: 2, units: '140', matchedUnits: '140' },
        { usage: 'search', unit: 'request', lines: 1, units: '2', matchedUnits: '0' },
      ],
    });
    const lines = await t.sql<{
      line_id: string;
      status: string;
      work_id: string;
      rematched: boolean;
    }>(
      `SELECT line_id, status, work_id, rematched_at IS NOT NULL AS rematched FROM usage_line_issues
        WHERE report_id = $1 ORDER BY line_no`,
      [sent.body.id],
    );
    expect(lines).toEqual([
      { line_id: 'later', status: 'matched', work_id: work.id, rematched: true },
      { line_id: 'later-search', status: 'out-of-scope', work_id: work.id, rematched: true },
    ]);
    const net = await t.sql<{ status: string; lines: string; units: string }>(
      `SELECT status, sum(lines) AS lines, sum(units) AS units FROM usage_aggregates
        WHERE report_id = $1 GROUP BY status ORDER BY status`,
      [sent.body.id],
    );
    expect(net).toEqual([
      { status: 'matched', lines: '2', units: '140' },
      { status: 'out-of-scope', lines: '1', units: '2' },
      { status: 'unmatched', lines: '0', units: '0' },
    ]);
  });
});
