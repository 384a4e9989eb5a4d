import { TestApp, TestResponse } from '../support/test-app';

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
