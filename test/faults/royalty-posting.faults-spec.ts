import { createWork } from '../factories/catalogue.factory';
import { agreedOffer } from '../factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { usageReport } from '../factories/usage.factory';
import { ledgerBalances, ledgerChangesSince } from '../support/ledger-changes';
import { financeKey, waitFor } from '../support/payouts';
import { exited } from '../../bench/support/processes';
import { FaultHarness } from './fault-harness';
import { recordOutcome } from './outcomes';

/** Licensees, each with an invoice a month: licensee i reports 100 × (i + 1) tokens at 2. */
const LICENSEES = 24;
const JANUARY: [string, string] = ['2068-01-01', '2068-01-31'];
const FEBRUARY: [string, string] = ['2068-02-01', '2068-02-28'];

/**
 * A royalty posting and the issuing of its invoices to Stripe under faults (issue 22, d and f),
 * the service as deployed: the api and the worker from dist/, the Stripe emulator in this process.
 *
 * (d) Posting is one transaction in the api's request: the ledger's transaction, the run marked
 * posted, collection's work recorded and the audit event commit together. The api is killed with
 * SIGKILL while that transaction is open (held at its last statement by a lock this test takes),
 * so none of it may commit; the request retried on a new api posts it once.
 *
 * (f) The worker is killed while it issues a posted run's invoices, at a moment Stripe has made
 * a draft whose answer has not reached the database; the one started after finds the draft by
 * its idempotency key, so each invoice has exactly one Stripe invoice, of its amount.
 */
