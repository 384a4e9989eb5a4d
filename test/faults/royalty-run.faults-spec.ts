import { agreedOffer } from '../factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { financeKey, waitFor } from '../support/payouts';
import { FaultHarness } from './fault-harness';
import { recordOutcome } from './outcomes';

/** Works, each its own charge: enough that a calculation lasts a few seconds. */
const WORKS = 200_000;
/** Two usage lines per work. */
const LINES = 2 * WORKS;
const PERIOD = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };

interface RunState {
  status: string;
  calculationHash: string | null;
  summary: {
    statements: number;
    byCurrency: {
      currency: string;
      invoices: number;
      invoiced: number;
      commission: number;
      payees: number;
    }[];
  };
}

/**
 * A royalty calculation under a fault (issue 22, c): the worker killed with SIGKILL in the middle
 * of recalculating a run of 200,000 charges. The calculation is one transaction that starts by
 * clearing what an earlier attempt left, so the job taken up again gives the same figures to the
 * byte (the same calculation hash) as the run calculated without a fault.
 */
describe('a royalty calculation when the worker is killed', () => {
  let h: FaultHarness;
  let licensee: OrganizationFixture;
  let finance: string;
  // Line i uses work i mod WORKS, (i mod 7) + 1 tokens at 0.5 a token.
  let units = 0;
  for (let i = 0; i < LINES; i++) units += (i % 7) + 1;

  beforeAll(async () => {
    h = await FaultHarness.start({ name: 'royalties', redisDb: 14 });
    await h.startWorker();
    const publisher = await createOrganization(h.http);
    licensee = await createOrganization(h.http, { kind: 'licensee' });
    finance = await financeKey({ http: h.http });
    const catalogue = Array.from({ length: WORKS }, (_, i) =>
      JSON.stringify({ externalId: `R-${i}`, title: `Work ${i}`, kind: 'book' }),
    ).join('\n');
    const imported = await h.http.request('POST', '/v1/catalogue-imports', {
      key: publisher.key,
      rawBody: catalogue,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(imported.status).toBe(202);
    await waitFor(
      async () =>
        (await h.http.get(`/v1/catalogue-imports/${imported.body.id}`, publisher.key)).body,
      (state) => state.status === 'completed',
      300_000,
    );
    const works = (
      await h.sql<{ id: string }>(
        `SELECT id FROM works WHERE organization_id = $1 ORDER BY external_id COLLATE "C"`,
        [publisher.id],
      )
    ).map((row) => row.id);
    await agreedOffer(h.http, publisher.key, licensee.key, {
      usages: ['ai-train'],
      term: { start: '2027-01-01', end: '2027-12-31' },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 2, rate: '1' }] },
    });
    const lines = Array.from({ length: LINES }, (_, i) =>
      JSON.stringify({
        lineId: `l-${i}`,
        workId: works[i % WORKS],
        usage: 'ai-train',
        units: (i % 7) + 1,
        unit: 'token',
      }),
    ).join('\n');
    const query = new URLSearchParams({
      reportId: 'royalty-faults',
      ...PERIOD,
      lineCount: String(LINES),
      units: String(units),
    });
    const sent = await h.http.request('POST', `/v1/usage-reports?${query.toString()}`, {
      key: licensee.key,
      rawBody: lines,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(sent.status).toBe(202);
    await waitFor(
      async () => (await h.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key)).body,
      (report) => report.status === 'accepted',
      300_000,
    );
  });
  afterAll(() => h?.stop());

  const runState = async (id: string) =>
    (await h.http.get(`/v1/royalty-runs/${id}`, finance)).body as RunState;
  const calculated = (id: string) =>
    waitFor(
      () => runState(id),
      (run) => run.status !== 'calculating',
      300_000,
    );

  it('recalculated after a SIGKILL mid-calculation: the same figures to the byte', async () => {
    const created = await h.http.post('/v1/royalty-runs', finance, PERIOD);
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const started = Date.now();
    const reference = await calculated(id);
    const calculationMs = Date.now() - started;
    // 1,599,997 tokens at 1 per 2: 799,998.5, rounded half to even once; 10 % commission.
    expect(units).toBe(1_599_997);
    expect(reference).toMatchObject({
      status: 'calculated',
      summary: {
        statements: 1,
        byCurrency: [
          { currency: 'EUR', invoices: 1, invoiced: 799_998, commission: 80_000, payees: 719_998 },
        ],
      },
    });
    const [{ charges }] = await h.sql<{ charges: number }>(
      `SELECT count(*)::int AS charges FROM royalty_charges WHERE run_id = $1`,
      [id],
    );
    expect(charges).toBe(WORKS);
    recordOutcome('royalty calculation', 'none', { calculationMs });

    expect((await h.http.post(`/v1/royalty-runs/${id}/recalculate`, finance)).status).toBe(202);
    await waitFor(
      () => runState(id),
      (run) => run.status === 'calculating',
      10_000,
    );
    await new Promise((resolve) => setTimeout(resolve, calculationMs * 0.4));
    expect((await runState(id)).status).toBe('calculating');
    await h.killWorker();
    const killedAt = Date.now();
    await h.startWorker();
    const after = await calculated(id);
    expect(after).toEqual({ ...reference, ...pick(after, ['calculatedAt', 'updatedAt']) });
    expect(after.calculationHash).toBe(reference.calculationHash);
    const [again] = await h.sql<{ charges: number }>(
      `SELECT count(*)::int AS charges FROM royalty_charges WHERE run_id = $1`,
      [id],
    );
    expect(again.charges).toBe(WORKS);
    recordOutcome('royalty calculation', 'worker SIGKILL mid-calculation', {
      recoveredAfterMs: Date.now() - killedAt,
    });
  });
});

/** The named fields of a response that differ between two calculations by their time alone. */
function pick(value: object, fields: string[]): Record<string, unknown> {
  return Object.fromEntries(
    fields.filter((field) => field in value).map((field) => [field, Reflect.get(value, field)]),
  );
}
