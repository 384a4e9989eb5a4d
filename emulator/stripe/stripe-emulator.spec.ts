import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { parseForm } from './form-encoding';
import { StripeEmulator } from './server';

const SECRET = 'whsec_emulator_test_secret';

function sdk(url: string, timeout = 2000): Stripe {
  const { hostname, port, protocol } = new URL(url);
  return new Stripe('sk_test_emulator', {
    host: hostname,
    port: Number(port),
    protocol: protocol.replace(':', '') as 'http',
    maxNetworkRetries: 0,
    timeout,
  });
}

describe('form encoding', () => {
  it('reads bracketed keys into objects and indexed keys into arrays', () => {
    expect(
      parseForm('amount=100&metadata[item]=a%20b&expand[0]=x&expand[1]=y&created[gte]=5'),
    ).toEqual({
      amount: '100',
      metadata: { item: 'a b' },
      expand: ['x', 'y'],
      created: { gte: '5' },
    });
  });
});

describe('Stripe emulator with the official SDK', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;
  let received: { body: string; signature: string }[];
  let receiver: Server;

  beforeEach(async () => {
    received = [];
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ body, signature: String(req.headers['stripe-signature']) });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const port = (receiver.address() as AddressInfo).port;
    emulator = new StripeEmulator({
      rateLimitPerSecond: 0,
      balance: { eur: 10_000 },
      webhook: { url: `http://127.0.0.1:${port}/hook`, secret: SECRET },
    });
    stripe = sdk((await emulator.listen()).url);
  });

  afterEach(async () => {
    await emulator.close();
    await new Promise((resolve) => receiver.close(resolve));
  });

  async function onboardedAccount(): Promise<string> {
    const account = await stripe.accounts.create({
      type: 'express',
      capabilities: { transfers: { requested: true } },
      metadata: { payeeId: 'p1' },
    });
    emulator.onboard(account.id);
    return account.id;
  }

  it('creates and retrieves an Express account, links and onboarding', async () => {
    const account = await stripe.accounts.create({
      type: 'express',
      email: 'a@example.com',
      capabilities: { transfers: { requested: true } },
    });
    expect(account).toMatchObject({ object: 'account', type: 'express', payouts_enabled: false });
    expect(account.capabilities).toEqual({ transfers: 'inactive' });
    const link = await stripe.accountLinks.create({
      account: account.id,
      type: 'account_onboarding',
      refresh_url: 'https://example.com/r',
      return_url: 'https://example.com/done',
    });
    expect(link.url).toContain(account.id);
    emulator.onboard(account.id);
    const read = await stripe.accounts.retrieve(account.id);
    expect(read).toMatchObject({ payouts_enabled: true, capabilities: { transfers: 'active' } });
    await expect(stripe.accounts.retrieve('acct_nope')).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'resource_missing',
      statusCode: 404,
    });
  });

  it('honours Idempotency-Key: same params replay, other params are an idempotency_error', async () => {
    const destination = await onboardedAccount();
    const params = { amount: 1500, currency: 'eur', destination, transfer_group: 'g1' };
    const first = await stripe.transfers.create(params, { idempotencyKey: 'k1' });
    const again = await stripe.transfers.create(params, { idempotencyKey: 'k1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    await expect(
      stripe.transfers.create({ ...params, amount: 1600 }, { idempotencyKey: 'k1' }),
    ).rejects.toMatchObject({ type: 'StripeIdempotencyError', statusCode: 400 });
    expect(emulator.transfers()).toHaveLength(1);
    expect((await stripe.balance.retrieve()).available).toEqual([
      { amount: 8500, currency: 'eur', source_types: { card: 8500 } },
    ]);
  });

  it("refuses a destination that cannot receive and a transfer beyond the platform's balance", async () => {
    const account = await stripe.accounts.create({
      type: 'express',
      capabilities: { transfers: { requested: true } },
    });
    await expect(
      stripe.transfers.create({ amount: 100, currency: 'eur', destination: account.id }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'insufficient_capabilities_for_transfer',
    });
    emulator.onboard(account.id);
    await expect(
      stripe.transfers.create({ amount: 10_001, currency: 'eur', destination: account.id }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      code: 'balance_insufficient',
      statusCode: 400,
    });
    expect(emulator.transfers()).toHaveLength(0);
  });

  it('rate-limits with a token bucket and answers 429s the SDK reads as rate limit errors', async () => {
    const destination = await onboardedAccount();
    emulator.setRateLimit(5);
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => stripe.accounts.retrieve(destination)),
    );
    const limited = results.filter((r) => r.status === 'rejected');
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0].reason).toMatchObject({
      type: 'StripeRateLimitError',
      statusCode: 429,
    });
  });

  it('injects a 500 before the work and a timeout after it', async () => {
    const destination = await onboardedAccount();
    emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: '500' });
    const params = { amount: 700, currency: 'eur', destination, transfer_group: 'item-1' };
    await expect(
      stripe.transfers.create(params, { idempotencyKey: 'item-1' }),
    ).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    });
    expect(emulator.transfers()).toHaveLength(0);
    emulator.addFault({ method: 'POST', path: '/v1/transfers', kind: 'timeout', delayMs: 800 });
    await expect(
      sdk(emulator.url, 300).transfers.create(params, { idempotencyKey: 'item-1' }),
    ).rejects.toMatchObject({ type: 'StripeConnectionError' });
    expect(emulator.transfers()).toHaveLength(1);
    const found = await stripe.transfers.list({ transfer_group: 'item-1', limit: 10 });
    expect(found.data.map((t) => t.id)).toEqual([emulator.transfers()[0].id]);
    const replay = await stripe.transfers.create(params, { idempotencyKey: 'item-1' });
    expect(replay.id).toBe(emulator.transfers()[0].id);
    expect(emulator.transfers()).toHaveLength(1);
  });

  it('lists transfers newest first with cursors and filters, reversals and balance transactions', async () => {
    const destination = await onboardedAccount();
    const made = [];
    for (let i = 0; i < 3; i++)
      made.push(
        await stripe.transfers.create({
          amount: 100 + i,
          currency: 'eur',
          destination,
          metadata: { n: String(i) },
        }),
      );
    const page = await stripe.transfers.list({ limit: 2 });
    expect(page.data.map((t) => t.amount)).toEqual([102, 101]);
    expect(page.has_more).toBe(true);
    const next = await stripe.transfers.list({ limit: 2, starting_after: page.data[1].id });
    expect(next.data.map((t) => t.metadata.n)).toEqual(['0']);
    const reversal = await stripe.transfers.createReversal(made[0].id, { amount: 40 });
    expect(reversal).toMatchObject({
      object: 'transfer_reversal',
      amount: 40,
      transfer: made[0].id,
    });
    const transfer = await stripe.transfers.retrieve(made[0].id);
    expect(transfer).toMatchObject({ amount_reversed: 40, reversed: false });
    const txns = await stripe.balanceTransactions.list({ limit: 100 });
    expect(txns.data.map((t) => [t.type, t.amount])).toEqual([
      ['transfer_refund', 40],
      ['transfer', -102],
      ['transfer', -101],
      ['transfer', -100],
      ['adjustment', 10_000],
    ]);
    expect((await stripe.balance.retrieve()).available[0].amount).toBe(10_000 - 303 + 40);
  });

  it('delivers events signed the way the SDK verifies them; held events can be reordered and duplicated', async () => {
    const destination = await onboardedAccount();
    await emulator.webhooks.idle();
    const events = received.map((r) =>
      stripe.webhooks.constructEvent(r.body, r.signature, SECRET, 300),
    );
    expect(events.map((e) => e.type)).toEqual(['account.created', 'account.updated']);
    expect(() =>
      stripe.webhooks.constructEvent(received[0].body, received[0].signature, 'whsec_other'),
    ).toThrow(/No signatures found/);
    received = [];
    emulator.webhooks.mode = 'manual';
    const transfer = await stripe.transfers.create({ amount: 100, currency: 'eur', destination });
    emulator.reverse(transfer.id);
    expect(received).toHaveLength(0);
    await emulator.flushWebhooks({ reverse: true, copies: 2 });
    const types = received.map(
      (r) => stripe.webhooks.constructEvent(r.body, r.signature, SECRET).type,
    );
    expect(types).toEqual([
      'transfer.reversed',
      'transfer.reversed',
      'transfer.created',
      'transfer.created',
    ]);
  });
});
