import { createOrganization } from '../factories/organization.factory';
import { ledgerBalances, ledgerChangesSince } from '../support/ledger-changes';
import {
  financeKey,
  makePayable,
  payee,
  PayeeFixture,
  settledRun,
  waitFor,
} from '../support/payouts';
import { TestApp } from '../support/test-app';
import { FaultHarness } from './fault-harness';
import { recordOutcome } from './outcomes';

/** Payees per run: at 40 transfers a second, a run lasts a few seconds. */
const PAYEES = 120;
const amountOf = (i: number) => 1_000 + i;

/**
 * A payout run under faults (issue 22, e): the worker killed with SIGKILL, PostgreSQL restarted
 * and Redis flushed while transfers are being made. Each run ends as a run without a fault: every
 * item paid by exactly one transfer of its amount, and the ledger moved by exactly those amounts.
 * Each run pays in a currency of its own, so their ledger changes stay apart.
 */
describe('a payout run under faults', () => {
  let h: FaultHarness;
  let setup: TestApp;
  let payees: PayeeFixture[];
  let finance: [string, string];

  beforeAll(async () => {
    h = await FaultHarness.start({
      name: 'payouts',
      redisDb: 12,
      stripe: { balance: { eur: 10 ** 9, gbp: 10 ** 9, chf: 10 ** 9, sek: 10 ** 9 } },
      env: { PAYOUT_REQUESTS_PER_SECOND: '40', PAYOUT_BACKOFF_MS: '500' },
    });
    setup = await h.setupApp();
    await h.startWorker();
    const calls = { t: { http: h.http }, emulator: h.emulator! };
    const publisher = await createOrganization(h.http);
    payees = [];
    for (let i = 0; i < PAYEES; i++) payees.push(await payee(calls, publisher));
    finance = [await financeKey(calls.t), await financeKey(calls.t)];
  });
  afterAll(async () => {
    await setup?.close();
    await h?.stop();
  });

  const calls = () => ({ t: { http: h.http }, finance });

  /**
   * Every payee made payable in `currency`, a run drafted and approved: its id, and the ledger's
   * balances before it was approved.
   */
  async function approvedRun(
    currency: string,
  ): Promise<{ runId: string; before: Record<string, number> }> {
    for (const [i, p] of payees.entries()) await makePayable(setup, p, currency, amountOf(i));
    const before = await ledgerBalances(h.http, finance[0], currency);
    const draft = await h.http.post('/v1/payout-runs', finance[0], {
      currency,
      payeeIds: payees.map((p) => p.id),
    });
    expect(draft.body.items).toHaveLength(PAYEES);
    const approved = await h.http.post(`/v1/payout-runs/${draft.body.id}/approve`, finance[1]);
    expect(approved.status).toBe(200);
    return { runId: draft.body.id as string, before };
  }

  const transfersIn = (currency: string) =>
    h.emulator!.transfers().filter((t) => t.currency === currency.toLowerCase());

  /** Until a third of the run's transfers are made: the fault lands in the middle. */
  async function midRun(currency: string): Promise<void> {
    await waitFor(
      () => Promise.resolve(transfersIn(currency).length),
      (n) => n >= PAYEES / 3,
      60_000,
    );
    expect(transfersIn(currency).length).toBeLessThan(PAYEES);
  }

  /** The fault-free outcome: each item paid once, by its amount, and the ledger moved by that. */
  async function expectPaidOnce(
    runId: string,
    currency: string,
    before: Record<string, number>,
  ): Promise<void> {
    const run = await settledRun(calls(), runId, 300_000);
    expect(run.status).toBe('completed');
    expect(run.totals).toMatchObject({ items: PAYEES, paid: PAYEES, pending: 0, failed: 0 });
    const transfers = transfersIn(currency);
    for (const [i, p] of payees.entries()) {
      const item = run.items.find((it: { payeeId: string }) => it.payeeId === p.id);
      const made = transfers.filter((t) => t.metadata.payoutItemId === item.id);
      expect(made.map((t) => [t.amount, t.destination])).toEqual([
        [amountOf(i), p.stripeAccountId],
      ]);
      expect(item.transferId).toBe(made[0].id);
    }
    expect(transfers).toHaveLength(PAYEES);
    // 120 × 1,000 + (0 + 1 + … + 119) = 127,140 out of the platform's Stripe balance.
    expect(await ledgerChangesSince(h.http, finance[0], currency, before)).toEqual({
      'platform-stripe-clearing:platform': -127_140,
      ...Object.fromEntries(payees.map((p, i) => [`payee-payable:${p.id}`, -amountOf(i)])),
    });
  }

  it('without a fault: every item paid once (the reference)', async () => {
    const started = Date.now();
    const { runId, before } = await approvedRun('EUR');
    await expectPaidOnce(runId, 'EUR', before);
    recordOutcome('payout run', 'none', { runMs: Date.now() - started });
  });

  it('the worker killed (SIGKILL) mid-run: its items taken up again, none paid twice', async () => {
    const { runId, before } = await approvedRun('GBP');
    await midRun('GBP');
    await h.killWorker();
    const killedAt = Date.now();
    await h.startWorker();
    await expectPaidOnce(runId, 'GBP', before);
    recordOutcome('payout run', 'worker SIGKILL mid-run', {
      recoveredAfterMs: Date.now() - killedAt,
    });
  });

  it('PostgreSQL restarted mid-run: attempts cut off are retried, none paid twice', async () => {
    const { runId, before } = await approvedRun('CHF');
    await midRun('CHF');
    const restartedAt = Date.now();
    await h.restartPostgres();
    await expectPaidOnce(runId, 'CHF', before);
    recordOutcome('payout run', 'PostgreSQL restarted mid-run', {
      recoveredAfterMs: Date.now() - restartedAt,
    });
  });

  it('Redis flushed mid-run: the lost jobs found again from the database, none paid twice', async () => {
    const { runId, before } = await approvedRun('SEK');
    await midRun('SEK');
    const flushedAt = Date.now();
    await h.flushRedis();
    await expectPaidOnce(runId, 'SEK', before);
    recordOutcome('payout run', 'Redis flushed mid-run', {
      recoveredAfterMs: Date.now() - flushedAt,
    });
  });
});
