import { createOrganization, OrganizationFixture } from './factories/organization.factory';
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

  it('cancels only items never sent, releasing their reservations; resume finishes a stuck run', async () => {
    const payees = [await payee(h, pub), await payee(h, pub)];
    h.emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '429', times: 100_000 });
    const runId = await draftAndApprove(payees, 'HUF', [1_000, 2_000]);
    await waitFor(
      async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
      (run) => run.items.every((i: { attempts: number }) => i.attempts > 0),
    );
    const cancelled = await h.t.http.post(`/v1/payout-runs/${runId}/cancel`, h.finance[0]);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    h.emulator.clearFaults();
    await h.t.http.post(`/v1/payout-runs/${runId}/resume`, h.finance[0]);
    const run = await waitFor(
      async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
      (r) => r.totals.pending === 0,
    );
    expect(run.totals).toMatchObject({ cancelled: 2, paid: 0, pending: 0 });
    for (const p of payees) {
      expect(transfersTo(p)).toHaveLength(0);
      expect((await balancesOf(h, p, 'HUF')).pending).toBe(0);
    }
    expect((await balancesOf(h, payees[1], 'HUF')).payable).toBe(2_000);
    const again = await h.t.http.post(`/v1/payout-runs/${runId}/cancel`, h.finance[0]);
    expect(again.status).toBe(409);
    expect((await h.t.http.get('/v1/ledger/trial-balance', h.finance[0])).body.balanced).toBe(true);
  });
});
