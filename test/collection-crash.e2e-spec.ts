import { INestApplicationContext } from '@nestjs/common';
import { CollectionProcessor } from '../src/collection/collection.processor';
import { createOrganization } from './factories/organization.factory';
import {
  LicensedUse,
  licensedUse,
  postedRun,
  reportUse,
  startCollection,
} from './support/collection';
import { PayoutsHarness, waitFor } from './support/payouts';
import { WorkerContexts } from './support/worker-contexts';

/**
 * A worker killed while it issues a posted run's invoices — drafts made in Stripe whose answers
 * never reached the database — and another started: each invoice has exactly one Stripe invoice
 * (counted in the emulator). This file keeps to 2065.
 */
describe('a collection worker killed while issuing', () => {
  let h: PayoutsHarness;
  let workers: WorkerContexts;

  beforeAll(async () => {
    h = await startCollection(
      {
        RUN_WORKERS: 'false',
        COLLECTION_JOB_LOCK_MS: '1000',
        COLLECTION_CONCURRENCY: '6',
        COLLECTION_REQUESTS_PER_SECOND: '40',
      },
      // Every answer held a while: the kill lands between Stripe doing it and the worker hearing.
      { latencyMs: 150 },
    );
    workers = new WorkerContexts(h.t);
  });
  afterAll(async () => {
    await workers.closeAll();
    await h.close();
  }, 60_000);

  const startWorker = () => workers.start();
  const kill = (context: INestApplicationContext) => workers.kill(context, CollectionProcessor);

  it('issues each invoice exactly once after a restart', async () => {
    // The worker matches the usage and calculates the run too (RUN_WORKERS is off in the api).
    const first = await startWorker();
    const uses: LicensedUse[] = [];
    for (let i = 0; i < 16; i++) {
      const licensee = await createOrganization(h.t.http, { kind: 'licensee' });
      const use = await licensedUse(h, 2065, '2', licensee);
      await reportUse(h, use, ['2065-01-01', '2065-01-31'], 100 + i, `crash-${i}`);
      uses.push(use);
    }
    const run = await postedRun(h, ['2065-01-01', '2065-01-31']);
    const ours = run.invoices.filter((i) => uses.some((u) => u.licensee.id === i.licenseeId));
    expect(ours).toHaveLength(16);
    const drafts = () =>
      [...h.emulator.billing.invoices.values()].filter((i) =>
        ours.some((o) => o.id === i.metadata?.rlInvoiceId),
      );
    const recorded = async () =>
      Number(
        (
          await h.t.sql<{ n: string }>(
            `SELECT count(*) AS n FROM collection_invoices
              WHERE invoice_id = ANY($1::uuid[]) AND stripe_invoice_id IS NOT NULL`,
            [ours.map((o) => o.id)],
          )
        )[0].n,
      );
    // Killed at a moment Stripe has made a draft whose answer (held 150 ms) has not reached the
    // database: the window the test is about (the wait fails the test if it never opens). Checked
    // after the kill instead, the window was sometimes closed already by the draft's own
    // invoice.created webhook, which the api records; and a count of drafts alone sometimes
    // killed the worker between two invoices' calls, with every draft recorded.
    await waitFor(
      async () => ({ made: drafts().length, recorded: await recorded() }),
      ({ made, recorded: known }) => made >= 4 && made > known,
    );
    await kill(first);
    // Calls in flight when it died land at Stripe, unrecorded.
    await new Promise((resolve) => setTimeout(resolve, 400));

    await startWorker();
    const issued = await waitFor(
      () =>
        h.t.sql<{ status: string; n: string }>(
          `SELECT status, count(*) AS n FROM collection_invoices
            WHERE invoice_id = ANY($1::uuid[]) GROUP BY status`,
          [ours.map((o) => o.id)],
        ),
      (rows) => rows.length === 1 && rows[0].status === 'open' && rows[0].n === '16',
      60_000,
    );
    expect(issued).toEqual([{ status: 'open', n: '16' }]);
    const byInvoice = new Map<string, number>();
    for (const draft of drafts())
      byInvoice.set(
        draft.metadata.rlInvoiceId,
        (byInvoice.get(draft.metadata.rlInvoiceId) ?? 0) + 1,
      );
    expect([...byInvoice.values()]).toEqual(Array(16).fill(1));
    expect(drafts().map((d) => d.status)).toEqual(Array(16).fill('open'));
    // Each Stripe invoice is the one recorded, with the amount invoiced (2 per token).
    const rows = await h.t.sql<{ invoice_id: string; stripe_invoice_id: string }>(
      `SELECT invoice_id, stripe_invoice_id FROM collection_invoices WHERE invoice_id = ANY($1::uuid[])`,
      [ours.map((o) => o.id)],
    );
    for (const row of rows) {
      const draft = h.emulator.billing.invoices.get(row.stripe_invoice_id)!;
      expect(draft.metadata.rlInvoiceId).toBe(row.invoice_id);
      expect(draft.total).toBe(ours.find((o) => o.id === row.invoice_id)!.amount);
    }
  }, 120_000);
});
