import Stripe from 'stripe';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import {
  balancesOf,
  makePayable,
  payee,
  PayoutsHarness,
  settledRun,
  startPayouts,
  WEBHOOK_SECRET,
} from './support/payouts';

/** Stripe's webhooks: signatures, duplicates, order, reversals. This file pays in GBP only. */
describe('Stripe webhooks', () => {
  let h: PayoutsHarness;
  let pub: OrganizationFixture;
  const stripe = new Stripe('sk_test_unused');
  beforeAll(async () => {
    h = await startPayouts({}, { balance: { gbp: 10_000_000 } });
    pub = await createOrganization(h.t.http);
  });
  afterAll(() => h.close());
  afterEach(async () => {
    h.emulator.webhooks.mode = 'auto';
    await h.emulator.flushWebhooks();
  });

  const deliver = (payload: string, signature?: string) =>
    h.t.http.request('POST', '/v1/stripe/webhooks', {
      rawBody: payload,
      headers: {
        'content-type': 'application/json; charset=utf-8',
        ...(signature ? { 'stripe-signature': signature } : {}),
      },
    });
  const stored = async (id: string) =>
    (
      await h.t.sql<{ n: string }>(
        `SELECT count(*) AS n FROM stripe_webhook_events WHERE id = $1`,
        [id],
      )
    )[0].n;

  it('refuses a forged, stale or missing signature with 400 and records nothing', async () => {
    const p = await payee(h, pub);
    const id = `evt_forged${Date.now()}`;
    const payload = JSON.stringify({
      id,
      object: 'event',
      type: 'account.updated',
      created: Math.floor(Date.now() / 1000),
      data: { object: { id: p.stripeAccountId, object: 'account' } },
    });
    const forged = await deliver(
      payload,
      stripe.webhooks.generateTestHeaderString({ payload, secret: 'whsec_not_the_secret' }),
    );
    expect(forged.status).toBe(400);
    expect(forged.headers['content-type']).toContain('application/problem+json');
    expect(forged.body.type).toBe('https://rights-ledger.dev/problems/invalid-stripe-signature');
    const stale = await deliver(
      payload,
      stripe.webhooks.generateTestHeaderString({
        payload,
        secret: WEBHOOK_SECRET,
        timestamp: Math.floor(Date.now() / 1000) - 301,
      }),
    );
    expect(stale.status).toBe(400);
    expect((await deliver(payload)).status).toBe(400);
    const tampered = await deliver(
      payload.replace('account.updated', 'transfer.reversed'),
      stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }),
    );
    expect(tampered.status).toBe(400);
    expect(await stored(id)).toBe('0');

    const genuine = stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET });
    const first = await deliver(payload, genuine);
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ received: true, eventId: id, duplicate: false });
    const second = await deliver(payload, genuine);
    expect(second.body).toEqual({ received: true, eventId: id, duplicate: true });
    expect(await stored(id)).toBe('1');
  });

  it('applies the current state whatever the order and however often events arrive', async () => {
    const p = await payee(h, pub, { onboard: 'started' });
    h.emulator.webhooks.mode = 'manual';
    h.emulator.onboard(p.stripeAccountId!, true);
    h.emulator.onboard(p.stripeAccountId!, false);
    const events = h.emulator.webhooks.events.slice(-2).map((e) => e.id as string);
    await h.emulator.flushWebhooks({ reverse: true, copies: 2 });
    const deliveries = h.emulator.webhooks.deliveries.filter((d) => events.includes(d.eventId));
    expect(deliveries.map((d) => d.status)).toEqual([200, 200, 200, 200]);
    const read = await h.t.http.get(`/v1/payees/${p.id}/stripe-account`, pub.key);
    expect(read.body).toMatchObject({ payoutsEnabled: false, transfersCapability: 'inactive' });
    for (const id of events) expect(await stored(id)).toBe('1');
  });

  it('puts reversed money back on the payable balance once per reversal, however often told', async () => {
    const p = await payee(h, pub);
    await makePayable(h.t, p, 'GBP', 10_000);
    const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
      currency: 'GBP',
      payeeIds: [p.id],
    });
    await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
    const run = await settledRun(h, draft.body.id);
    const transferId = run.items[0].transferId as string;
    expect(await balancesOf(h, p, 'GBP')).toEqual({ payable: 0, pending: 0 });
    const before = await ledgerBalances(h.t.http, h.finance[0], 'GBP');

    h.emulator.webhooks.mode = 'manual';
    h.emulator.reverse(transferId, 3_000);
    h.emulator.reverse(transferId, 2_000);
    await h.emulator.flushWebhooks({ reverse: true, copies: 3 });
    expect(await balancesOf(h, p, 'GBP')).toEqual({ payable: 5_000, pending: 0 });
    const after = await h.t.http.get(`/v1/payout-runs/${draft.body.id}`, h.finance[0]);
    expect(after.body.items[0]).toMatchObject({
      status: 'paid',
      reversedAmount: 5_000,
      transferId,
    });
    const reversals = await h.t.sql<{ amount: string }>(
      `SELECT amount FROM stripe_transfer_reversals WHERE transfer_id = $1 ORDER BY amount`,
      [transferId],
    );
    expect(reversals.map((r) => r.amount)).toEqual(['2000', '3000']);
    // 5,000 back on the platform's Stripe balance and on the payee's payable, once.
    expect(await ledgerChangesSince(h.t.http, h.finance[0], 'GBP', before)).toEqual({
      'platform-stripe-clearing:platform': 5_000,
      [`payee-payable:${p.id}`]: 5_000,
    });
  });
});
