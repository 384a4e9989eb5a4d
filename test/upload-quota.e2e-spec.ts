import { canonicalJson } from '../src/common/idempotency/idempotency';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { orphanStagingTables, postNdjson, usageReport } from './factories/usage.factory';
import { startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';
const QUOTA = 4096;
const DAY = 86400;

function usageLine(lineId: string): string {
  return `${JSON.stringify(jsonLine(lineId))}\n`;
}

function jsonLine(lineId: string) {
  return {
    lineId,
    workId: '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d',
    usage: 'ai-train',
    units: 100,
    unit: 'token',
  };
}

/** An NDJSON report of `lines` lines of 100 units, padded with blank lines to exactly `bytes`. */
function ndjsonReport(lines: number, bytes: number): string {
  const text = Array.from({ length: lines }, (_, i) => usageLine(`l${i}`)).join('');
  const short = bytes - Buffer.byteLength(text);
  if (short < 0) throw new Error(`${lines} lines take ${Buffer.byteLength(text)} bytes`);
  return text + '\n'.repeat(short);
}

/** A catalogue file of `lines` works, padded with blank lines to exactly `bytes`. */
function catalogue(prefix: string, lines: number, bytes: number): string {
  const text = Array.from(
    { length: lines },
    (_, i) =>
      `${JSON.stringify({ externalId: `${prefix}-${i}`, title: `Work ${i}`, kind: 'book' })}\n`,
  ).join('');
  const short = bytes - Buffer.byteLength(text);
  if (short < 0) throw new Error(`${lines} works take ${Buffer.byteLength(text)} bytes`);
  return text + '\n'.repeat(short);
}

describe('Upload quota per organization (issue 16)', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ UPLOAD_QUOTA_BYTES_PER_DAY: String(QUOTA) });
  });

  afterAll(async () => {
    await t?.close();
  });

  const report = (key: string, reportId: string, lines: number, body: string) =>
    postNdjson(t, key, { reportId, lineCount: lines, units: lines * 100 }, body);

  const importCatalogue = (key: string, body: string) =>
    t.http.request('POST', '/v1/catalogue-imports', {
      key,
      rawBody: body,
      headers: { 'content-type': 'application/x-ndjson' },
    });

  async function recorded(column: 'usage_report_id' | 'catalogue_import_id', id: string) {
    return t.sql<{ bytes: string }>(`SELECT bytes::text FROM upload_bytes WHERE ${column} = $1`, [
      id,
    ]);
  }

  async function receivedBy(organization: OrganizationFixture): Promise<number> {
    const [row] = await t.sql<{ bytes: string }>(
      `SELECT coalesce(sum(bytes), 0)::text AS bytes FROM upload_bytes WHERE organization_id = $1`,
      [organization.id],
    );
    return Number(row.bytes);
  }

  async function reportIds(organization: OrganizationFixture): Promise<string[]> {
    const rows = await t.sql<{ report_id: string }>(
      `SELECT report_id FROM usage_reports WHERE licensee_id = $1 ORDER BY report_id`,
      [organization.id],
    );
    return rows.map((row) => row.report_id);
  }

  it('takes usage reports up to the quota, records the bytes each sent, then answers 429 with Retry-After and stores nothing', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const other = await createOrganization(t.http, { kind: 'licensee' });

    const first = ndjsonReport(5, 1500);
    const one = await report(licensee.key, 'quota-1', 5, first);
    expect(one.statusCode).toBe(202);
    expect(await recorded('usage_report_id', one.json<{ id: string }>().id)).toEqual([
      { bytes: String(Buffer.byteLength(first)) },
    ]);
    expect(Buffer.byteLength(first)).toBe(1500);

    const csv = [
      'lineId,identifier,url,usage,units,unit,occurredOn,territory',
      'c1,isbn:9780306406157,,ai-train,100,token,2027-06-03,',
      'c2,,https://news.example/story-1,ai-input,100,retrieval,,DE',
      '',
    ].join('\n');
    const two = await t.app.inject({
      method: 'POST',
      url: `/v1/usage-reports?${new URLSearchParams({
        reportId: 'quota-2',
        periodStart: '2027-06-01',
        periodEnd: '2027-06-30',
        lineCount: '2',
        units: '200',
      }).toString()}`,
      headers: { authorization: `Bearer ${licensee.key}`, 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(two.statusCode).toBe(202);
    expect(await recorded('usage_report_id', two.json<{ id: string }>().id)).toEqual([
      { bytes: String(Buffer.byteLength(csv)) },
    ]);

    const json = usageReport([jsonLine('j1')], { reportId: 'quota-3' });
    const three = await t.http.post('/v1/usage-reports', licensee.key, json);
    expect(three.status).toBe(202);
    // A JSON report counts its canonical JSON (the text its content hash is taken of).
    expect(await recorded('usage_report_id', three.body.id)).toEqual([
      { bytes: String(Buffer.byteLength(canonicalJson(json))) },
    ]);

    // Fill what is left, to the byte.
    const left = QUOTA - (await receivedBy(licensee));
    expect(left).toBe(
      QUOTA - 1500 - Buffer.byteLength(csv) - Buffer.byteLength(canonicalJson(json)),
    );
    const last = ndjsonReport(2, left);
    expect((await report(licensee.key, 'quota-4', 2, last)).statusCode).toBe(202);
    expect(await receivedBy(licensee)).toBe(QUOTA);

    // At the quota: refused before the body is read, with the time until the window frees.
    const refused = await report(licensee.key, 'quota-5', 1, ndjsonReport(1, 200));
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['content-type']).toContain('application/problem+json');
    expect(refused.json()).toMatchObject({
      type: `${PROBLEM}upload-quota-exceeded`,
      status: 429,
      quotaBytes: QUOTA,
      receivedBytes: QUOTA,
    });
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(DAY - 120);
    expect(retryAfter).toBeLessThanOrEqual(DAY);
    const jsonRefused = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport([jsonLine('j1')], { reportId: 'quota-6' }),
    );
    expect(jsonRefused.status).toBe(429);
    expect(jsonRefused.body.type).toBe(`${PROBLEM}upload-quota-exceeded`);
    expect(await reportIds(licensee)).toEqual(['quota-1', 'quota-2', 'quota-3', 'quota-4']);
    expect(await receivedBy(licensee)).toBe(QUOTA);

    // A replay of a stored report stores nothing, and is still answered.
    const replay = await report(licensee.key, 'quota-1', 5, first);
    expect(replay.statusCode).toBe(202);
    expect(replay.json<{ id: string }>().id).toBe(one.json<{ id: string }>().id);

    // Another organization's quota is its own.
    const elsewhere = ndjsonReport(5, 2000);
    const theirs = await report(other.key, 'quota-1', 5, elsewhere);
    expect(theirs.statusCode).toBe(202);
    expect(await receivedBy(other)).toBe(2000);
  });

  it('answers 413 to a usage report larger than what the quota has left, and keeps no report, staging table or bytes of it', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    expect((await report(licensee.key, 'cross-1', 5, ndjsonReport(5, 3000))).statusCode).toBe(202);

    const crossing = await report(licensee.key, 'cross-2', 20, ndjsonReport(20, 3000));
    expect(crossing.statusCode).toBe(413);
    expect(crossing.headers['content-type']).toContain('application/problem+json');
    expect(crossing.json()).toMatchObject({
      type: `${PROBLEM}upload-quota-exceeded`,
      status: 413,
      remainingBytes: QUOTA - 3000,
    });
    expect(await reportIds(licensee)).toEqual(['cross-1']);
    expect(await orphanStagingTables(t)).toEqual([]);
    expect(await receivedBy(licensee)).toBe(3000);

    // What is left is still there to use.
    expect(
      (await report(licensee.key, 'cross-3', 5, ndjsonReport(5, QUOTA - 3000))).statusCode,
    ).toBe(202);
    expect(await receivedBy(licensee)).toBe(QUOTA);
  });

  it('frees the quota as uploads leave the 24-hour window, and says when in Retry-After', async () => {
    const licensee = await createOrganization(t.http, { kind: 'licensee' });
    const older = await report(licensee.key, 'window-1', 5, ndjsonReport(5, 2000));
    const newer = await report(licensee.key, 'window-2', 5, ndjsonReport(5, QUOTA - 2000));
    expect([older.statusCode, newer.statusCode]).toEqual([202, 202]);
    // The older one arrived 23 hours ago: the quota frees when it leaves the window, in an hour.
    await t.sql(
      `UPDATE upload_bytes SET received_at = received_at - interval '23 hours' WHERE usage_report_id = $1`,
      [older.json<{ id: string }>().id],
    );
    const refused = await report(licensee.key, 'window-3', 5, ndjsonReport(5, 2000));
    expect(refused.statusCode).toBe(429);
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(3600 - 120);
    expect(retryAfter).toBeLessThanOrEqual(3600);

    // A day after it arrived, its bytes no longer count.
    await t.sql(
      `UPDATE upload_bytes SET received_at = received_at - interval '1 hour' WHERE usage_report_id = $1`,
      [older.json<{ id: string }>().id],
    );
    expect((await report(licensee.key, 'window-3', 5, ndjsonReport(5, 2000))).statusCode).toBe(202);
    expect(await reportIds(licensee)).toEqual(['window-1', 'window-2', 'window-3']);
  });

  it('counts catalogue imports: their bytes recorded, 413 past what is left with no import kept, 429 at the quota', async () => {
    const publisher = await createOrganization(t.http, { kind: 'publisher' });
    const other = await createOrganization(t.http, { kind: 'publisher' });
    const imports = async (organization: OrganizationFixture) =>
      (
        await t.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM catalogue_imports WHERE organization_id = $1`,
          [organization.id],
        )
      )[0].n;

    const file = catalogue('Q', 10, 3000);
    const first = await importCatalogue(publisher.key, file);
    expect(first.status).toBe(202);
    expect(await recorded('catalogue_import_id', first.body.id)).toEqual([
      { bytes: String(Buffer.byteLength(file)) },
    ]);

    const crossing = await importCatalogue(publisher.key, catalogue('R', 10, 2000));
    expect(crossing.status).toBe(413);
    expect(crossing.body).toMatchObject({
      type: `${PROBLEM}upload-quota-exceeded`,
      status: 413,
      remainingBytes: QUOTA - 3000,
    });
    expect(await imports(publisher)).toBe(1);
    expect(await receivedBy(publisher)).toBe(3000);

    expect((await importCatalogue(publisher.key, catalogue('S', 5, QUOTA - 3000))).status).toBe(
      202,
    );
    const refused = await importCatalogue(publisher.key, catalogue('T', 1, 100));
    expect(refused.status).toBe(429);
    expect(refused.body.type).toBe(`${PROBLEM}upload-quota-exceeded`);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(DAY - 120);
    expect(await imports(publisher)).toBe(2);
    expect(await receivedBy(publisher)).toBe(QUOTA);

    expect((await importCatalogue(other.key, catalogue('Q', 10, 3000))).status).toBe(202);
  });
});