describe('a royalty posting and its invoices when the api or the worker is killed', () => {
  let h: FaultHarness;
  let publisher: OrganizationFixture;
  let payeeId: string;
  let finance: string;
  const licensees: OrganizationFixture[] = [];
  // Licensee i's invoice: 100 × (i + 1) tokens at 2 a token; 10 % of it commission.
  const invoiced = (i: number) => 200 * (i + 1);

  beforeAll(async () => {
    h = await FaultHarness.start({
      name: 'posting',
      redisDb: 15,
      // Every answer held a while: a kill lands between Stripe doing it and the worker hearing.
      stripe: { latencyMs: 150 },
      env: {
        COLLECTION_THROUGH_STRIPE: 'true',
        COLLECTION_CONCURRENCY: '4',
        COLLECTION_BACKOFF_MS: '200',
        COLLECTION_ATTEMPTS: '20',
        PLATFORM_COMMISSION_BPS: '1000',
      },
    });
    await h.startWorker();
    finance = await financeKey({ http: h.http });
    publisher = await createOrganization(h.http);
    payeeId = (await h.http.get('/v1/payees', publisher.key)).body.data[0].id as string;
    const work = await createWork(h.http, publisher.key);
    for (let i = 0; i < LICENSEES; i++) {
      const licensee = await createOrganization(h.http, { kind: 'licensee' });
      await agreedOffer(h.http, publisher.key, licensee.key, {
        usages: ['ai-train'],
        term: { start: '2068-01-01', end: '2068-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '2' }] },
      });
      for (const [month, [periodStart, periodEnd]] of [
        ['jan', JANUARY],
        ['feb', FEBRUARY],
      ] as const) {
        const sent = await h.http.post(
          '/v1/usage-reports',
          licensee.key,
          usageReport(
            [
              {
                lineId: `${month}-${i}`,
                workId: work.id,
                usage: 'ai-train',
                units: 100 * (i + 1),
                unit: 'token',
              },
            ],
            { reportId: `${month}-${i}`, periodStart, periodEnd },
          ),
        );
        expect(sent.status).toBe(202);
        await waitFor(
          async () => (await h.http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key)).body,
          (report) => report.status === 'accepted',
          60_000,
        );
      }
      licensees.push(licensee);
    }
  }, 300_000);
  // A test that failed with the api killed leaves the next one an api.
  beforeEach(async () => {
    if (exited(h.api)) await h.startApi();
  });
  afterAll(() => h?.stop());

  /** The month's run, calculated; its invoices. */
  const calculatedRun = async (month: [string, string]) => {
    const created = await h.http.post('/v1/royalty-runs', finance, {
      periodStart: month[0],
      periodEnd: month[1],
    });
    expect(created.status).toBe(202);
    const id = created.body.id as string;
    const run = await waitFor(
      async () => (await h.http.get(`/v1/royalty-runs/${id}`, finance)).body,
      (body) => body.status !== 'calculating',
      120_000,
    );
    expect(run.status).toBe('calculated');
    const invoices = (await h.http.get(`/v1/invoices?runId=${id}&limit=200`, finance)).body
      .data as { id: string; licenseeId: string; amount: number; commission: number }[];
    // Each licensee's invoice of its own figures, worked out above.
    expect(
      invoices
        .map((invoice) => [
          licensees.findIndex((l) => l.id === invoice.licenseeId),
          invoice.amount,
          invoice.commission,
        ])
        .sort((a, b) => a[0] - b[0]),
    ).toEqual(licensees.map((_, i) => [i, invoiced(i), invoiced(i) / 10]));
    return { id, invoices };
  };

  /** What the run's posting has committed: ledger transactions, collection's work, its state. */
  const committed = async (runId: string, invoiceIds: string[]) => {
    const [row] = await h.sql<{ transactions: number; collections: number; status: string }>(
      `SELECT (SELECT count(*)::int FROM ledger_transactions WHERE refs->>'royaltyRunId' = $1::text)
                AS transactions,
              (SELECT count(*)::int FROM collection_invoices WHERE invoice_id = ANY($2::uuid[]))
                AS collections,
              (SELECT status FROM royalty_runs WHERE id = $1::uuid) AS status`,
      [runId, invoiceIds],
    );
    return row;
  };

  /** Stripe's invoices (the emulator's) for the given invoices, by invoice. */
  const stripeInvoices = (invoiceIds: string[]) =>
    [...h.emulator!.billing.invoices.values()].filter((draft) =>
      invoiceIds.includes(draft.metadata?.rlInvoiceId),
    );

  /** Every invoice issued (open), each with exactly one Stripe invoice of its amount. */
  const expectIssuedOnce = async (invoices: { id: string; amount: number }[]) => {
    const ids = invoices.map((invoice) => invoice.id);
    const states = await waitFor(
      () =>
        h.sql<{ status: string; n: number }>(
          `SELECT status, count(*)::int AS n FROM collection_invoices
            WHERE invoice_id = ANY($1::uuid[]) GROUP BY status`,
          [ids],
        ),
      (rows) => rows.length === 1 && rows[0].status === 'open' && rows[0].n === LICENSEES,
      180_000,
    );
    expect(states).toEqual([{ status: 'open', n: LICENSEES }]);
    const drafts = stripeInvoices(ids);
    expect(drafts).toHaveLength(LICENSEES);
    const recorded = await h.sql<{ invoice_id: string; stripe_invoice_id: string }>(
      `SELECT invoice_id, stripe_invoice_id FROM collection_invoices WHERE invoice_id = ANY($1::uuid[])`,
      [ids],
    );
    for (const row of recorded) {
      const draft = h.emulator!.billing.invoices.get(row.stripe_invoice_id)!;
      expect([draft.metadata.rlInvoiceId, draft.status, draft.total]).toEqual([
        row.invoice_id,
        'open',
        invoices.find((invoice) => invoice.id === row.invoice_id)!.amount,
      ]);
    }
  };

  it('(d) a posting cut off by a SIGKILL of the api commits nothing; retried, it posts once', async () => {
    const run = await calculatedRun(JANUARY);
    const invoiceIds = run.invoices.map((invoice) => invoice.id);
    const before = await ledgerBalances(h.http, finance, 'EUR');

    // The audit event is the posting's last write: held there by this lock, the transaction has
    // written the ledger's transaction, the run's state and collection's work, and not committed.
    const holder = await h.sqlSession();
    await holder.query('BEGIN');
    await holder.query('LOCK TABLE audit_events IN SHARE MODE');
    const cutOff = h.http.post(`/v1/royalty-runs/${run.id}/post`, finance).then(
      (response) => response.status,
      (error: Error) => error.message,
    );
    const [waiting] = await waitFor(
      () =>
        h.sql<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity
            WHERE datname = current_database() AND wait_event_type = 'Lock'
              AND query ILIKE '%audit_events%'`,
        ),
      (rows) => rows.length === 1,
      30_000,
    );
    const [written] = await h.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_locks WHERE pid = $1 AND locktype = 'transactionid'`,
      [waiting.pid],
    );
    expect(written.n).toBeGreaterThan(0);
    await h.killApi();
    const killedAt = Date.now();
    // The client's request fails with the connection, never with an answer.
    expect(typeof (await cutOff)).toBe('string');
    await holder.query('ROLLBACK');
    // The orphaned session ends (the client is gone) and its transaction is rolled back.
    await waitFor(
      () => h.sql(`SELECT 1 FROM pg_stat_activity WHERE pid = $1`, [waiting.pid]),
      (rows) => rows.length === 0,
      30_000,
    );
    await holder.end();
    expect(await committed(run.id, invoiceIds)).toEqual({
      transactions: 0,
      collections: 0,
      status: 'calculated',
    });

    await h.startApi();
    expect(await ledgerChangesSince(h.http, finance, 'EUR', before)).toEqual({});
    const retried = await h.http.post(`/v1/royalty-runs/${run.id}/post`, finance);
    expect([retried.status, retried.body.status]).toEqual([200, 'posted']);
    const again = await h.http.post(`/v1/royalty-runs/${run.id}/post`, finance);
    expect([again.status, again.body.status]).toEqual([200, 'posted']);
    const recoveredAfterMs = Date.now() - killedAt;
    // One ledger transaction per invoice, as many collections.
    expect(await committed(run.id, invoiceIds)).toEqual({
      transactions: LICENSEES,
      collections: LICENSEES,
      status: 'posted',
    });
    // As a posting without the fault: each licensee owes its invoice; 10 % of the 60,000 is the
    // platform's; the publisher's one payee waits for the other 54,000 to be collected.
    const total = licensees.reduce((sum, _, i) => sum + invoiced(i), 0);
    expect(total).toBe(60_000);
    expect(await ledgerChangesSince(h.http, finance, 'EUR', before)).toEqual({
      ...Object.fromEntries(licensees.map((l, i) => [`licensee-receivable:${l.id}`, invoiced(i)])),
      'platform-commission:platform': 6_000,
      [`payee-awaiting-collection:${payeeId}`]: 54_000,
    });
    const trial = await h.http.get('/v1/ledger/trial-balance', finance);
    expect(trial.body.balanced).toBe(true);
    // Collection's work, recorded with the posting, is carried out: each invoice issued once.
    await expectIssuedOnce(run.invoices);
    const audits = await h.sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM audit_events
        WHERE action = 'royalty-run.post' AND resource_id = $1`,
      [run.id],
    );
    expect(audits).toEqual([{ n: 1 }]);
    recordOutcome('royalty posting', 'api SIGKILL mid-transaction', { recoveredAfterMs });
  }, 300_000);

  it('(f) invoices issued to Stripe exactly once after the worker is killed mid-issuing', async () => {
    const run = await calculatedRun(FEBRUARY);
    const invoiceIds = run.invoices.map((invoice) => invoice.id);
    const posted = await h.http.post(`/v1/royalty-runs/${run.id}/post`, finance);
    expect(posted.status).toBe(200);
    const recorded = async () =>
      (
        await h.sql<{ n: number }>(
          `SELECT count(*)::int AS n FROM collection_invoices
            WHERE invoice_id = ANY($1::uuid[]) AND stripe_invoice_id IS NOT NULL`,
          [invoiceIds],
        )
      )[0].n;
    // Killed at a moment Stripe has made a draft whose answer (held 150 ms) has not reached the
    // database; the wait fails the test if that window never opens.
    const window = await waitFor(
      async () => ({ made: stripeInvoices(invoiceIds).length, known: await recorded() }),
      ({ made, known }) => made >= 4 && made > known,
      60_000,
    );
    await h.killWorker();
    const killedAt = Date.now();
    expect(window.made).toBeLessThan(LICENSEES);
    await h.startWorker();
    await expectIssuedOnce(run.invoices);
    recordOutcome('issuing invoices to Stripe', 'worker SIGKILL mid-issuing', {
      recoveredAfterMs: Date.now() - killedAt,
      draftsAtKill: window.made,
      recordedAtKill: window.known,
    });
  }, 300_000);
});
