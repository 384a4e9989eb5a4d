import type { components } from '../../console/src/api/schema';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { waitFor } from '../support/payouts';
import { FaultHarness } from './fault-harness';
import { recordOutcome } from './outcomes';

/** Works per import, loaded 20,000 to a batch: several seconds, many batches. */
const LINES = Number(process.env.FAULT_IMPORT_LINES ?? 300_000);
const BATCH = Number(process.env.FAULT_IMPORT_BATCH ?? 20_000);

/** An import as GET /v1/catalogue-imports/:id answers it. */
type ImportState = components['schemas']['CatalogueImportResponse'];

/**
 * A catalogue import under a fault (issue 22, a): the worker killed with SIGKILL between two
 * batches' commits. The import resumes at the batch after the last one committed and ends as an
 * import without a fault: every work created once, with its identifier.
 */
describe('a catalogue import when the worker is killed', () => {
  let h: FaultHarness;

  beforeAll(async () => {
    h = await FaultHarness.start({
      name: 'imports',
      redisDb: 13,
      env: { IMPORT_BATCH_LINES: String(BATCH) },
    });
    await h.startWorker();
  });
  afterAll(() => h?.stop());

  const file = Array.from({ length: LINES }, (_, i) =>
    JSON.stringify({
      externalId: `F-${i}`,
      title: `Work ${i}`,
      kind: 'book',
      identifiers: [`doi:10.5555/f${i}`],
    }),
  ).join('\n');

  async function upload(publisher: OrganizationFixture): Promise<string> {
    const sent = await h.http.request('POST', '/v1/catalogue-imports', {
      key: publisher.key,
      rawBody: file,
      headers: { 'content-type': 'application/x-ndjson' },
    });
    if (sent.status !== 202) throw new Error(`import ${sent.status}: ${sent.text}`);
    return sent.body.id as string;
  }

  const state = async (publisher: OrganizationFixture, id: string) =>
    (await h.http.get(`/v1/catalogue-imports/${id}`, publisher.key)).body as ImportState;

  /** The import's outcome and the publisher's catalogue, as an import without a fault leaves them. */
  async function expectFaultFree(publisher: OrganizationFixture, id: string): Promise<void> {
    const done = await waitFor(
      () => state(publisher, id),
      (s) => s.status === 'completed' || s.status === 'failed',
      300_000,
    );
    expect(done).toMatchObject({
      status: 'completed',
      linesRead: LINES,
      linesProcessed: LINES,
      created: LINES,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      failure: null,
    });
    const [catalogue] = await h.sql<{ works: number; external: number; identifiers: number }>(
      `SELECT count(*)::int AS works, count(DISTINCT w.external_id)::int AS external,
              (SELECT count(*)::int FROM work_identifiers WHERE organization_id = $1) AS identifiers
         FROM works w WHERE w.organization_id = $1`,
      [publisher.id],
    );
    expect(catalogue).toEqual({ works: LINES, external: LINES, identifiers: LINES });
  }

  it('without a fault: every work created once (the reference)', async () => {
    const publisher = await createOrganization(h.http);
    const started = Date.now();
    await expectFaultFree(publisher, await upload(publisher));
    recordOutcome('catalogue import', 'none', { importMs: Date.now() - started });
  });

  it('the worker killed (SIGKILL) mid-import: it resumes after the last batch committed', async () => {
    const publisher = await createOrganization(h.http);
    const id = await upload(publisher);
    const atKill = await waitFor(
      () => state(publisher, id),
      (s) => s.linesProcessed >= LINES / 3,
      120_000,
    );
    await h.killWorker();
    const killedAt = Date.now();
    const committed = (await state(publisher, id)).linesProcessed;
    expect(committed).toBeLessThan(LINES);
    expect(committed % BATCH).toBe(0);
    expect(atKill.status).toBe('processing');
    await h.startWorker();
    await expectFaultFree(publisher, id);
    recordOutcome('catalogue import', 'worker SIGKILL mid-import', {
      linesCommittedAtKill: committed,
      recoveredAfterMs: Date.now() - killedAt,
    });
  });
});
