import fc from 'fast-check';
import { Fault } from '../emulator/stripe/server';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
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
 * For any sequence of faults on the way to Stripe, each item has at most one transfer, an item
 * is paid exactly when it has one, and the ledger balances with nothing left in payout pending.
 * This file pays in MXN only.
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

  it('never pays an item twice and always balances', async () => {
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
          for (const [i, p] of payees.entries()) {
            const item = run.items.find((it: { payeeId: string }) => it.payeeId === p.id);
            const transfers = h.emulator
              .transfers()
              .filter((t) => t.metadata.payoutItemId === item.id);
            expect(transfers.length).toBeLessThanOrEqual(1);
            expect(item.status).toBe(transfers.length === 1 ? 'paid' : 'failed');
            expect(item.transferId).toBe(transfers[0]?.id ?? null);
            const balances = await balancesOf(h, p, 'MXN');
            expect(balances).toEqual({
              payable: item.status === 'paid' ? 0 : amounts[i],
              pending: 0,
            });
          }
          if (disableOne)
            expect(
              run.items.find((it: { payeeId: string }) => it.payeeId === payees[0].id).status,
            ).toBe('failed');
          expect((await h.t.http.get('/v1/ledger/trial-balance', h.finance[0])).body.balanced).toBe(
            true,
          );
        },
      ),
      { numRuns: 8 },
    );
  }, 600_000);
});
