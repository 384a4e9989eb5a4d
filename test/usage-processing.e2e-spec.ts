import fc from 'fast-check';
import { UsageReportMatcher } from '../src/usage/usage-report-matcher';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { usageReport } from './factories/usage.factory';
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
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    book = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({ usages: ['ai-train'], term: { start: '2027-01-01', end: '2027-12-31' } }),
    );
    expect(
      (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id })).status,
    ).toBe(201);
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
    expect(await t.sql(`SELECT 1 FROM usage_lines WHERE report_id = $1`, [sent.body.id])).toEqual(
      [],
    );
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
      `SELECT count(*) AS n, sum(units) AS units FROM usage_lines WHERE report_id = $1`,
      [sent.body.id],
    );
    expect(rows).toEqual([{ n: '3', units: '60' }]);
    const aggregates = await t.sql<{ lines: string; units: string }>(
      `SELECT lines, units FROM usage_aggregates WHERE report_id = $1`,
      [sent.body.id],
    );
    expect(aggregates).toEqual([{ lines: '3', units: '60' }]);
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
});
