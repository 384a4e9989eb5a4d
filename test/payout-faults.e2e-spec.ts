import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { PAYOUT_QUEUE, payoutJobId } from '../src/payouts/payout.queue';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import {
  balancesOf,
  makePayable,
  payee,
  PayeeFixture,
  PayoutsHarness,
  settledRun,
  startPayouts,
  waitFor,
} from './support/payouts';

/** Faults on the way to Stripe. Each test pays in its own currency, so runs never overlap. */
describe('payouts under faults', () => {
  let h: PayoutsHarness;
  let pub: OrganizationFixture;
  beforeAll(async () => {
    h = await startPayouts(
      {},
      {
        balance: {
          sek: 10_000_000,
          nok: 10_000,
          dkk: 10_000_000,
          pln: 10_000_000,
          czk: 10_000_000,
          huf: 10_000_000,
          chf: 10_000_000,
        },
      },
    );
    pub = await createOrganization(h.t.http);
  });
  afterAll(() => h.close());
  afterEach(async () => {
    h.emulator.clearFaults();
    h.emulator.webhooks.mode = 'auto';
    await h.emulator.flushWebhooks();
  });

  async function draftAndApprove(payees: PayeeFixture[], currency: string, amounts: number[]) {
    for (const [i, p] of payees.entries()) await makePayable(h.t, p, currency, amounts[i]);
    return approve(payees, currency);
  }

  async function approve(payees: PayeeFixture[], currency: string) {
    const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
      currency,
      payeeIds: payees.map((p) => p.id),
    });
    expect(draft.body.items).toHaveLength(payees.length);
    const approved = await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
    expect(approved.status).toBe(200);
    return draft.body.id as string;
  }

  const transfersTo = (p: PayeeFixture) =>
    h.emulator.transfers().filter((tr) => tr.destination === p.stripeAccountId);
  const itemOf = (run: { items: { payeeId: string }[] }, p: PayeeFixture) =>
    run.items.find((i) => i.payeeId === p.id) as Record<string, unknown>;

  it("fails an item Stripe refuses for the platform's balance and makes its money payable again", async () => {
    const [a, b] = [await payee(h, pub), await payee(h, pub)];
    const runId = await draftAndApprove([a, b], 'NOK', [6_000, 6_000]);
    const run = await settledRun(h, runId);
    expect(run.status).toBe('completed');
    expect(run.totals).toMatchObject({ paid: 1, failed: 1, pending: 0, paidAmount: 6_000 });
    const failed = run.items.find((i: { status: string }) => i.status === 'failed');
    expect(failed).toMatchObject({
      errorCode: 'balance_insufficient',
      transferId: null,
      amount: 6_000,
    });
    expect(failed.error).toContain('insufficient available funds');
    const failedPayee = failed.payeeId === a.id ? a : b;
    const paidPayee = failed.payeeId === a.id ? b : a;
    expect(await balancesOf(h, failedPayee, 'NOK')).toEqual({ payable: 6_000, pending: 0 });
    expect(await balancesOf(h, paidPayee, 'NOK')).toEqual({ payable: 0, pending: 0 });
    expect(transfersTo(paidPayee)).toHaveLength(1);
    expect(transfersTo(failedPayee)).toHaveLength(0);
  });

  it("fails an item whose account can no longer receive, with Stripe's reason", async () => {
    const p = await payee(h, pub);
    // Stripe disables the account; its account.updated has not arrived when the run is drafted.
    h.emulator.webhooks.mode = 'manual';
    h.emulator.onboard(p.stripeAccountId!, false);
    const runId = await draftAndApprove([p], 'SEK', [2_500]);
    const run = await settledRun(h, runId);
    expect(itemOf(run, p)).toMatchObject({
      status: 'failed',
      errorCode: 'insufficient_capabilities_for_transfer',
    });
    expect(await balancesOf(h, p, 'SEK')).toEqual({ payable: 2_500, pending: 0 });
  });

  it('rides out a 429 storm: every item paid once, no attempt lost to a 429', async () => {
    const payees = [await payee(h, pub), await payee(h, pub), await payee(h, pub)];
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '429', times: 12 });
    const before = h.emulator.statusCounts()[429] ?? 0;
    const runId = await draftAndApprove(payees, 'DKK', [100, 200, 300]);
    const run = await settledRun(h, runId, 30_000);
    expect(run.totals).toMatchObject({ paid: 3, failed: 0, pending: 0, paidAmount: 600 });
    expect((h.emulator.statusCounts()[429] ?? 0) - before).toBe(12);
    for (const p of payees) expect(transfersTo(p)).toHaveLength(1);
  });

  it('retries a 500 on create with the same idempotency key and pays once', async () => {
    const p = await payee(h, pub);
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '500', times: 2 });
    const runId = await draftAndApprove([p], 'PLN', [4_321]);
    const run = await settledRun(h, runId);
    expect(itemOf(run, p)).toMatchObject({
      status: 'paid',
      attempts: 3,
      errorCode: null,
      amount: 4_321,
    });
    expect(transfersTo(p)).toHaveLength(1);
    expect(transfersTo(p)[0].metadata.payoutItemId).toBe(itemOf(run, p).id);
  });

  it('resolves a timeout after Stripe made the transfer by looking it up: exactly one transfer', async () => {
    const p = await payee(h, pub);
    // transfer.created would also settle it; held back, only the lookup can.
    h.emulator.webhooks.mode = 'manual';
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: 'timeout', delayMs: 1_500 });
    const posts = () =>
      h.emulator.requests.filter((r) => r.method === 'POST' && r.path === '/v1/transfers').length;
    const before = posts();
    const runId = await draftAndApprove([p], 'CZK', [9_999]);
    const run = await settledRun(h, runId);
    expect(itemOf(run, p)).toMatchObject({ status: 'paid', attempts: 2, amount: 9_999 });
    expect(transfersTo(p)).toHaveLength(1);
    expect(itemOf(run, p).transferId).toBe(transfersTo(p)[0].id);
    // The second attempt found it with a lookup and sent nothing: one POST, the one cut off.
    await waitFor(
      () => Promise.resolve(posts() - before),
      (n) => n >= 1,
    );
    expect(posts() - before).toBe(1);
    expect(await balancesOf(h, p, 'CZK')).toEqual({ payable: 0, pending: 0 });
  });

  it('cancels only the items never sent: one that reached Stripe is paid, the other released', async () => {
    const payees = [await payee(h, pub), await payee(h, pub)];
    // The first transfer is made but its answer cut off (the item may have reached Stripe:
    // not cancellable); every later POST is refused with a 429 (the item was never sent).
    h.emulator.webhooks.mode = 'manual';
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: 'timeout', delayMs: 1_500 });
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '429', times: 100_000 });
    const before = await ledgerBalances(h.t.http, h.finance[0], 'HUF');
    await Promise.all(payees.map((p, i) => makePayable(h.t, p, 'HUF', [1_000, 2_000][i])));
    const runId = await approve(payees, 'HUF');
    // The lookup (a GET, not faulted) finds the cut-off transfer: that item is paid, while the
    // other keeps meeting 429s.
    await waitFor(
      async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
      (run) =>
        run.items.some((i: { status: string }) => i.status === 'paid') &&
        run.items.every((i: { attempts: number }) => i.attempts > 0),
    );
    const cancelled = await h.t.http.post(`/v1/payout-runs/${runId}/cancel`, h.finance[0]);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    h.emulator.clearFaults();
    const run = await waitFor(
      async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
      (r) => r.totals.pending === 0,
    );
    expect(run.totals).toMatchObject({ cancelled: 1, paid: 1, pending: 0 });
    const paid = payees.findIndex((p) => itemOf(run, p).status === 'paid');
    const [sent, unsent] = [payees[paid], payees[1 - paid]];
    expect(itemOf(run, unsent).status).toBe('cancelled');
    expect(transfersTo(sent).map((tr) => tr.amount)).toEqual([[1_000, 2_000][paid]]);
    expect(transfersTo(unsent)).toEqual([]);
    // The sent item's money left; the cancelled one's reservation is payable again.
    expect(await ledgerChangesSince(h.t.http, h.finance[0], 'HUF', before)).toEqual({
      'platform-stripe-clearing:platform': 3_000 - [1_000, 2_000][paid],
      [`payee-payable:${unsent.id}`]: [1_000, 2_000][1 - paid],
    });
    const again = await h.t.http.post(`/v1/payout-runs/${runId}/cancel`, h.finance[0]);
    expect(again.status).toBe(409);
  });

  it('resume finishes a run whose jobs were lost: each item paid once', async () => {
    const payees = [await payee(h, pub), await payee(h, pub)];
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '429', times: 100_000 });
    const runId = await draftAndApprove(payees, 'CHF', [3_000, 4_000]);
    await waitFor(
      async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
      (run) => run.items.every((i: { attempts: number }) => i.attempts > 1),
    );
    // Redis loses the run's jobs (removed between attempts, while they wait out a backoff).
    const queue = h.t.app.get<Queue>(getQueueToken(PAYOUT_QUEUE));
    const itemIds = (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body.items.map(
      (i: { id: string }) => i.id,
    ) as string[];
    await waitFor(
      async () => {
        for (const id of itemIds) await queue.remove(payoutJobId(id));
        return Promise.all(itemIds.map((id) => queue.getJob(payoutJobId(id))));
      },
      (jobs) => jobs.every((job) => !job),
    );
    h.emulator.clearFaults();
    const stuck = async () =>
      (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body as {
        status: string;
        totals: { pending: number };
        items: { attempts: number }[];
      };
    const lost = await stuck();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    // Nothing moves without a job (the recovery sweep waits two minutes for an item).
    expect(await stuck()).toMatchObject({
      status: 'executing',
      totals: { pending: 2 },
      items: lost.items.map((i) => expect.objectContaining({ attempts: i.attempts })),
    });
    expect(payees.flatMap(transfersTo)).toEqual([]);

    const resumed = await h.t.http.post(`/v1/payout-runs/${runId}/resume`, h.finance[0]);
    expect(resumed.status).toBe(200);
    const run = await settledRun(h, runId);
    expect(run.totals).toMatchObject({ paid: 2, pending: 0 });
    for (const [i, p] of payees.entries()) {
      expect(transfersTo(p).map((tr) => tr.amount)).toEqual([[3_000, 4_000][i]]);
      expect(await balancesOf(h, p, 'CHF')).toEqual({ payable: 0, pending: 0 });
    }
  });
});
