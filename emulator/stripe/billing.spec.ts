import Stripe from 'stripe';
import { StripeEmulator } from './server';

const NOW = 1_800_000_000;
const DAY = 86_400;

function sdk(url: string): Stripe {
  const { hostname, port, protocol } = new URL(url);
  return new Stripe('sk_test_emulator', {
    host: hostname,
    port: Number(port),
    protocol: protocol.replace(':', '') as 'http',
    maxNetworkRetries: 0,
    timeout: 2000,
  });
}

describe('Stripe emulator billing with the official SDK', () => {
  let emulator: StripeEmulator;
  let stripe: Stripe;

  beforeEach(async () => {
    emulator = new StripeEmulator({ rateLimitPerSecond: 0, now: () => NOW });
    stripe = sdk((await emulator.listen()).url);
  });

  afterEach(() => emulator.close());

  /** Event types from the `from`-th event on. */
  const typesFrom = (from: number) => emulator.webhooks.events.slice(from).map((e) => e.type);
  const mark = () => emulator.webhooks.events.length;

  async function customerWith(paymentMethod?: string): Promise<string> {
    const customer = await stripe.customers.create({ name: 'Ada', email: 'ada@example.com' });
    if (paymentMethod) {
      const pm = await stripe.paymentMethods.attach(paymentMethod, { customer: customer.id });
      await stripe.customers.update(customer.id, {
        invoice_settings: { default_payment_method: pm.id },
      });
    }
    return customer.id;
  }

  async function draft(
    customer: string,
    amounts: number[],
    extra: Stripe.InvoiceCreateParams = {},
  ): Promise<Stripe.Invoice> {
    const invoice = await stripe.invoices.create({ customer, currency: 'eur', ...extra });
    return stripe.invoices.addLines(invoice.id, {
      lines: amounts.map((amount, n) => ({ amount, description: `line ${n}` })),
    });
  }

  async function paidByCard(
    amount: number,
  ): Promise<{ invoice: Stripe.Invoice; customer: string }> {
    const customer = await customerWith('pm_card_visa');
    const invoice = await draft(customer, [amount]);
    return { invoice: await stripe.invoices.finalizeInvoice(invoice.id), customer };
  }

  it('creates, updates and reads customers, tax ids and the customer balance', async () => {
    const start = mark();
    const customer = await stripe.customers.create({
      name: 'Ada Lovelace',
      email: 'ada@example.com',
      address: { line1: '1 Main St', city: 'Berlin', postal_code: '10115', country: 'DE' },
      metadata: { payerId: 'p1', tier: 'gold' },
      preferred_locales: ['de', 'en'],
      unknown_param: 'fine',
    } as Stripe.CustomerCreateParams);
    expect(customer).toMatchObject({
      object: 'customer',
      name: 'Ada Lovelace',
      balance: 0,
      currency: null,
      livemode: false,
      created: NOW,
      address: { line1: '1 Main St', line2: null, city: 'Berlin', country: 'DE' },
      invoice_settings: { default_payment_method: null },
      preferred_locales: ['de', 'en'],
    });
    expect(customer.id).toMatch(/^cus_/);
    const updated = await stripe.customers.update(customer.id, {
      email: 'ada@lovelace.dev',
      metadata: { tier: '', region: 'eu' },
    });
    expect(updated.email).toBe('ada@lovelace.dev');
    expect(updated.metadata).toEqual({ payerId: 'p1', region: 'eu' });

    const taxId = await stripe.customers.createTaxId(customer.id, {
      type: 'eu_vat',
      value: 'DE123456789',
    });
    expect(taxId).toMatchObject({
      object: 'tax_id',
      type: 'eu_vat',
      value: 'DE123456789',
      customer: customer.id,
    });
    expect(taxId.id).toMatch(/^txi_/);
    expect((await stripe.customers.listTaxIds(customer.id)).data.map((t) => t.id)).toEqual([
      taxId.id,
    ]);

    const credit = await stripe.customers.createBalanceTransaction(customer.id, {
      amount: -2500,
      currency: 'eur',
      description: 'goodwill',
    });
    expect(credit).toMatchObject({
      object: 'customer_balance_transaction',
      amount: -2500,
      currency: 'eur',
      ending_balance: -2500,
      type: 'adjustment',
      invoice: null,
      credit_note: null,
    });
    expect(credit.id).toMatch(/^cbtxn_/);
    await stripe.customers.createBalanceTransaction(customer.id, { amount: 500, currency: 'eur' });
    const read = (await stripe.customers.retrieve(customer.id)) as Stripe.Customer;
    expect([read.balance, read.currency]).toEqual([-2000, 'eur']);
    const txns = await stripe.customers.listBalanceTransactions(customer.id);
    expect(txns.data.map((t) => [t.amount, t.ending_balance])).toEqual([
      [500, -2000],
      [-2500, -2500],
    ]);
    await expect(
      stripe.customers.createBalanceTransaction(customer.id, { amount: 100, currency: 'usd' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'currency' });
    await expect(
      stripe.customers.createBalanceTransaction(customer.id, {
        amount: 1.5,
        currency: 'eur',
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    await expect(stripe.customers.retrieve('cus_nope')).rejects.toMatchObject({
      statusCode: 404,
      code: 'resource_missing',
      message: "No such customer: 'cus_nope'",
    });
    expect(typesFrom(start)).toEqual([
      'customer.created',
      'customer.updated',
      'customer.tax_id.created',
      'customer.updated',
      'customer.updated',
    ]);
  });

  it('with a card on file, finalizing charges at once: paid, an invoice payment, a charge, events in order', async () => {
    const customer = await customerWith('pm_card_visa');
    const methods = await stripe.customers.listPaymentMethods(customer);
    expect(methods.data).toHaveLength(1);
    expect(methods.data[0]).toMatchObject({
      type: 'card',
      customer,
      card: { brand: 'visa', last4: '4242' },
    });
    expect(methods.data[0].id).toMatch(/^pm_(?!card_visa)/);
    const start = mark();
    const invoice = await draft(customer, [1200, 300], { metadata: { statementId: 's1' } });
    expect(invoice).toMatchObject({
      status: 'draft',
      number: null,
      total: 1500,
      subtotal: 1500,
      amount_due: 1500,
      ending_balance: null,
      due_date: null,
      hosted_invoice_url: null,
      auto_advance: true,
      collection_method: 'charge_automatically',
    });
    expect(invoice.lines.data.map((l) => [l.object, l.amount, l.description])).toEqual([
      ['line_item', 1200, 'line 0'],
      ['line_item', 300, 'line 1'],
    ]);
    const paid = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(paid).toMatchObject({
      status: 'paid',
      number: 'RL-0001',
      amount_due: 1500,
      amount_paid: 1500,
      amount_remaining: 0,
      attempt_count: 1,
      attempted: true,
      starting_balance: 0,
      ending_balance: 0,
      status_transitions: { finalized_at: NOW, paid_at: NOW, voided_at: null },
      hosted_invoice_url: `${emulator.url}/invoice/${invoice.id}`,
      invoice_pdf: `${emulator.url}/invoice/${invoice.id}/pdf`,
    });
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id });
    expect(payments.data).toHaveLength(1);
    expect(payments.data[0]).toMatchObject({
      object: 'invoice_payment',
      amount_paid: 1500,
      amount_requested: 1500,
      currency: 'eur',
      status: 'paid',
      is_default: true,
      payment: { type: 'charge' },
      status_transitions: { paid_at: NOW },
    });
    const charge = await stripe.charges.retrieve(payments.data[0].payment.charge as string);
    expect(charge).toMatchObject({
      object: 'charge',
      amount: 1500,
      amount_refunded: 0,
      currency: 'eur',
      customer,
      paid: true,
      refunded: false,
      status: 'succeeded',
      payment_method: methods.data[0].id,
    });
    expect((await stripe.charges.list({ customer })).data.map((c) => c.id)).toEqual([charge.id]);
    const expanded = await stripe.invoices.retrieve(invoice.id, { expand: ['payments'] });
    expect(expanded.payments?.data.map((p) => p.id)).toEqual([payments.data[0].id]);
    expect(typesFrom(start)).toEqual([
      'invoice.created',
      'invoiceitem.created',
      'invoiceitem.created',
      'invoice.updated',
      'invoice.finalized',
      'charge.succeeded',
      'invoice_payment.paid',
      'invoice.payment_succeeded',
      'invoice.paid',
    ]);
    const page = await fetch(paid.hosted_invoice_url!);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(await page.text()).toContain('RL-0001');
    const pdf = Buffer.from(await (await fetch(paid.invoice_pdf!)).arrayBuffer()).toString(
      'latin1',
    );
    expect(pdf.startsWith('%PDF-1.4')).toBe(true);
    expect(pdf).toContain('(Invoice RL-0001)');
    expect(pdf).toContain('(Total: 15.00 EUR)');
    expect(pdf.trimEnd().endsWith('%%EOF')).toBe(true);
    await expect(stripe.invoices.pay(invoice.id)).rejects.toMatchObject({
      statusCode: 400,
      message: 'Invoice is already paid',
    });
  });

  it('a failing card: payment_failed and attempt_count 1, then a good card and /pay: paid', async () => {
    const customer = await customerWith('pm_card_chargeCustomerFail');
    const invoice = await draft(customer, [2000]);
    const start = mark();
    const open = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(open).toMatchObject({
      status: 'open',
      attempt_count: 1,
      attempted: true,
      amount_paid: 0,
      amount_remaining: 2000,
    });
    expect(typesFrom(start)).toEqual([
      'invoice.finalized',
      'charge.failed',
      'invoice.payment_failed',
    ]);
    const failed = (await stripe.charges.list({ customer })).data[0];
    expect(failed).toMatchObject({
      status: 'failed',
      paid: false,
      failure_code: 'card_declined',
    });
    await expect(stripe.invoices.pay(invoice.id)).rejects.toMatchObject({
      type: 'StripeCardError',
      statusCode: 402,
      code: 'card_declined',
      decline_code: 'generic_decline',
      message: 'Your card was declined.',
    });
    expect((await stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(2);
    const good = await stripe.paymentMethods.attach('pm_card_visa', { customer });
    const before = mark();
    const paid = await stripe.invoices.pay(invoice.id, { payment_method: good.id });
    expect(paid).toMatchObject({
      status: 'paid',
      amount_paid: 2000,
      amount_remaining: 0,
      attempt_count: 3,
    });
    expect(typesFrom(before)).toEqual([
      'charge.succeeded',
      'invoice_payment.paid',
      'invoice.payment_succeeded',
      'invoice.paid',
    ]);
  });

  it('send_invoice: due date, invoice.sent, and invoice.overdue once after the clock passes it', async () => {
    const customer = await customerWith();
    await expect(
      stripe.invoices.create({ customer, collection_method: 'send_invoice' }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'days_until_due' });
    await expect(stripe.invoices.create({ customer, days_until_due: 30 })).rejects.toMatchObject({
      statusCode: 400,
      param: 'days_until_due',
    });
    const invoice = await draft(customer, [5000], {
      collection_method: 'send_invoice',
      days_until_due: 30,
    });
    const start = mark();
    const open = await stripe.invoices.finalizeInvoice(invoice.id);
    expect(open).toMatchObject({ status: 'open', due_date: NOW + 30 * DAY, attempted: false });
    expect(typesFrom(start)).toEqual(['invoice.finalized', 'invoice.sent']);
    const resent = await stripe.invoices.sendInvoice(invoice.id);
    expect(resent.status).toBe('open');
    const clock = mark();
    emulator.advanceClock(30 * DAY);
    expect(typesFrom(clock)).toEqual([]);
    emulator.advanceClock(1);
    emulator.advanceClock(DAY);
    expect(typesFrom(clock)).toEqual(['invoice.overdue']);
    expect(emulator.now()).toBe(NOW + 31 * DAY + 1);
    const overdue = emulator.webhooks.events.at(-1)!;
    expect(overdue.created).toBe(NOW + 30 * DAY + 1);
  });

  it('fund_cash_balance: partial then the rest; the leftover pays the next invoice at finalization', async () => {
    const customer = await customerWith();
    const invoice = await draft(customer, [1000], {
      collection_method: 'send_invoice',
      days_until_due: 14,
      payment_settings: { payment_method_types: ['customer_balance'] },
    });
    await stripe.invoices.finalizeInvoice(invoice.id);
    const start = mark();
    const funded = await stripe.testHelpers.customers.fundCashBalance(customer, {
      amount: 400,
      currency: 'eur',
      reference: 'REF-1',
    });
    expect(funded).toMatchObject({
      object: 'customer_cash_balance_transaction',
      type: 'funded',
      net_amount: 400,
      ending_balance: 400,
      funded: { bank_transfer: { reference: 'REF-1', type: 'eu_bank_transfer' } },
    });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      amount_paid: 400,
      amount_remaining: 600,
    });
    expect(typesFrom(start)).toEqual([
      'customer_cash_balance_transaction.created',
      'cash_balance.funds_available',
      'customer_cash_balance_transaction.created',
      'invoice_payment.paid',
      'invoice.updated',
    ]);
    const rest = mark();
    emulator.fundCashBalance(customer, 700, 'eur');
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'paid',
      amount_paid: 1000,
      amount_remaining: 0,
    });
    expect(typesFrom(rest).slice(-2)).toEqual(['invoice.payment_succeeded', 'invoice.paid']);
    const payments = await stripe.invoicePayments.list({ invoice: invoice.id });
    expect(payments.data.map((p) => [p.amount_paid, p.payment.type])).toEqual([
      [600, 'payment_intent'],
      [400, 'payment_intent'],
    ]);
    expect((await stripe.customers.retrieveCashBalance(customer)).available).toEqual({
      eur: 100,
    });
    const next = await draft(customer, [80], {
      collection_method: 'send_invoice',
      days_until_due: 14,
      payment_settings: { payment_method_types: ['customer_balance'] },
    });
    expect(await stripe.invoices.finalizeInvoice(next.id)).toMatchObject({
      status: 'paid',
      amount_paid: 80,
    });
    expect((await stripe.customers.retrieveCashBalance(customer)).available).toEqual({ eur: 20 });
  });

  it('a credit note with refund_amount on a paid invoice refunds the charge', async () => {
    const { invoice } = await paidByCard(1500);
    const start = mark();
    const creditNote = await stripe.creditNotes.create({
      invoice: invoice.id,
      lines: [{ type: 'custom_line_item', unit_amount: 250, quantity: 2, description: 'fix' }],
      refund_amount: 500,
      reason: 'order_change',
      memo: 'wrong rate',
    });
    expect(creditNote).toMatchObject({
      object: 'credit_note',
      invoice: invoice.id,
      amount: 500,
      currency: 'eur',
      status: 'issued',
      type: 'post_payment',
      number: 'RL-0001-CN-01',
      customer_balance_transaction: null,
      memo: 'wrong rate',
      reason: 'order_change',
      voided_at: null,
    });
    expect(creditNote.refunds).toHaveLength(1);
    expect(creditNote.refunds[0].amount_refunded).toBe(500);
    const refund = await stripe.refunds.retrieve(creditNote.refunds[0].refund as string);
    expect(refund).toMatchObject({ object: 'refund', amount: 500, status: 'succeeded' });
    const charge = await stripe.charges.retrieve(refund.charge as string);
    expect(charge).toMatchObject({ amount_refunded: 500, refunded: false });
    expect(charge.refunds?.data.map((r) => r.id)).toEqual([refund.id]);
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'paid',
      post_payment_credit_notes_amount: 500,
    });
    expect(typesFrom(start)).toEqual([
      'charge.refunded',
      'refund.created',
      'credit_note.created',
      'invoice.updated',
    ]);
    expect((await stripe.creditNotes.list({ invoice: invoice.id })).data.map((c) => c.id)).toEqual([
      creditNote.id,
    ]);
    // More than is left to credit, a split that does not add up, then more than was paid.
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 1001, refund_amount: 1001 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 300, refund_amount: 200 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    const dashboard = await stripe.refunds.create({ charge: charge.id });
    expect(dashboard.amount).toBe(1000);
    expect((await stripe.charges.retrieve(charge.id)).refunded).toBe(true);
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 100, refund_amount: 100 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'refund_amount' });
    await expect(stripe.refunds.create({ charge: charge.id, amount: 1 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'charge_already_refunded',
    });
  });

  it('a credit note with credit_amount credits the customer; the next invoice consumes it', async () => {
    const { invoice, customer } = await paidByCard(1500);
    const creditNote = await stripe.creditNotes.create({
      invoice: invoice.id,
      amount: 400,
      credit_amount: 400,
    });
    expect(creditNote.customer_balance_transaction).toMatch(/^cbtxn_/);
    const read = (await stripe.customers.retrieve(customer)) as Stripe.Customer;
    expect(read.balance).toBe(-400);
    const [txn] = (await stripe.customers.listBalanceTransactions(customer)).data;
    expect(txn).toMatchObject({ type: 'credit_note', amount: -400, credit_note: creditNote.id });

    const next = await draft(customer, [1000], { auto_advance: false });
    const finalized = await stripe.invoices.finalizeInvoice(next.id);
    expect(finalized).toMatchObject({
      status: 'open',
      total: 1000,
      starting_balance: -400,
      ending_balance: 0,
      amount_due: 600,
      amount_remaining: 600,
      attempted: false,
    });
    expect(((await stripe.customers.retrieve(customer)) as Stripe.Customer).balance).toBe(0);
    const [applied] = (await stripe.customers.listBalanceTransactions(customer)).data;
    expect(applied).toMatchObject({ type: 'applied_to_invoice', amount: 400, invoice: next.id });
    expect(await stripe.invoices.pay(next.id)).toMatchObject({
      status: 'paid',
      amount_paid: 600,
    });

    // A credit that covers the whole of an invoice: paid at finalization, no charge.
    await stripe.customers.createBalanceTransaction(customer, { amount: -900, currency: 'eur' });
    const covered = await draft(customer, [700]);
    const start = mark();
    expect(await stripe.invoices.finalizeInvoice(covered.id)).toMatchObject({
      status: 'paid',
      amount_due: 0,
      amount_paid: 0,
      starting_balance: -900,
      ending_balance: -200,
    });
    expect(typesFrom(start)).toEqual(['invoice.finalized', 'customer.updated', 'invoice.paid']);
  });

  it('a pre-payment credit note reduces amount_due; one covering the rest marks it paid', async () => {
    const customer = await customerWith();
    const invoice = await draft(customer, [1000], {
      collection_method: 'send_invoice',
      days_until_due: 7,
    });
    await stripe.invoices.finalizeInvoice(invoice.id);
    const creditNote = await stripe.creditNotes.create({ invoice: invoice.id, amount: 300 });
    expect(creditNote).toMatchObject({ type: 'pre_payment', amount: 300, refunds: [] });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'open',
      amount_due: 700,
      amount_remaining: 700,
      pre_payment_credit_notes_amount: 300,
    });
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 800 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'amount' });
    const start = mark();
    await stripe.creditNotes.create({ invoice: invoice.id, amount: 700 });
    expect(await stripe.invoices.retrieve(invoice.id)).toMatchObject({
      status: 'paid',
      amount_due: 0,
      amount_paid: 0,
    });
    expect(typesFrom(start)).toEqual(['credit_note.created', 'invoice.paid']);
  });

  it('refuses add_lines on a finalized invoice and credit notes on drafts', async () => {
    const customer = await customerWith();
    const invoice = await draft(customer, [100], { auto_advance: false });
    await expect(
      stripe.creditNotes.create({ invoice: invoice.id, amount: 10 }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'invoice' });
    await stripe.invoices.finalizeInvoice(invoice.id);
    await expect(
      stripe.invoices.addLines(invoice.id, { lines: [{ amount: 50 }] }),
    ).rejects.toMatchObject({
      type: 'StripeInvalidRequestError',
      statusCode: 400,
      code: 'invoice_not_editable',
    });
    expect((await stripe.invoices.retrieve(invoice.id)).total).toBe(100);
    await expect(stripe.invoices.retrieve('in_nope')).rejects.toMatchObject({
      statusCode: 404,
      message: "No such invoice: 'in_nope'",
    });
  });

  it('invoice items: pending ones join an invoice with include; negative lines lower the total', async () => {
    const customer = await customerWith();
    await stripe.invoiceItems.create({ customer, amount: 900, currency: 'eur', description: 'a' });
    await stripe.invoiceItems.create({ customer, amount: -150, currency: 'eur', description: 'b' });
    expect((await stripe.invoiceItems.list({ customer, pending: true })).data).toHaveLength(2);
    const invoice = await stripe.invoices.create({
      customer,
      currency: 'eur',
      pending_invoice_items_behavior: 'include',
    });
    expect(invoice.total).toBe(750);
    expect((await stripe.invoiceItems.list({ customer, pending: true })).data).toHaveLength(0);
    const item = await stripe.invoiceItems.create({
      customer,
      amount: 50,
      currency: 'eur',
      invoice: invoice.id,
    });
    expect(item.invoice).toBe(invoice.id);
    expect((await stripe.invoices.retrieve(invoice.id)).lines.data.map((l) => l.amount)).toEqual([
      900, -150, 50,
    ]);
    const empty = await stripe.invoices.create({ customer, currency: 'eur' });
    expect(empty.total).toBe(0);
  });

  it("updates draft and open invoices within Stripe's rules, deletes drafts", async () => {
    const customer = await customerWith();
    const item = await stripe.invoiceItems.create({ customer, amount: 400, currency: 'eur' });
    const invoice = await stripe.invoices.create({
      customer,
      currency: 'eur',
      pending_invoice_items_behavior: 'include',
      metadata: { a: '1' },
    });
    const start = mark();
    const updated = await stripe.invoices.update(invoice.id, {
      collection_method: 'send_invoice',
      days_until_due: 10,
      description: 'March',
      metadata: { b: '2' },
    });
    expect(updated).toMatchObject({
      collection_method: 'send_invoice',
      description: 'March',
      metadata: { a: '1', b: '2' },
    });
    await expect(
      stripe.invoices.update(invoice.id, {
        collection_method: 'charge_automatically',
        days_until_due: 3,
      }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'days_until_due' });
    expect(await stripe.invoices.del(invoice.id)).toMatchObject({ id: invoice.id, deleted: true });
    expect((await stripe.invoiceItems.list({ pending: true })).data.map((i) => i.id)).toEqual([
      item.id,
    ]);
    expect(typesFrom(start)).toEqual(['invoice.updated', 'invoice.deleted']);

    const open = await draft(customer, [100], {
      collection_method: 'send_invoice',
      days_until_due: 5,
    });
    await stripe.invoices.finalizeInvoice(open.id);
    expect((await stripe.invoices.update(open.id, { metadata: { c: '3' } })).metadata).toEqual({
      c: '3',
    });
    await expect(stripe.invoices.update(open.id, { days_until_due: 9 })).rejects.toMatchObject({
      statusCode: 400,
      code: 'invoice_not_editable',
    });
    await expect(stripe.invoices.del(open.id)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('void and mark_uncollectible; an uncollectible invoice can still be paid; voiding gives back the credit', async () => {
    const customer = await customerWith('pm_card_visa');
    const one = await draft(customer, [300], { auto_advance: false });
    await stripe.invoices.finalizeInvoice(one.id);
    const start = mark();
    expect((await stripe.invoices.markUncollectible(one.id)).status).toBe('uncollectible');
    expect(await stripe.invoices.pay(one.id)).toMatchObject({ status: 'paid', amount_paid: 300 });
    await expect(stripe.invoices.voidInvoice(one.id)).rejects.toMatchObject({ statusCode: 400 });
    expect(typesFrom(start).slice(0, 2)).toEqual([
      'invoice.marked_uncollectible',
      'charge.succeeded',
    ]);

    await stripe.customers.createBalanceTransaction(customer, { amount: -100, currency: 'eur' });
    const two = await draft(customer, [300], { auto_advance: false });
    expect((await stripe.invoices.finalizeInvoice(two.id)).amount_due).toBe(200);
    const voided = await stripe.invoices.voidInvoice(two.id);
    expect(voided).toMatchObject({ status: 'void', status_transitions: { voided_at: NOW } });
    expect(((await stripe.customers.retrieve(customer)) as Stripe.Customer).balance).toBe(-100);
    await expect(stripe.invoices.pay(two.id)).rejects.toMatchObject({ statusCode: 400 });
    expect(
      (await stripe.invoices.list({ customer, status: 'void' })).data.map((i) => i.id),
    ).toEqual([two.id]);
  });

  it('payment methods from tokens, IBANs and bank accounts; failing ones decline; detach', async () => {
    const customer = await customerWith();
    const sepaBad = await stripe.paymentMethods.create({
      type: 'sepa_debit',
      sepa_debit: { iban: 'DE62370400440532013001' },
      billing_details: { name: 'Ada', email: 'ada@example.com' },
    });
    expect(sepaBad).toMatchObject({
      type: 'sepa_debit',
      customer: null,
      sepa_debit: { last4: '3001' },
    });
    await stripe.paymentMethods.attach(sepaBad.id, { customer });
    const bank = await stripe.paymentMethods.create({
      type: 'us_bank_account',
      us_bank_account: {
        routing_number: '110000000',
        account_number: '000123456789',
        account_holder_type: 'individual',
      },
    });
    await stripe.paymentMethods.attach(bank.id, { customer });
    const card = await stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_visa' } });
    expect(card.card).toMatchObject({ brand: 'visa', last4: '4242' });
    await expect(
      stripe.paymentMethods.create({ type: 'card', card: { token: 'tok_nope' } }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'card[token]' });
    const invoice = await draft(customer, [1000], { auto_advance: false });
    await stripe.invoices.finalizeInvoice(invoice.id);
    await expect(
      stripe.invoices.pay(invoice.id, { payment_method: sepaBad.id }),
    ).rejects.toMatchObject({ type: 'StripeCardError', code: 'card_declined' });
    await expect(
      stripe.invoices.pay(invoice.id, { payment_method: card.id }),
    ).rejects.toMatchObject({ statusCode: 400, param: 'payment_method' });
    expect(await stripe.invoices.pay(invoice.id, { payment_method: bank.id })).toMatchObject({
      status: 'paid',
      attempt_count: 2,
    });
    await stripe.customers.update(customer, {
      invoice_settings: { default_payment_method: bank.id },
    });
    const detached = await stripe.paymentMethods.detach(bank.id);
    expect(detached.customer).toBeNull();
    await expect(stripe.paymentMethods.attach(bank.id, { customer })).rejects.toMatchObject({
      statusCode: 400,
      code: 'payment_method_unexpected_state',
    });
    const read = (await stripe.customers.retrieve(customer)) as Stripe.Customer;
    expect(read.invoice_settings.default_payment_method).toBeNull();
    expect((await stripe.customers.listPaymentMethods(customer)).data.map((m) => m.id)).toEqual([
      sepaBad.id,
    ]);
    const noMethod = await draft(customer, [100]);
    expect(await stripe.invoices.finalizeInvoice(noMethod.id)).toMatchObject({
      status: 'open',
      attempted: false,
    });
    await expect(stripe.paymentMethods.retrieve('pm_nope')).rejects.toMatchObject({
      statusCode: 404,
    });
  });

  it('replays idempotent creates and declines without doing them again', async () => {
    const first = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'c1' });
    const again = await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'c1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(emulator.billing.customers.size).toBe(1);
    expect(typesFrom(0)).toEqual(['customer.created']);
    await stripe.customers.update(first.id, { name: 'B' });
    expect((await stripe.customers.create({ name: 'A' }, { idempotencyKey: 'c1' })).name).toBe('A');

    const pm = await stripe.paymentMethods.attach('pm_card_visa_chargeDeclined', {
      customer: first.id,
    });
    const invoice = await draft(first.id, [100], { auto_advance: false });
    await stripe.invoices.finalizeInvoice(invoice.id);
    for (let i = 0; i < 2; i++)
      await expect(
        stripe.invoices.pay(invoice.id, { payment_method: pm.id }, { idempotencyKey: 'pay-1' }),
      ).rejects.toMatchObject({ statusCode: 402, decline_code: 'generic_decline' });
    expect((await stripe.invoices.retrieve(invoice.id)).attempt_count).toBe(1);
  });

  it('applies the rate limit and injected faults to billing routes', async () => {
    const customer = await customerWith();
    emulator.addFault({ method: 'POST', path: '/v1/invoices', kind: '500' });
    await expect(stripe.invoices.create({ customer })).rejects.toMatchObject({
      type: 'StripeAPIError',
      statusCode: 500,
    });
    expect(emulator.billing.invoices.size).toBe(0);
    emulator.setRateLimit(3);
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, () => stripe.customers.retrieve(customer)),
    );
    const limited = results.filter((r) => r.status === 'rejected');
    expect(limited.length).toBeGreaterThanOrEqual(3);
    expect(limited[0].reason).toMatchObject({ type: 'StripeRateLimitError', statusCode: 429 });
  });

  it('controls: clock, fund_cash_balance and stats over HTTP', async () => {
    const customer = await customerWith('pm_card_visa');
    await stripe.invoices.finalizeInvoice((await draft(customer, [100])).id);
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.url}/_emulator/${path}`, {
        method: 'POST',
        body: JSON.stringify(body),
      }).then((r) => r.json());
    expect(await post('clock', { advanceSeconds: 60 })).toEqual({ now: NOW + 60 });
    expect(
      await post(`customers/${customer}/fund_cash_balance`, { amount: 10, currency: 'eur' }),
    ).toMatchObject({ type: 'funded', net_amount: 10 });
    const stats = await fetch(`${emulator.url}/_emulator/stats`).then((r) => r.json());
    expect(stats).toMatchObject({
      customers: 1,
      invoices: 1,
      invoicesByStatus: { paid: 1 },
      creditNotes: 0,
      refunds: 0,
    });
    const byPath = await fetch(`${emulator.url}/_emulator/requests-by-path`).then((r) => r.json());
    expect(byPath).toMatchObject({
      'POST /v1/invoices/:id/finalize': 1,
      'POST /v1/invoices/:id/add_lines': 1,
      'POST /v1/payment_methods/pm_card_visa/attach': 1,
    });
  });
});
