import { TestApp, TestResponse } from '../support/test-app';

/** Polls a run until its worker has finished calculating it (calculated or failed). */
export async function calculated(t: TestApp, key: string, id: string): Promise<TestResponse> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const response = await t.http.get(`/v1/royalty-runs/${id}`, key);
    if (response.body.status !== 'calculating') return response;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`royalty run ${id} was not calculated in time`);
}

/** Creates the period's run as finance and waits for its calculation. */
export async function calculatedRun(
  t: TestApp,
  financeKey: string,
  periodStart: string,
  periodEnd: string,
): Promise<TestResponse> {
  const created = await t.http.post('/v1/royalty-runs', financeKey, { periodStart, periodEnd });
  if (created.status !== 202) throw new Error(`royalty run: ${JSON.stringify(created.body)}`);
  return calculated(t, financeKey, created.body.id as string);
}
