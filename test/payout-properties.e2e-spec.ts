import fc from 'fast-check';
import { Fault } from '../emulator/stripe/server';
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
} from './support/payouts';

/**
 * For any sequence of transient faults on the way to Stripe (each retried: PAYOUT_ATTEMPTS 20
 * against at most 8 faulted calls), every item is paid by exactly one transfer of its amount to
 * its payee's account, except the one whose account Stripe disabled, which fails and is payable
 * again; the ledger moves exactly those amounts. This file pays in MXN only.
 */
describe('payouts under any sequence of faults (property)', () => {
  let h: PayoutsHarness;
  let pub: OrganizationFixture;
  beforeAll(async () => {
    h = await startPayouts({}, { balance: { mxn: 1_000_000_000 } });
    pub = await createOrganization(h.t.http);
  });
  afterAll(() => h.close());

  const fault = fc.record<Fault>({
    method: fc.constantFrom('POST', 'GET'),
    path: fc.constant('/v1/transfers'),
    kind: fc.constantFrom('500', '429', 'timeout'),
    times: fc.integer({ min: 1, max: 2 }),
    delayMs: fc.constant(1_200),
  });

  it('pays each item once, by its amount, and moves exactly that in the ledger', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fault, { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 50_000 }), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        async (faults, amounts, disableOne) => {
          const payees: PayeeFixture[] = [];
          for (const amount of amounts) {
            const p = await payee(h, pub);
            await makePayable(h.t, p, 'MXN', amount);
            payees.push(p);
          }
          const before = await ledgerBalances(h.t.http, h.finance[0], 'MXN');
          const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
            currency: 'MXN',
            payeeIds: payees.map((p) => p.id),
          });
          if (disableOne) {
            // Stripe disables an account after the draft: its transfer is refused.
            h.emulator.webhooks.mode = 'manual';
            h.emulator.onboard(payees[0].stripeAccountId!, false);
          }
          for (const f of faults) h.emulator.addFault(f);
          await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
          const run = await settledRun(h, draft.body.id, 60_000);
          h.emulator.clearFaults();
          h.emulator.webhooks.mode = 'auto';
          await h.emulator.flushWebhooks();

          expect(run.status).toBe('completed');
          const expectedChanges: Record<string, number> = {};
          let paidTotal = 0;
          for (const [i, p] of payees.entries()) {
            const refused = disableOne && i === 0;
            const item = run.items.find((it: { payeeId: string }) => it.payeeId === p.id);
            const transfers = h.emulator
              .transfers()
              .filter((t) => t.metadata.payoutItemId === item.id);
            expect(item.status).toBe(refused ? 'failed' : 'paid');
            expect(
              transfers.map((t) => ({ amount: t.amount, destination: t.destination })),
            ).toEqual(refused ? [] : [{ amount: amounts[i], destination: p.stripeAccountId }]);
            expect(item.transferId).toBe(refused ? null : transfers[0].id);
            expect(await balancesOf(h, p, 'MXN')).toEqual({
              payable: refused ? amounts[i] : 0,
              pending: 0,
            });
            if (!refused) {
              expectedChanges[`payee-payable:${p.id}`] = -amounts[i];
              paidTotal += amounts[i];
            }
          }
          if (paidTotal > 0) expectedChanges['platform-stripe-clearing:platform'] = -paidTotal;
          expect(await ledgerChangesSince(h.t.http, h.finance[0], 'MXN', before)).toEqual(
            expectedChanges,
          );
        },
      ),
      { numRuns: 8 },
    );
  }, 600_000);
});
