import { createWork } from '../factories/catalogue.factory';
import { agreedOffer } from '../factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { waitFor } from '../support/payouts';
import { FaultHarness } from './fault-harness';
import { recordOutcome } from './outcomes';

/** Lines per report: long enough (a few seconds of matching) to be stopped in the middle. */
const LINES = 400_000;
const WORKS = 50;
const PERIOD = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };

/**
 * A usage report's matching under faults (issue 22, b): the worker killed with SIGKILL in the
 * middle, PostgreSQL restarted in the middle, Redis flushed while reports wait on the queue. Each
 * report ends as a report without a fault ends: accepted, every line matched once, the same units
 * per work. The matching is one transaction, so a fault leaves nothing half-written.
 */
describe('usage matching under faults', () => {
  let h: FaultHarness;
  let licensee: OrganizationFixture;
  let works: string[];
  /** Units per work, worked out from the lines as generated. */
  const expectedUnits = new Map<number, number>();
  for (let i = 0; i < LINES; i++) {
    expectedUnits.set(i % WORKS, (expectedUnits.get(i % WORKS) ?? 0) + (i % 7) + 1);
  }
  // Measured by the fault-free test; 800 ms (this machine) if it did not run.
  let faultFreeMs = 800;

  beforeAll(async () => {
    h = await FaultHarness.start({ name: 'usage', redisDb: 11 });
    const publisher = await createOrganization(h.http);
    licensee = await createOrganization(h.http, { kind: 'licensee' });
    works = [];
    for (let w = 0; w < WORKS; w++) works.push((await createWork(h.http, publisher.key)).id);
    await agreedOffer(h.http, publisher.key, licensee.key, {
      usages: ['ai-train'],
      term: { start: '2027-01-01', end: '2027-12-31' },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.5' }] },
    });
    await h.startWorker();
  });
  afterAll(() => h?.stop());

  /** A report of LINES lines as NDJSON; its id once the api has it (202). */
  async function upload(reportId: string): Promise<string> {
    const lines: string[] = [];
    let units = 0;
    for (let i = 0; i < LINES; i++) {
      units += (i % 7) + 1;
      lines.push(
        JSON.stringify({
          lineId: `${reportId}-${i}`,
          workId: works[i % WORKS],
          usage: 'ai-train',
          units: (i % 7) + 1,
          unit: 'token',
        }),
      );
    }
    const query = new URLSearchParams({
      reportId,
      ...PERIOD,
      lineCount: String(LINES),
      units: String(units),
    });
    const sent = await h.http.request('POST', `/v1/usage-reports?${query.toString()}`, {
      key: licensee.key,
      rawBody: lines.join('\n'),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    if (sent.status !== 202) throw new Error(`upload ${sent.status}: ${sent.text}`);
    return sent.body.id as string;
  }

  const status = async (id: string) =>
    (await h.http.get(`/v1/usage-reports/${id}`, licensee.key)).body as {
      status: string;
      counts: Record<string, number>;
    };

  const settled = (id: string, timeoutMs = 240_000) =>
    waitFor(
      () => status(id),
      (report) => report.status === 'accepted' || report.status === 'rejected',
      timeoutMs,
    );

  /** Until the worker has been matching the report for `afterMs`. */
  async function midMatching(id: string, afterMs: number): Promise<void> {
    await waitFor(
      () => status(id),
      (report) => report.status === 'processing',
      60_000,
    );
    await new Promise((resolve) => setTimeout(resolve, afterMs));
    expect((await status(id)).status).toBe('processing');
  }

  /** The report's final state as the fault-free run has it, checked against the lines made. */
  async function expectFaultFreeState(id: string): Promise<void> {
    const report = await status(id);
    expect(report.status).toBe('accepted');
    expect(report.counts).toEqual({ matched: LINES, unmatched: 0, outOfScope: 0, invalid: 0 });
    const aggregates = await h.sql<{ work_id: string; lines: number; units: string }>(
      `SELECT work_id, sum(lines)::int AS lines, sum(units)::text AS units
         FROM usage_aggregates WHERE report_id = $1 AND status = 'matched' GROUP BY work_id`,
      [id],
    );
    expect(
      Object.fromEntries(aggregates.map((a) => [a.work_id, [a.lines, Number(a.units)]])),
    ).toEqual(
      Object.fromEntries(works.map((work, w) => [work, [LINES / WORKS, expectedUnits.get(w)]])),
    );
    const [{ stored }] = await h.sql<{ stored: number }>(
      `SELECT count(*)::int AS stored FROM usage_report_lines WHERE report_id = $1`,
      [id],
    );
    expect(stored).toBe(LINES);
  }

  it('without a fault: every line matched once (the reference, and how long matching takes)', async () => {
    const id = await upload('fault-free');
    await waitFor(
      () => status(id),
      (report) => report.status === 'processing',
      60_000,
    );
    const started = Date.now();
    await settled(id);
    faultFreeMs = Date.now() - started;
    await expectFaultFreeState(id);
    recordOutcome('usage matching', 'none', { matchingMs: faultFreeMs });
  });

  it('the worker killed (SIGKILL) mid-matching: the job is taken up again once its lock expires', async () => {
    const id = await upload('worker-killed');
    await midMatching(id, faultFreeMs * 0.4);
    await h.killWorker();
    const killedAt = Date.now();
    await h.startWorker();
    await settled(id);
    await expectFaultFreeState(id);
    recordOutcome('usage matching', 'worker SIGKILL mid-matching', {
      recoveredAfterMs: Date.now() - killedAt,
    });
  });

  it('PostgreSQL restarted mid-matching: the transaction is rolled back and the job retried', async () => {
    const id = await upload('postgres-restarted');
    await midMatching(id, faultFreeMs * 0.4);
    const restartedAt = Date.now();
    await h.restartPostgres();
    await settled(id);
    await expectFaultFreeState(id);
    recordOutcome('usage matching', 'PostgreSQL restarted mid-matching', {
      recoveredAfterMs: Date.now() - restartedAt,
    });
  });

  it('Redis flushed while one report is matched and another waits: both found again and accepted', async () => {
    // Both received while no worker runs, so the second waits on the queue behind the first.
    await h.killWorker();
    const first = await upload('redis-first');
    const second = await upload('redis-second');
    await h.startWorker();
    await midMatching(first, faultFreeMs * 0.3);
    expect((await status(second)).status).toBe('received');
    const flushedAt = Date.now();
    await h.flushRedis();
    await settled(first);
    await settled(second);
    await expectFaultFreeState(first);
    await expectFaultFreeState(second);
    recordOutcome('usage matching', 'Redis flushed mid-matching, a report queued', {
      recoveredAfterMs: Date.now() - flushedAt,
    });
  });
});
