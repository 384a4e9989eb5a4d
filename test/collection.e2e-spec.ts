import Stripe from 'stripe';
import { InvoiceSync } from '../src/collection/invoice-sync';
import { createOrganization } from './factories/organization.factory';
import {
  collectionWhen,
  LicensedUse,
  licensedUse,
  postedRun,
  reportUse,
  startCollection,
} from './support/collection';
import { PayoutsHarness, waitFor } from './support/payouts';
import { ADMIN_KEY } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

/**
 * Collection through Stripe, end to end: the app (with its workers) issues posted invoices to the
 * Stripe emulator, the emulator delivers its signed events back, and the app records payments.
 * Runs are per period across every tenant: this file keeps to 2063 and 2064, a month per test.
 */
describe('collection through Stripe', () => {
  let h: PayoutsHarness;
  let stripe: Stripe;
  beforeAll(async () => {
    h = await startCollection();
    const { hostname, port } = new URL(h.emulator.url);
    stripe = new Stripe('sk_test_collection', {
      host: hostname,
      port: Number(port),
      protocol: 'http',
      maxNetworkRetries: 0,
    });
  });
  afterAll(() => h.close());
  afterEach(async () => {
    h.emulator.webhooks.mode = 'auto';
    h.emulator.clearFaults();
    await h.emulator.flushWebhooks();
  });

  const http = () => h.t.http;
  /** The publisher's payees' balances by `type:payeeId` (EUR). */
  const balancesOf = async (key: string) => {
    const rows = (await http().get('/v1/balances?currency=EUR', key)).body.data as {
      type: string;
      ownerId: string;
      balance: number;
    }[];
    return Object.fromEntries(rows.map((r) => [`${r.type}:${r.ownerId}`, r.balance]));
  };
  const stripeInvoicesOf = (invoiceId: string) =>
    [...h.emulator.billing.invoices.values()].filter((i) => i.metadata?.rlInvoiceId === invoiceId);
  const payTo = async (licenseeKey: string, profile: Record<string, unknown>, pm?: string) => {
    const put = await http().request('PUT', '/v1/billing-profile', {
      key: licenseeKey,
      body: { name: 'Babbage AI Ltd', email: 'ap@babbage.example', ...profile },
    });
    expect(put.status).toBe(200);
    if (pm) {
      const attached = await http().post('/v1/billing-profile/payment-method', licenseeKey, {
        paymentMethodId: pm,
      });
      expect(attached.status).toBe(200);
    }
  };
  const paymentsOf = (invoiceId: string) =>
    h.t.sql<{ source: string; amount: string; stripe_reference: string | null }>(
      `SELECT source, amount, stripe_reference FROM invoice_payments
        WHERE invoice_id = $1 ORDER BY recorded_at, id`,
      [invoiceId],
    );
  const invoiceOf = (
    run: { invoices: { id: string; licenseeId: string; amount: number }[] },
    use: LicensedUse,
  ) => {
    const found = run.invoices.filter((i) => i.licenseeId === use.licensee.id);
    expect(found).toHaveLength(1);
    return found[0];
  };

  it('keeps a licensee’s billing profile as one Stripe customer, and refuses bad input', async () => {
    const licensee = await createOrganization(http(), {
      kind: 'licensee',
      name: 'Difference Engines',
    });
    const publisher = await createOrganization(http());
    const first = await http().get('/v1/billing-profile', licensee.key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      licenseeId: licensee.id,
      name: 'Difference Engines',
      email: null,
      address: null,
      taxIds: [],
      collectionMethod: 'invoice',
      paymentMethod: null,
      creditPreference: 'balance',
      stripeCustomerId: null,
      syncedWithStripe: false,
    });
    const put = (body: unknown, raw?: string) =>
      http().request('PUT', '/v1/billing-profile', {
        key: licensee.key,
        ...(raw !== undefined ? { rawBody: raw } : { body }),
      });
    const refusals: [unknown, number, string][] = [
      [{}, 400, 'validation-failed'],
      [{ name: 'X', unknown: 1 }, 400, 'validation-failed'],
      [{ name: 'X', email: 'not-an-email' }, 400, 'validation-failed'],
      [{ name: 'X', address: { line1: 'a', city: 'b', country: 'XX' } }, 400, 'validation-failed'],
      [
        { name: 'X', address: [{ line1: 'a', city: 'b', country: 'GB' }] },
        400,
        'validation-failed',
      ],
      [{ name: 'X', taxIds: [{ type: 'xx_vat', value: 'GB1' }] }, 400, 'validation-failed'],
      [{ name: 'X', collectionMethod: 'cheque' }, 400, 'validation-failed'],
      [{ name: 123 }, 400, 'validation-failed'],
      [{ name: 'X', collectionMethod: 'automatic' }, 409, 'payment-method-missing'],
    ];
    for (const [body, status, type] of refusals) {
      const refused = await put(body);
      expect([refused.status, refused.body.type]).toEqual([status, `${PROBLEM}${type}`]);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    expect((await put(undefined, '{"name": "X",')).status).toBe(400);
    expect(h.emulator.billing.customers.size).toBe(0);
    expect((await http().get('/v1/billing-profile', licensee.key)).body).toEqual(first.body);

    const saved = await put({
      name: 'Difference Engines Ltd',
      email: 'ap@engines.example',
      address: { line1: '1 Engine Street', city: 'London', postalCode: 'EC1A 1BB', country: 'GB' },
      taxIds: [{ type: 'gb_vat', value: 'GB123456789' }],
      creditPreference: 'refund',
    });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({
      name: 'Difference Engines Ltd',
      creditPreference: 'refund',
      collectionMethod: 'invoice',
      syncedWithStripe: true,
      stripeCustomerId: expect.stringMatching(/^cus_/),
    });
    const customerId = saved.body.stripeCustomerId as string;
    const customer = h.emulator.billing.customers.get(customerId)!;
    expect(customer).toMatchObject({
      name: 'Difference Engines Ltd',
      email: 'ap@engines.example',
      address: { line1: '1 Engine Street', city: 'London', postal_code: 'EC1A 1BB', country: 'GB' },
      metadata: { licenseeId: licensee.id },
    });
    expect(
      [...h.emulator.billing.taxIds.values()].filter((x) => x.customer === customerId),
    ).toEqual([expect.objectContaining({ type: 'gb_vat', value: 'GB123456789' })]);
    // An edit updates the same customer; the tax id it already has is not added twice.
    const again = await put({
      name: 'Difference Engines plc',
      taxIds: [{ type: 'gb_vat', value: 'GB123456789' }],
    });
    expect(again.body).toMatchObject({ stripeCustomerId: customerId, syncedWithStripe: true });
    expect(h.emulator.billing.customers.size).toBe(1);
    expect(h.emulator.billing.customers.get(customerId)!.name).toBe('Difference Engines plc');
    expect(h.emulator.billing.taxIds.size).toBe(1);

    // Who may read it.
    expect((await http().get('/v1/billing-profile', publisher.key)).status).toBe(403);
    const [financeKey] = h.finance;
    const byFinance = await http().get(`/v1/billing-profiles/${licensee.id}`, financeKey);
    expect(byFinance.body).toEqual(again.body);
    expect((await http().get(`/v1/billing-profiles/${publisher.id}`, financeKey)).status).toBe(404);
    expect((await http().get('/v1/billing-profiles/not-a-uuid', financeKey)).status).toBe(404);
    expect((await http().get(`/v1/billing-profiles/${licensee.id}`, licensee.key)).status).toBe(
      403,
    );

    // A payment method on file, then automatic collection.
    const malformed = await http().post('/v1/billing-profile/payment-method', licensee.key, {
      paymentMethodId: 'card 4242',
    });
    expect(malformed.status).toBe(400);
    const unknownCard = await http().post('/v1/billing-profile/payment-method', licensee.key, {
      paymentMethodId: 'pm_card_nonesuch',
    });
    expect([unknownCard.status, unknownCard.body.type]).toEqual([422, `${PROBLEM}stripe-refused`]);
    const card = await http().post('/v1/billing-profile/payment-method', licensee.key, {
      paymentMethodId: 'pm_card_visa',
    });
    expect(card.status).toBe(200);
    expect(card.body.paymentMethod).toMatchObject({ type: 'card', brand: 'visa', last4: '4242' });
    expect(
      h.emulator.billing.customers.get(customerId)!.invoice_settings.default_payment_method,
    ).toBe(card.body.paymentMethod.id);
    const automatic = await put({ name: 'Difference Engines plc', collectionMethod: 'automatic' });
    expect(automatic.body.collectionMethod).toBe('automatic');
    const audit = await http().get(
      `/v1/audit-events?resourceId=${licensee.id}&limit=50`,
      ADMIN_KEY,
    );
    expect(
      (audit.body.data as { action: string }[])
        .map((e) => e.action)
        .filter((a) => a.startsWith('billing-profile')),
    ).toEqual(expect.arrayContaining(['billing-profile.update', 'billing-profile.payment-method']));
  });

  it('issues one Stripe invoice per posted invoice and collects it from the card on file: payees payable', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, { collectionMethod: 'invoice' }, 'pm_card_visa');
    await payTo(use.licensee.key, { collectionMethod: 'automatic' });
    await reportUse(h, use, ['2063-01-01', '2063-01-31'], 1000, 'jan');
    const run = await postedRun(h, ['2063-01-01', '2063-01-31']);
    const invoice = invoiceOf(run, use);
    // 1,000 tokens at 2: 2,000; commission 10 %: 200; the payee's 1,800.
    expect(invoice.amount).toBe(2000);
    const collected = await collectionWhen(
      h,
      invoice.id,
      (b) => b.status === 'paid' && b.paid === 2000,
    );
    expect(collected).toMatchObject({
      kind: 'invoice',
      currency: 'EUR',
      amount: 2000,
      paid: 2000,
      outstanding: 0,
      collectionMethod: 'charge_automatically',
      stripeInvoiceId: expect.stringMatching(/^in_/),
      number: expect.any(String),
      hostedInvoiceUrl: expect.stringContaining('/invoice/'),
      invoicePdf: expect.stringContaining('/pdf'),
      failure: null,
      credit: null,
    });
    const issued = stripeInvoicesOf(invoice.id);
    expect(issued).toHaveLength(1);
    expect(issued[0]).toMatchObject({
      id: collected.stripeInvoiceId,
      status: 'paid',
      total: 2000,
      amount_paid: 2000,
      currency: 'eur',
      metadata: { rlInvoiceId: invoice.id, rlRunId: run.runId, rlAgreementId: use.agreementId },
    });
    expect(
      issued[0].lines.data.map((l: { amount: number; description: string }) => [
        l.amount,
        l.description,
      ]),
    ).toEqual([[2000, 'Usage royalties, 2063-01-01 to 2063-01-31 (1 charge)']]);
    expect(await paymentsOf(invoice.id)).toEqual([
      { source: 'stripe', amount: '2000', stripe_reference: expect.stringMatching(/^inpay_/) },
    ]);
    // Pay when paid: the payee's 1,800 moved from awaiting collection to payable.
    expect(await balancesOf(use.publisher.key)).toEqual({
      [`payee-awaiting-collection:${use.payeeId}`]: 0,
      [`payee-payable:${use.payeeId}`]: 1800,
    });
    const licenseeBalances = await http().get('/v1/balances', use.licensee.key);
    expect(licenseeBalances.body.data).toEqual([
      expect.objectContaining({ type: 'licensee-receivable', currency: 'EUR', balance: 0 }),
    ]);
  });
  it('sends an invoice paid by bank transfer in two parts; its licensee and finance see it, no one else', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, { collectionMethod: 'bank-transfer' });
    await reportUse(h, use, ['2063-02-01', '2063-02-28'], 1500, 'feb');
    const invoice = invoiceOf(await postedRun(h, ['2063-02-01', '2063-02-28']), use);
    expect(invoice.amount).toBe(3000);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    expect(open).toMatchObject({
      paid: 0,
      outstanding: 3000,
      collectionMethod: 'send_invoice',
      hostedInvoiceUrl: expect.stringContaining(open.stripeInvoiceId),
    });
    const stripeInvoice = h.emulator.billing.invoices.get(open.stripeInvoiceId)!;
    expect(stripeInvoice.payment_settings.payment_method_types).toEqual(['customer_balance']);
    // Net 30 from finalizing.
    expect(open.dueOn).toBe(
      new Date((stripeInvoice.status_transitions.finalized_at + 30 * 86400) * 1000)
        .toISOString()
        .slice(0, 10),
    );
    // The licensee reads its own; another licensee and a publisher cannot.
    const own = await http().get(`/v1/invoices/${invoice.id}/collection`, use.licensee.key);
    expect(own.body).toEqual(open);
    const stranger = await createOrganization(http(), { kind: 'licensee' });
    expect((await http().get(`/v1/invoices/${invoice.id}/collection`, stranger.key)).status).toBe(
      404,
    );
    expect(
      (await http().get(`/v1/invoices/${invoice.id}/collection`, use.publisher.key)).status,
    ).toBe(403);
    expect((await http().get(`/v1/invoices/not-a-uuid/collection`, h.finance[0])).status).toBe(404);
    // Several at once, as a page of invoices asks: the caller's only, in the order asked.
    const many = (key: string, ids: string) =>
      http().get(`/v1/collection/invoices?ids=${ids}`, key);
    expect(
      (await many(use.licensee.key, `${use.agreementId},${invoice.id.toUpperCase()}`)).body,
    ).toEqual({
      data: [open],
    });
    expect((await many(stranger.key, invoice.id)).body).toEqual({ data: [] });
    for (const bad of [
      '',
      'nope',
      `${invoice.id},`,
      `${'-'.repeat(36)}`,
      Array(201).fill(invoice.id).join(','),
    ]) {
      const refused = await many(h.finance[0], bad);
      expect([refused.status, refused.body.type]).toEqual([400, `${PROBLEM}validation-failed`]);
    }

    const customer = stripeInvoice.customer as string;
    h.emulator.fundCashBalance(customer, 1000, 'eur');
    const part = await collectionWhen(h, invoice.id, (b) => b.paid === 1000);
    expect(part).toMatchObject({ status: 'open', paid: 1000, outstanding: 2000 });
    // A third of the invoice paid: a third of the payee's 2,700 released (900).
    expect(await balancesOf(use.publisher.key)).toEqual({
      [`payee-awaiting-collection:${use.payeeId}`]: 1800,
      [`payee-payable:${use.payeeId}`]: 900,
    });
    h.emulator.fundCashBalance(customer, 2000, 'eur');
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid' && b.paid === 3000);
    expect(paid.outstanding).toBe(0);
    expect((await paymentsOf(invoice.id)).map((p) => [p.source, p.amount])).toEqual([
      ['stripe', '1000'],
      ['stripe', '2000'],
    ]);
    expect(await balancesOf(use.publisher.key)).toEqual({
      [`payee-awaiting-collection:${use.payeeId}`]: 0,
      [`payee-payable:${use.payeeId}`]: 2700,
    });
  });

  it('a declined card leaves the invoice open; a good card on file then pays it', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, {}, 'pm_card_chargeCustomerFail');
    await payTo(use.licensee.key, { collectionMethod: 'automatic' });
    await reportUse(h, use, ['2063-03-01', '2063-03-31'], 500, 'mar');
    const invoice = invoiceOf(await postedRun(h, ['2063-03-01', '2063-03-31']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    await waitFor(
      () =>
        Promise.resolve(
          h.emulator.billing.invoices.get(open.stripeInvoiceId)!.attempt_count as number,
        ),
      (n) => n === 1,
    );
    expect(open).toMatchObject({ paid: 0, outstanding: 1000 });
    expect(await paymentsOf(invoice.id)).toEqual([]);
    await payTo(use.licensee.key, { collectionMethod: 'automatic' }, 'pm_card_visa');
    const card = (await http().get('/v1/billing-profile', use.licensee.key)).body.paymentMethod.id;
    await stripe.invoices.pay(open.stripeInvoiceId, { payment_method: card });
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
    expect(paid).toMatchObject({ paid: 1000, outstanding: 0 });
    expect((await paymentsOf(invoice.id)).map((p) => [p.source, p.amount])).toEqual([
      ['stripe', '1000'],
    ]);
  });

  it('duplicated and reordered events change nothing twice', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, { collectionMethod: 'bank-transfer' });
    await reportUse(h, use, ['2063-04-01', '2063-04-30'], 400, 'apr');
    const invoice = invoiceOf(await postedRun(h, ['2063-04-01', '2063-04-30']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    h.emulator.webhooks.mode = 'manual';
    const customer = h.emulator.billing.invoices.get(open.stripeInvoiceId)!.customer as string;
    h.emulator.fundCashBalance(customer, 300, 'eur');
    h.emulator.fundCashBalance(customer, 500, 'eur');
    // Every event three times, newest first.
    await h.emulator.flushWebhooks({ reverse: true, copies: 3 });
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
    expect(paid).toMatchObject({ paid: 800, outstanding: 0 });
    expect((await paymentsOf(invoice.id)).map((p) => p.amount).sort()).toEqual(['300', '500']);
    await waitFor(
      () => h.t.sql<{ n: string }>(`SELECT count(*) AS n FROM collection_syncs`),
      (rows) => rows[0].n === '0',
    );
    // And once more, every event again: nothing new.
    for (const event of h.emulator.webhooks.events.slice(-6))
      await h.emulator.webhooks.resend(event.id);
    expect((await paymentsOf(invoice.id)).length).toBe(2);
  });

  it('reads many paid invoices together: each payment recorded once, each payee released exactly', async () => {
    const uses: LicensedUse[] = [];
    for (let i = 1; i <= 8; i++) {
      const use = await licensedUse(h, 2064);
      await payTo(use.licensee.key, { collectionMethod: 'bank-transfer' });
      await reportUse(h, use, ['2064-07-01', '2064-07-31'], 100 * i, `jul-${i}`);
      uses.push(use);
    }
    const run = await postedRun(h, ['2064-07-01', '2064-07-31']);
    const invoices = uses.map((use) => invoiceOf(run, use));
    // i × 100 tokens at 2: i × 200.
    expect(invoices.map((invoice) => invoice.amount)).toEqual([
      200, 400, 600, 800, 1000, 1200, 1400, 1600,
    ]);
    const opened = [];
    for (const invoice of invoices) {
      opened.push(await collectionWhen(h, invoice.id, (b) => b.status === 'open'));
    }
    h.emulator.webhooks.mode = 'manual';
    opened.forEach((open, i) => {
      const customer = h.emulator.billing.invoices.get(open.stripeInvoiceId)!.customer as string;
      h.emulator.fundCashBalance(customer, 200 * (i + 1), 'eur');
    });
    // The first invoice cannot be read three times: its mark is put back, due later each time,
    // while the others are applied.
    const firstPath = `/v1/invoices/${opened[0].stripeInvoiceId as string}`;
    const readsBefore = h.emulator.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith(firstPath),
    ).length;
    h.emulator.addFault({ method: 'GET', path: firstPath, kind: '500', times: 3 });
    // Every event twice, eight deliveries at once: one drain reads the marks in batches.
    await h.emulator.flushWebhooks({ copies: 2, concurrency: 8 });
    for (const [i, invoice] of invoices.entries()) {
      const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
      expect(paid).toMatchObject({ paid: 200 * (i + 1), outstanding: 0 });
      expect(await paymentsOf(invoice.id)).toEqual([
        { source: 'stripe', amount: String(200 * (i + 1)), stripe_reference: expect.any(String) },
      ]);
      // Commission 10 %: the payee's 180 × i, all of it payable.
      expect(await balancesOf(uses[i].publisher.key)).toEqual({
        [`payee-awaiting-collection:${uses[i].payeeId}`]: 0,
        [`payee-payable:${uses[i].payeeId}`]: 180 * (i + 1),
      });
    }
    await waitFor(
      () => h.t.sql<{ n: string }>(`SELECT count(*) AS n FROM collection_syncs`),
      (rows) => rows[0].n === '0',
    );
    const firstReads = h.emulator.requests.filter(
      (r) => r.method === 'GET' && r.path.startsWith(firstPath),
    ).length;
    expect(firstReads - readsBefore).toBeGreaterThanOrEqual(4);
    expect((await http().get('/v1/ledger/verify', h.finance[0])).body.ok).toBe(true);
  });

  it('reads a licensee’s several marked invoices with one list call', async () => {
    const first = await licensedUse(h, 2064);
    const uses = [
      first,
      await licensedUse(h, 2064, '2', first.licensee),
      await licensedUse(h, 2064, '2', first.licensee),
    ];
    await payTo(first.licensee.key, { collectionMethod: 'bank-transfer' });
    for (const [i, use] of uses.entries()) {
      await reportUse(h, use, ['2064-09-01', '2064-09-30'], 100 * (i + 1), `sep-${i}`);
    }
    const run = await postedRun(h, ['2064-09-01', '2064-09-30']);
    const invoices = run.invoices.filter((i) => i.licenseeId === first.licensee.id);
    // One invoice per agreement: 100, 200 and 300 tokens at 2.
    expect(invoices.map((i) => i.amount).sort((a, b) => a - b)).toEqual([200, 400, 600]);
    const opened = [];
    for (const invoice of invoices) {
      opened.push(await collectionWhen(h, invoice.id, (b) => b.status === 'open'));
    }
    // Stripe is paid, its events held; the three invoices are marked as its events would.
    h.emulator.webhooks.mode = 'manual';
    const customer = h.emulator.billing.invoices.get(opened[0].stripeInvoiceId)!.customer as string;
    h.emulator.fundCashBalance(customer, 1200, 'eur');
    // The marks of the events before (finalized, sent) read first: a drain still gathering
    // them would read one invoice on its own after `before` (seen in CI on a busy machine).
    await waitFor(
      () => h.t.sql<{ n: string }>(`SELECT count(*) AS n FROM collection_syncs`),
      ([row]) => row.n === '0',
    );
    // A mark is taken off the list when claimed, before its read: a drain begun after this
    // point settles only once any read under way has been written.
    await h.t.app.get(InvoiceSync).drain();
    await h.t.sql(`INSERT INTO collection_syncs (stripe_invoice_id) SELECT unnest($1::text[])`, [
      opened.map((o) => o.stripeInvoiceId as string),
    ]);
    const before = h.emulator.requests.length;
    // One claim takes the three (whichever drain makes it: this one, or the sweep's).
    await h.t.app.get(InvoiceSync).drain();
    for (const invoice of invoices) {
      const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
      expect(paid).toMatchObject({ paid: invoice.amount, outstanding: 0 });
      expect((await paymentsOf(invoice.id)).map((p) => [p.source, p.amount])).toEqual([
        ['stripe', String(invoice.amount)],
      ]);
    }
    const reads = h.emulator.requests
      .slice(before)
      .filter((r) => r.method === 'GET' && r.path.startsWith('/v1/invoices'));
    expect(reads.map((r) => r.path)).toEqual(['/v1/invoices']);
  });

  it('issues exactly one Stripe invoice when the answer to creating it is lost', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2063-05-01', '2063-05-31'], 700, 'may');
    // Stripe makes the draft, the answer never arrives: the job retries with the same key.
    h.emulator.addFault({
      method: 'POST',
      path: '/v1/invoices',
      kind: 'timeout',
      delayMs: 1500,
      times: 1,
    });
    const invoice = invoiceOf(await postedRun(h, ['2063-05-01', '2063-05-31']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    expect(open.attempts).toBeGreaterThanOrEqual(1);
    expect(stripeInvoicesOf(invoice.id)).toHaveLength(1);
    expect(stripeInvoicesOf(invoice.id)[0]).toMatchObject({
      id: open.stripeInvoiceId,
      total: 1400,
    });
  });

  it('a payment recorded by hand is told to Stripe, which then asks only for the rest; never paid twice over', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, { collectionMethod: 'bank-transfer' });
    await reportUse(h, use, ['2063-06-01', '2063-06-30'], 1000, 'jun');
    const invoice = invoiceOf(await postedRun(h, ['2063-06-01', '2063-06-30']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    const manual = await http().post(`/v1/invoices/${invoice.id}/payments`, h.finance[0], {
      amount: 500,
      reference: 'wire 2063-06-30',
    });
    expect(manual.status).toBe(201);
    await waitFor(
      () =>
        Promise.resolve(
          h.emulator.billing.invoices.get(open.stripeInvoiceId)!.amount_remaining as number,
        ),
      (remaining) => remaining === 1500,
    );
    const customer = h.emulator.billing.invoices.get(open.stripeInvoiceId)!.customer as string;
    h.emulator.fundCashBalance(customer, 1500, 'eur');
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid' && b.paid === 2000);
    expect(paid.outstanding).toBe(0);
    expect((await paymentsOf(invoice.id)).map((p) => [p.source, p.amount])).toEqual([
      ['manual', '500'],
      ['stripe', '1500'],
    ]);
    const over = await http().post(`/v1/invoices/${invoice.id}/payments`, h.finance[0], {
      amount: 1,
    });
    expect([over.status, over.body.type]).toEqual([409, `${PROBLEM}overpayment`]);
    // Nothing held as credit: Stripe never took more than was owed.
    const licenseeBalances = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(licenseeBalances.map((b) => [b.type, b.balance])).toEqual([['licensee-receivable', 0]]);
  });
  it('money Stripe takes after the invoice was paid in full by hand is held as credit once, however often it is read', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, { collectionMethod: 'bank-transfer' });
    await reportUse(h, use, ['2064-08-01', '2064-08-31'], 1000, 'aug');
    const invoice = invoiceOf(await postedRun(h, ['2064-08-01', '2064-08-31']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    // Stripe does not hear of the payment by hand: it goes on collecting.
    h.emulator.addFault({ method: 'POST', path: '/v1/credit_notes', kind: '500', times: 10_000 });
    const manual = await http().post(`/v1/invoices/${invoice.id}/payments`, h.finance[0], {
      amount: 2000,
    });
    expect(manual.status).toBe(201);
    const customer = h.emulator.billing.invoices.get(open.stripeInvoiceId)!.customer as string;
    h.emulator.fundCashBalance(customer, 800, 'eur');
    h.emulator.fundCashBalance(customer, 700, 'eur');
    const creditOf = async () => {
      const rows = (await http().get('/v1/balances', use.licensee.key)).body.data as {
        type: string;
        balance: number;
      }[];
      return {
        ledger: rows.find((r) => r.type === 'licensee-credit')?.balance ?? 0,
        stripe: -(h.emulator.billing.customers.get(customer)!.balance as number),
      };
    };
    // 800 + 700 taken by Stripe, none of it owed: all of it the licensee's credit, both sides.
    await waitFor(creditOf, (c) => c.ledger === 1500 && c.stripe === 1500);
    // Every event about it again, three times: read again each time, held nothing more.
    const events = h.emulator.webhooks.events.filter(
      (e) => (e.data as { object: { customer?: string } }).object.customer === customer,
    );
    for (let copy = 0; copy < 3; copy++) {
      for (const event of events) await h.emulator.webhooks.resend(event.id as string);
      await waitFor(
        () => h.t.sql<{ n: string }>(`SELECT count(*) AS n FROM collection_syncs`),
        (rows) => rows[0].n === '0',
      );
    }
    expect(await creditOf()).toEqual({ ledger: 1500, stripe: 1500 });
    expect((await paymentsOf(invoice.id)).map((p) => [p.source, p.amount])).toEqual([
      ['manual', '2000'],
    ]);
  });

  it('a credit note is refunded to the card of the paid invoice it corrects', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, { creditPreference: 'refund' }, 'pm_card_visa');
    await payTo(use.licensee.key, { collectionMethod: 'automatic', creditPreference: 'refund' });
    const july: [string, string] = ['2063-07-01', '2063-07-31'];
    const first = await reportUse(h, use, july, 1000, 'jul');
    const julyInvoice = invoiceOf(await postedRun(h, july), use);
    const paid = await collectionWhen(h, julyInvoice.id, (b) => b.status === 'paid');
    // July corrected down to 250 tokens: August restates −750 × 2 = −1,500.
    await reportUse(h, use, july, 250, 'jul-corrected', first);
    const note = invoiceOf(await postedRun(h, ['2063-08-01', '2063-08-31']), use);
    expect(note.amount).toBe(-1500);
    const given = await collectionWhen(h, note.id, (b) => b.status === 'issued');
    expect(given).toMatchObject({
      kind: 'credit-note',
      amount: -1500,
      paid: -1500,
      outstanding: 0,
      stripeInvoiceId: null,
      credit: {
        method: 'refund',
        status: 'issued',
        refunded: 1500,
        credited: 0,
        stripeCreditNoteId: expect.stringMatching(/^cn_/),
        correctsInvoiceId: julyInvoice.id,
      },
    });
    const creditNote = h.emulator.billing.creditNotes.get(given.credit.stripeCreditNoteId)!;
    expect(creditNote).toMatchObject({ invoice: paid.stripeInvoiceId, amount: 1500 });
    const charges = [...h.emulator.billing.charges.values()].filter(
      (c) => c.customer === h.emulator.billing.invoices.get(paid.stripeInvoiceId)!.customer,
    );
    expect(charges.map((c) => [c.amount, c.amount_refunded])).toEqual([[2000, 1500]]);
    expect((await paymentsOf(note.id)).map((p) => [p.source, p.amount])).toEqual([
      ['refund', '-1500'],
    ]);
    // charge.refunded is the platform's own credit note: July's payments stay as they were.
    await h.emulator.webhooks.idle();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect((await paymentsOf(julyInvoice.id)).map((p) => [p.source, p.amount])).toEqual([
      ['stripe', '2000'],
    ]);
    // The payee: July's 1,800 payable, less August's 1,350 taken back at once.
    expect(await balancesOf(use.publisher.key)).toEqual({
      [`payee-awaiting-collection:${use.payeeId}`]: 0,
      [`payee-payable:${use.payeeId}`]: 450,
    });
    const licensee = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(licensee.map((b) => [b.type, b.balance])).toEqual([['licensee-receivable', 0]]);
  });

  it('a credit against an invoice finance paid in full by hand (told to Stripe out of band) is held as balance, not refused', async () => {
    // Found by the property test (seed -1528090284): Stripe credits an invoice no further than its
    // total less every credit note on it, and the out-of-band note that told it of the payment
    // by hand took all of it.
    const use = await licensedUse(h, 2065);
    await payTo(use.licensee.key, {
      collectionMethod: 'bank-transfer',
      creditPreference: 'balance',
    });
    const march: [string, string] = ['2065-03-01', '2065-03-31'];
    const first = await reportUse(h, use, march, 1000, 'mar');
    const marchInvoice = invoiceOf(await postedRun(h, march), use);
    const open = await collectionWhen(h, marchInvoice.id, (b) => b.status === 'open');
    const manual = await http().post(`/v1/invoices/${marchInvoice.id}/payments`, h.finance[0], {
      amount: 2000,
    });
    expect(manual.status).toBe(201);
    await collectionWhen(h, marchInvoice.id, (b) => b.status === 'paid');
    const outOfBand = [...h.emulator.billing.creditNotes.values()].filter(
      (n) => n.invoice === open.stripeInvoiceId,
    );
    expect(outOfBand.map((n) => [n.amount, n.out_of_band_amount])).toEqual([[2000, 2000]]);
    // March corrected down to 600 tokens: April restates −400 × 2 = −800.
    await reportUse(h, use, march, 600, 'mar-corrected', first);
    const note = invoiceOf(await postedRun(h, ['2065-04-01', '2065-04-30']), use);
    expect(note.amount).toBe(-800);
    const given = await collectionWhen(h, note.id, (b) => b.status === 'issued');
    expect(given.credit).toMatchObject({
      method: 'balance',
      status: 'issued',
      refunded: 0,
      credited: 800,
      // No credit note: the March invoice has nothing left that Stripe would credit.
      stripeCreditNoteId: null,
    });
    const customerId = h.emulator.billing.invoices.get(open.stripeInvoiceId)!.customer as string;
    expect(h.emulator.billing.customers.get(customerId)!.balance).toBe(-800);
    const held = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(held.map((b) => [b.type, b.balance]).sort()).toEqual([
      ['licensee-credit', 800],
      ['licensee-receivable', 0],
    ]);
  });

  it('a credit note kept as balance is used by the next invoice Stripe finalizes', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, {}, 'pm_card_visa');
    await payTo(use.licensee.key, { collectionMethod: 'automatic', creditPreference: 'balance' });
    const september: [string, string] = ['2063-09-01', '2063-09-30'];
    const first = await reportUse(h, use, september, 1000, 'sep');
    const septemberInvoice = invoiceOf(await postedRun(h, september), use);
    const paid = await collectionWhen(h, septemberInvoice.id, (b) => b.status === 'paid');
    await reportUse(h, use, september, 500, 'sep-corrected', first);
    const note = invoiceOf(await postedRun(h, ['2063-10-01', '2063-10-31']), use);
    expect(note.amount).toBe(-1000);
    const given = await collectionWhen(h, note.id, (b) => b.status === 'issued');
    expect(given.credit).toMatchObject({
      method: 'balance',
      refunded: 0,
      credited: 1000,
      correctsInvoiceId: septemberInvoice.id,
    });
    const customerId = h.emulator.billing.invoices.get(paid.stripeInvoiceId)!.customer as string;
    expect(h.emulator.billing.customers.get(customerId)!.balance).toBe(-1000);
    const held = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(held.map((b) => [b.type, b.balance]).sort()).toEqual([
      ['licensee-credit', 1000],
      ['licensee-receivable', 0],
    ]);
    // November: 2,000 invoiced, 1,000 of it from the credit, the card charged the rest.
    await reportUse(h, use, ['2063-11-01', '2063-11-30'], 1000, 'nov');
    const november = invoiceOf(await postedRun(h, ['2063-11-01', '2063-11-30']), use);
    const collected = await collectionWhen(
      h,
      november.id,
      (b) => b.status === 'paid' && b.paid === 2000,
    );
    expect(h.emulator.billing.invoices.get(collected.stripeInvoiceId)).toMatchObject({
      starting_balance: -1000,
      ending_balance: 0,
      amount_due: 1000,
      amount_paid: 1000,
    });
    expect((await paymentsOf(november.id)).map((p) => [p.source, p.amount])).toEqual([
      ['credit', '1000'],
      ['stripe', '1000'],
    ]);
    expect(h.emulator.billing.customers.get(customerId)!.balance).toBe(0);
    const after = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(after.map((b) => [b.type, b.balance]).sort()).toEqual([
      ['licensee-credit', 0],
      ['licensee-receivable', 0],
    ]);
  });

  it('lists what is overdue for finance, with days overdue and what is still owed', async () => {
    const use = await licensedUse(h, 2063);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2063-12-01', '2063-12-31'], 600, 'dec');
    const invoice = invoiceOf(await postedRun(h, ['2063-12-01', '2063-12-31']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    const due = open.dueOn as string;
    const dayAfter = (date: string, days: number) =>
      new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);
    const list = (query: string) =>
      http().get(`/v1/collection/overdue?licenseeId=${use.licensee.id}&${query}`, h.finance[0]);
    expect((await list(`asOf=${due}`)).body).toEqual({ data: [], nextCursor: null });
    const late = await list(`asOf=${dayAfter(due, 12)}`);
    expect(late.body).toEqual({
      data: [
        {
          invoiceId: invoice.id,
          licenseeId: use.licensee.id,
          licenseeName: use.licensee.name,
          currency: 'EUR',
          amount: 1200,
          outstanding: 1200,
          dueOn: due,
          daysOverdue: 12,
          status: 'open',
          number: open.number,
          hostedInvoiceUrl: open.hostedInvoiceUrl,
        },
      ],
      nextCursor: null,
    });
    const byLicensee = await http().get(
      `/v1/collection/overdue/by-licensee?asOf=${dayAfter(due, 12)}`,
      h.finance[0],
    );
    expect(byLicensee.body.data).toContainEqual({
      licenseeId: use.licensee.id,
      licenseeName: use.licensee.name,
      currency: 'EUR',
      invoices: 1,
      outstanding: 1200,
      oldestDaysOverdue: 12,
    });
    expect((await list('asOf=2063-02-30')).status).toBe(400);
    expect((await list('cursor=bm9wZQ')).status).toBe(400);
    expect((await http().get('/v1/collection/overdue', use.licensee.key)).status).toBe(403);
  });
  it('an invoice Stripe refuses stays issuing with the reason until finance asks again', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2064-01-01', '2064-01-31'], 300, 'jan-64');
    h.emulator.addFault({
      method: 'POST',
      path: '/v1/invoices',
      kind: '400',
      message: 'Customer has no valid tax location',
      times: 1,
    });
    const invoice = invoiceOf(await postedRun(h, ['2064-01-01', '2064-01-31']), use);
    const refused = await collectionWhen(h, invoice.id, (b) => b.failure !== null);
    expect(refused).toMatchObject({
      status: 'issuing',
      stripeInvoiceId: null,
      attempts: 1,
      failure: expect.stringContaining('Customer has no valid tax location'),
      outstanding: 600,
    });
    // Not tried again by itself: it would be refused again.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(
      (await http().get(`/v1/invoices/${invoice.id}/collection`, h.finance[0])).body.attempts,
    ).toBe(1);
    expect(stripeInvoicesOf(invoice.id)).toHaveLength(0);
    expect((await http().post(`/v1/invoices/${invoice.id}/issue`, use.licensee.key)).status).toBe(
      403,
    );
    expect((await http().post(`/v1/invoices/${use.agreementId}/issue`, h.finance[0])).status).toBe(
      404,
    );
    const again = await http().post(`/v1/invoices/${invoice.id}/issue`, h.finance[1]);
    expect([again.status, again.body]).toEqual([202, { invoiceId: invoice.id, status: 'issuing' }]);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    expect(open).toMatchObject({ failure: null, attempts: 1 });
    expect(stripeInvoicesOf(invoice.id)).toHaveLength(1);
    const twice = await http().post(`/v1/invoices/${invoice.id}/issue`, h.finance[1]);
    expect([twice.status, twice.body.type, twice.body.state]).toEqual([
      409,
      `${PROBLEM}invoice-already-issued`,
      'open',
    ]);
  });

  it('a refund made in Stripe’s dashboard makes the invoice owed again; earnings released stay', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {}, 'pm_card_visa');
    await payTo(use.licensee.key, { collectionMethod: 'automatic' });
    await reportUse(h, use, ['2064-02-01', '2064-02-29'], 1000, 'feb-64');
    const invoice = invoiceOf(await postedRun(h, ['2064-02-01', '2064-02-29']), use);
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
    const [charge] = [...h.emulator.billing.charges.values()].filter(
      (c) => c.customer === h.emulator.billing.invoices.get(paid.stripeInvoiceId)!.customer,
    );
    await stripe.refunds.create({ charge: charge.id as string, amount: 500 });
    const refunded = await collectionWhen(h, invoice.id, (b) => b.paid === 1500);
    expect(refunded).toMatchObject({ status: 'paid', paid: 1500, outstanding: 500 });
    const payments = await paymentsOf(invoice.id);
    expect(payments.map((p) => [p.source, p.amount])).toEqual([
      ['stripe', '2000'],
      ['refund', '-500'],
    ]);
    expect(payments[1].stripe_reference).toMatch(/^re_/);
    // The same event again records nothing more.
    const event = h.emulator.webhooks.events.filter((e) => e.type === 'charge.refunded').pop()!;
    await h.emulator.webhooks.resend(event.id as string);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await paymentsOf(invoice.id)).toHaveLength(2);
    expect(await balancesOf(use.publisher.key)).toEqual({
      [`payee-awaiting-collection:${use.payeeId}`]: 0,
      [`payee-payable:${use.payeeId}`]: 1800,
    });
    const licensee = (await http().get('/v1/balances', use.licensee.key)).body.data as {
      type: string;
      balance: number;
    }[];
    expect(licensee.map((b) => [b.type, b.balance])).toEqual([['licensee-receivable', 500]]);
  });

  it('follows Stripe when an invoice is marked uncollectible and then voided; the licensee still owes it', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2064-03-01', '2064-03-31'], 250, 'mar-64');
    const invoice = invoiceOf(await postedRun(h, ['2064-03-01', '2064-03-31']), use);
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    await stripe.invoices.markUncollectible(open.stripeInvoiceId);
    await collectionWhen(h, invoice.id, (b) => b.status === 'uncollectible');
    await stripe.invoices.voidInvoice(open.stripeInvoiceId);
    const voided = await collectionWhen(h, invoice.id, (b) => b.status === 'void');
    expect(voided).toMatchObject({ paid: 0, outstanding: 500 });
  });

  it('an invoice paid in full by hand before it reached Stripe is withdrawn, never issued', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2064-04-01', '2064-04-30'], 100, 'apr-64');
    // Stripe away while the run is posted: issuing waits, retrying.
    h.emulator.addFault({ method: 'POST', path: '/v1/invoices', kind: '500', times: 1000 });
    const invoice = invoiceOf(await postedRun(h, ['2064-04-01', '2064-04-30']), use);
    await collectionWhen(h, invoice.id, (b) => b.attempts >= 1);
    const manual = await http().post(`/v1/invoices/${invoice.id}/payments`, h.finance[0], {
      amount: 200,
    });
    expect(manual.status).toBe(201);
    h.emulator.clearFaults();
    const withdrawn = await collectionWhen(h, invoice.id, (b) => b.status === 'withdrawn');
    expect(withdrawn).toMatchObject({ paid: 200, outstanding: 0, stripeInvoiceId: null });
    expect(stripeInvoicesOf(invoice.id)).toHaveLength(0);
  });
  it('one licensee cannot spend the Stripe calls every other licensee’s invoices need', async () => {
    const licensee = await createOrganization(http(), { kind: 'licensee' });
    const started = Date.now();
    const before = h.emulator.requests.length;
    const answers: { status: number; synced: boolean }[] = [];
    for (let i = 0; i < 30; i++) {
      const put = await http().request('PUT', '/v1/billing-profile', {
        key: licensee.key,
        body: { name: `Flood ${i}` },
      });
      answers.push({ status: put.status, synced: put.body.syncedWithStripe as boolean });
    }
    // Every edit is kept; past the licensee's own budget (20 calls, then 1 a second) Stripe is
    // told later, with the next invoice.
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(answers.filter((a) => !a.synced).length).toBeGreaterThan(0);
    const seconds = (Date.now() - started) / 1000;
    const customerId = (await http().get('/v1/billing-profile', licensee.key)).body
      .stripeCustomerId as string;
    const calls = h.emulator.requests
      .slice(before)
      .filter((r) => r.path === '/v1/customers' || r.path === `/v1/customers/${customerId}`).length;
    expect(calls).toBeLessThanOrEqual(20 + Math.ceil(seconds));
    const attach = await http().post('/v1/billing-profile/payment-method', licensee.key, {
      paymentMethodId: 'pm_card_visa',
    });
    expect([attach.status, attach.body.type]).toEqual([429, `${PROBLEM}rate-limited`]);
    expect(Number(attach.headers['retry-after'])).toBeGreaterThanOrEqual(1);
  });
  it('collects by SEPA debit on file; another licensee cannot take over that payment method', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {}, 'pm_sepaDebit');
    await payTo(use.licensee.key, { collectionMethod: 'automatic' });
    const profile = (await http().get('/v1/billing-profile', use.licensee.key)).body;
    expect(profile.paymentMethod).toMatchObject({ type: 'sepa_debit', brand: null });
    const other = await createOrganization(http(), { kind: 'licensee' });
    const taken = await http().post('/v1/billing-profile/payment-method', other.key, {
      paymentMethodId: profile.paymentMethod.id,
    });
    expect([taken.status, taken.body.type]).toEqual([422, `${PROBLEM}stripe-refused`]);
    expect((await http().get('/v1/billing-profile', other.key)).body.paymentMethod).toBeNull();
    await reportUse(h, use, ['2064-05-01', '2064-05-31'], 321, 'may-64');
    const invoice = invoiceOf(await postedRun(h, ['2064-05-01', '2064-05-31']), use);
    const paid = await collectionWhen(h, invoice.id, (b) => b.status === 'paid');
    expect(paid).toMatchObject({
      paid: 642,
      outstanding: 0,
      collectionMethod: 'charge_automatically',
    });
  });
  it('finds its earlier draft by metadata when Stripe no longer remembers the key', async () => {
    const use = await licensedUse(h, 2064);
    await payTo(use.licensee.key, {});
    await reportUse(h, use, ['2064-06-01', '2064-06-30'], 444, 'jun-64');
    h.emulator.addFault({
      method: 'POST',
      path: '/v1/invoices',
      kind: 'timeout',
      delayMs: 1500,
      times: 1,
    });
    const invoice = invoiceOf(await postedRun(h, ['2064-06-01', '2064-06-30']), use);
    // While the answer to the create is lost: a day passes, and Stripe forgets the key.
    await h.t.sql(
      `UPDATE collection_invoices SET created_at = now() - interval '2 days' WHERE invoice_id = $1`,
      [invoice.id],
    );
    h.emulator.forgetIdempotencyKeys();
    const open = await collectionWhen(h, invoice.id, (b) => b.status === 'open');
    expect(open.attempts).toBe(1);
    expect(stripeInvoicesOf(invoice.id)).toHaveLength(1);
    expect(stripeInvoicesOf(invoice.id)[0]).toMatchObject({ id: open.stripeInvoiceId, total: 888 });
  });
});
