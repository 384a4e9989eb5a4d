import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { TestApp, TestResponse } from '../support/test-app';
import { offerTerms } from './licensing.factory';
import { createOrganization } from './organization.factory';

export interface UsageLineInput {
  lineId: string;
  [field: string]: unknown;
}

/** A JSON usage report body whose declared totals match its lines (unless overridden). */
export function usageReport(
  lines: UsageLineInput[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  const units = lines.reduce(
    (sum, line) => sum + BigInt((line.units as number | string | undefined) ?? 0),
    0n,
  );
  return {
    reportId: `report-${Math.random().toString(36).slice(2)}`,
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
    lines,
    totals: { lineCount: lines.length, units: String(units) },
    ...overrides,
  };
}

/** Polls a report until a worker has finished with it (accepted or rejected). */
export async function settledReport(t: TestApp, key: string, id: string): Promise<TestResponse> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await t.http.get(`/v1/usage-reports/${id}`, key);
    if (response.body.status === 'accepted' || response.body.status === 'rejected') {
      return response;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`usage report ${id} was not processed in time`);
}

/**
 * A licensee with an agreement, accepted through the API, on an offer of `publisherKey`'s for
 * ai-train in 2027 (every work): the usual ground for usage that should match.
 */
export async function licenseeUnderAgreement(t: TestApp, publisherKey: string) {
  const licensee = await createOrganization(t.http, { kind: 'licensee' });
  const offer = await t.http.post(
    '/v1/licence-offers',
    publisherKey,
    offerTerms({ usages: ['ai-train'], term: { start: '2027-01-01', end: '2027-12-31' } }),
  );
  const agreement = await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id });
  if (agreement.status !== 201) throw new Error(`agreement: ${JSON.stringify(agreement.body)}`);
  return licensee;
}

/**
 * Starts an NDJSON upload over a real socket, sends `partial` (a few lines and half of one),
 * then kills the connection, as a client dying mid-upload would.
 */
export async function cutOffUpload(
  t: TestApp,
  key: string,
  query: string,
  partial: string,
): Promise<void> {
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const request = http.request({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: `/v1/usage-reports?${query}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
  });
  request.on('error', () => undefined);
  request.write(partial);
  await new Promise((resolve) => setTimeout(resolve, 300));
  request.destroy();
  await new Promise((resolve) => setTimeout(resolve, 700));
}

/** Staging tables without a report row: what a cut-off upload would leave if it left anything. */
export function orphanStagingTables(t: TestApp) {
  return t.sql(
    `SELECT tablename FROM pg_tables t
      WHERE schemaname = 'usage_staging'
        AND NOT EXISTS (SELECT 1 FROM usage_reports r
                         WHERE 'r_' || replace(r.id::text, '-', '') = t.tablename)`,
  );
}

/** Runs the worker's matching of a report by hand, then reads the report as the API shows it. */
export async function processedReport(
  t: TestApp,
  matcher: { process(id: string): Promise<void> },
  key: string,
  id: string,
): Promise<TestResponse> {
  await matcher.process(id);
  return t.http.get(`/v1/usage-reports/${id}`, key);
}

/** POSTs an NDJSON report of June 2027, its header in the query. */
export function postNdjson(
  t: TestApp,
  key: string,
  header: { reportId: string; lineCount: number; units: number | string },
  body: string,
) {
  return t.app.inject({
    method: 'POST',
    url: `/v1/usage-reports?${new URLSearchParams({
      reportId: header.reportId,
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
      lineCount: String(header.lineCount),
      units: String(header.units),
    }).toString()}`,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
    payload: body,
  });
}
