import { invalidRequest, missing, StripeApiError } from './errors';
import { FormObject, FormValue } from './form-encoding';
import { stripeId } from './ids';
import {
  EventSink,
  list,
  ListParams,
  metadataOf,
  positiveInteger,
  StripeObject,
  str,
} from './state';

type ApiRequest = { id: string; idempotencyKey?: string };

/**
 * Stripe's default for `auto_advance` on invoices created through the API is `false` (see the
 * SDK's InvoiceCreateParams); the brief for this emulator asked for `true`, so that an invoice
 * created and finalized by a script is collected without another call. Change here if needed.
 */
const AUTO_ADVANCE_DEFAULT = true;

/** A decline: 402 `card_error` with `decline_code` and the failed charge, as Stripe answers. */
export class CardError extends StripeApiError {
  constructor(
    message: string,
    readonly declineCode: string,
    readonly chargeId: string,
    readonly paymentMethod: StripeObject,
  ) {
    super(402, 'card_error', message, 'card_declined');
  }

  override body(): { error: Record<string, string> } {
    const body = super.body();
    Object.assign(body.error, {
      decline_code: this.declineCode,
      charge: this.chargeId,
      doc_url: 'https://stripe.com/docs/error-codes/card-declined',
    });
    (body.error as Record<string, unknown>).payment_method = this.paymentMethod;
    return body;
  }
}

const missingParam = (param: string) =>
  invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');

/** An integer in minor units; negative only where Stripe allows it. */
function integer(value: FormValue | undefined, param: string, allowNegative = false): number {
  const text = str(value);
  if (text === undefined) throw missingParam(param);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw invalidRequest(`Invalid integer: ${text}`, param);
  const n = Number(text);
  if (!allowNegative && n < 0) throw invalidRequest(`Invalid non-negative integer`, param);
  return n;
}

function optionalInteger(value: FormValue | undefined, param: string): number | undefined {
  return value === undefined || value === '' ? undefined : integer(value, param);
}

function bool(value: FormValue | undefined, param: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw invalidRequest(`Invalid boolean: ${str(value) ?? ''}`, param);
}

function currencyOf(value: FormValue | undefined, param = 'currency'): string {
  const c = str(value)?.toLowerCase();
  if (!c) throw missingParam(param);
  if (!/^[a-z]{3}$/.test(c)) throw invalidRequest(`Invalid currency: ${c}`, param);
  return c;
}

function oneOf<T extends string>(
  value: FormValue | undefined,
  allowed: readonly T[],
  param: string,
): T | undefined {
  const text = str(value);
  if (text === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(text))
    throw invalidRequest(`Invalid ${param}: must be one of ${allowed.join(', ')}`, param);
  return text as T;
}

/** Stripe's metadata update: keys merge, an empty value unsets a key, `metadata=''` clears. */
function mergeMetadata(current: Record<string, string>, value: FormValue | undefined) {
  if (value === undefined) return current;
  if (value === '') return {};
  const next = { ...current, ...metadataOf(value) };
  for (const [k, v] of Object.entries(next)) if (v === '') delete next[k];
  return next;
}

function addressOf(value: FormValue | undefined): StripeObject | null {
  if (value === undefined || value === '') return null;
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('Invalid object', 'address');
  const field = (k: string) => str(value[k]) ?? null;
  return {
    city: field('city'),
    country: field('country'),
    line1: field('line1'),
    line2: field('line2'),
    postal_code: field('postal_code'),
    state: field('state'),
  };
}

const emptyList = (url: string): StripeObject => ({
  object: 'list',
  data: [],
  has_more: false,
  total_count: 0,
  url,
});

/** Stripe's refund error shows amounts as money: `$12.34`. */
const money = (amount: number, currency: string) =>
  `${currency === 'usd' ? '$' : ''}${(amount / 100).toFixed(2)}${currency === 'usd' ? '' : ` ${currency.toUpperCase()}`}`;

interface TestMethod {
  type: 'card' | 'sepa_debit' | 'us_bank_account';
  last4: string;
  fails: boolean;
}

/** Stripe's test PaymentMethod ids, attachable as they are (each attach makes a new `pm_…`). */
const TEST_PAYMENT_METHODS: Record<string, TestMethod> = {
  pm_card_visa: { type: 'card', last4: '4242', fails: false },
  pm_card_chargeCustomerFail: { type: 'card', last4: '0341', fails: true },
  pm_card_visa_chargeDeclined: { type: 'card', last4: '0002', fails: true },
  pm_usBankAccount: { type: 'us_bank_account', last4: '6789', fails: false },
  pm_sepaDebit: { type: 'sepa_debit', last4: '3000', fails: false },
};

/** Stripe's test card tokens for `card[token]`. */
const TEST_TOKENS: Record<string, TestMethod> = {
  tok_visa: { type: 'card', last4: '4242', fails: false },
  tok_chargeCustomerFail: { type: 'card', last4: '0341', fails: true },
  tok_chargeDeclined: { type: 'card', last4: '0002', fails: true },
};

const FAILING_IBAN = 'DE62370400440532013001';
const FAILING_US_ACCOUNT = '000111111116';

/**
 * Billing on the emulated platform account: customers (balance, tax ids), payment methods,
 * invoice items and invoices (finalize, pay, send, void, uncollectible), invoice payments,
 * charges, refunds, credit notes, and cash balances funded by bank transfer.
 */
export class BillingState {
  readonly customers = new Map<string, StripeObject>();
  readonly taxIds = new Map<string, StripeObject>();
  readonly customerBalanceTransactions: StripeObject[] = [];
  readonly cashBalanceTransactions: StripeObject[] = [];
  readonly paymentMethods = new Map<string, StripeObject>();
  readonly invoiceItems = new Map<string, StripeObject>();
  readonly invoices = new Map<string, StripeObject>();
  readonly invoicePayments = new Map<string, StripeObject>();
  readonly charges = new Map<string, StripeObject>();
  readonly refunds = new Map<string, StripeObject>();
  readonly creditNotes = new Map<string, StripeObject>();
  /** Customer → currency → cash (bank transfers received, not yet applied). */
  private readonly cash = new Map<string, Map<string, number>>();
  /** The emulator's private flag: PaymentMethods whose charges are declined. */
  private readonly declining = new Set<string>();
  /** PaymentMethods detached from their customer: Stripe refuses to use them again. */
  private readonly detached = new Set<string>();
  /** Invoices whose invoice.overdue was sent. */
  private readonly overdue = new Set<string>();
  private invoiceSequence = 0;
  /** A `due_date` given at creation (send_invoice), kept until finalization. */
  private readonly dueDates = new Map<string, number | undefined>();

  constructor(
    private readonly emit: EventSink,
    private readonly nowSeconds: () => number,
    private readonly baseUrl: () => string,
  ) {}

  private now(): number {
    return this.nowSeconds();
  }

  // ---------------------------------------------------------------- customers

  createCustomer(p: FormObject, request: ApiRequest): StripeObject {
    const id = stripeId('cus', 14);
    const customer: StripeObject = {
      id,
      object: 'customer',
      address: null,
      balance: 0,
      created: this.now(),
      currency: null,
      default_source: null,
      delinquent: false,
      description: null,
      email: null,
      invoice_prefix: null,
      invoice_settings: {
        custom_fields: null,
        default_payment_method: null,
        footer: null,
        rendering_options: null,
      },
      livemode: false,
      metadata: {},
      name: null,
      next_invoice_sequence: 1,
      phone: null,
      preferred_locales: [],
      shipping: null,
      tax_exempt: 'none',
      test_clock: null,
    };
    this.applyCustomerParams(customer, p);
    // Stripe's tax_id_data: the customer's tax ids, made with it (checked before anything is kept).
    const taxIdData = p.tax_id_data === undefined || p.tax_id_data === '' ? [] : p.tax_id_data;
    if (!Array.isArray(taxIdData)) throw invalidRequest('Invalid array', 'tax_id_data');
    taxIdData.forEach((t, i) => {
      if (typeof t !== 'object' || Array.isArray(t) || !str(t.type) || !str(t.value))
        throw invalidRequest('Each tax id needs a type and a value', `tax_id_data[${i}]`);
    });
    this.customers.set(id, customer);
    this.emit('customer.created', customer, request);
    for (const t of taxIdData as FormObject[]) this.createTaxId(id, t, request);
    return customer;
  }

  private applyCustomerParams(customer: StripeObject, p: FormObject): void {
    for (const field of ['name', 'email', 'description', 'phone', 'invoice_prefix'])
      if (p[field] !== undefined) customer[field] = str(p[field]) || null;
    if (p.address !== undefined) customer.address = addressOf(p.address);
    if (p.metadata !== undefined)
      customer.metadata = mergeMetadata(customer.metadata as Record<string, string>, p.metadata);
    if (p.preferred_locales !== undefined)
      customer.preferred_locales = Array.isArray(p.preferred_locales)
        ? p.preferred_locales.map(String)
        : [];
    if (p.tax_exempt !== undefined)
      customer.tax_exempt = oneOf(p.tax_exempt, ['none', 'exempt', 'reverse'], 'tax_exempt');
    const settings = p.invoice_settings;
    if (settings !== undefined && typeof settings === 'object' && !Array.isArray(settings)) {
      const pm = settings.default_payment_method;
      if (pm !== undefined) {
        const pmId = str(pm) || null;
        if (pmId)
          this.ownedPaymentMethod(customer.id, pmId, 'invoice_settings[default_payment_method]');
        customer.invoice_settings.default_payment_method = pmId;
      }
      if (settings.footer !== undefined)
        customer.invoice_settings.footer = str(settings.footer) || null;
    }
  }

  customer(id: string, param = 'id'): StripeObject {
    const customer = this.customers.get(id);
    if (!customer) throw missing('customer', id, param);
    return customer;
  }

  updateCustomer(id: string, p: FormObject, request: ApiRequest): StripeObject {
    const customer = this.customer(id);
    this.applyCustomerParams(customer, p);
    this.emit('customer.updated', customer, request);
    return customer;
  }

  listCustomers(p: ListParams): StripeObject {
    const email = str(p.email);
    return list('/v1/customers', [...this.customers.values()], p, (c) =>
      email === undefined ? true : c.email === email,
    );
  }

  createTaxId(customerId: string, p: FormObject, request: ApiRequest): StripeObject {
    const customer = this.customer(customerId);
    const type = str(p.type);
    if (!type) throw missingParam('type');
    const value = str(p.value);
    if (!value) throw missingParam('value');
    const taxId: StripeObject = {
      id: stripeId('txi'),
      object: 'tax_id',
      country: type.slice(0, 2).toUpperCase(),
      created: this.now(),
      customer: customer.id,
      livemode: false,
      owner: { type: 'customer', customer: customer.id },
      type,
      value,
      verification: { status: 'unavailable', verified_address: null, verified_name: null },
    };
    this.taxIds.set(taxId.id, taxId);
    this.emit('customer.tax_id.created', taxId, request);
    return taxId;
  }

  listTaxIds(customerId: string, p: ListParams): StripeObject {
    this.customer(customerId);
    return list(
      `/v1/customers/${customerId}/tax_ids`,
      [...this.taxIds.values()],
      p,
      (t) => t.customer === customerId,
    );
  }

  createBalanceTransaction(customerId: string, p: FormObject, request: ApiRequest): StripeObject {
    const customer = this.customer(customerId);
    const amount = integer(p.amount, 'amount', true);
    if (amount === 0) throw invalidRequest('Invalid integer: amount must not be 0', 'amount');
    const currency = currencyOf(p.currency);
    const txn = this.changeBalance(customer, amount, currency, 'adjustment', {
      description: str(p.description) ?? null,
      metadata: metadataOf(p.metadata),
    });
    this.emit('customer.updated', customer, request);
    return txn;
  }

  listBalanceTransactions(customerId: string, p: ListParams): StripeObject {
    this.customer(customerId);
    return list(
      `/v1/customers/${customerId}/balance_transactions`,
      this.customerBalanceTransactions,
      p,
      (t) => t.customer === customerId,
    );
  }

  /** Moves customer.balance (negative = credit) and records the customer balance transaction. */
  private changeBalance(
    customer: StripeObject,
    amount: number,
    currency: string,
    type: string,
    refs: {
      description?: string | null;
      metadata?: object;
      invoice?: string;
      credit_note?: string;
    },
  ): StripeObject {
    if (customer.currency && customer.currency !== currency)
      throw invalidRequest(
        `The currency ${currency} does not match the customer's balance currency (${customer.currency as string}).`,
        'currency',
      );
    customer.currency ??= currency;
    customer.balance = (customer.balance as number) + amount;
    const txn: StripeObject = {
      id: stripeId('cbtxn'),
      object: 'customer_balance_transaction',
      amount,
      checkout_session: null,
      created: this.now(),
      credit_note: refs.credit_note ?? null,
      currency,
      customer: customer.id,
      description: refs.description ?? null,
      ending_balance: customer.balance,
      invoice: refs.invoice ?? null,
      livemode: false,
      metadata: refs.metadata ?? {},
      type,
    };
    this.customerBalanceTransactions.push(txn);
    return txn;
  }

  // ---------------------------------------------------------- payment methods

  private newPaymentMethod(kind: TestMethod, details: StripeObject, p: FormObject): StripeObject {
    const id = stripeId('pm');
    const year = new Date(this.now() * 1000).getUTCFullYear();
    const fingerprint = stripeId('fp', 16).slice(3);
    const billing = (p.billing_details ?? {}) as FormObject;
    const method: StripeObject = {
      id,
      object: 'payment_method',
      allow_redisplay: 'unspecified',
      billing_details: {
        address: addressOf(billing.address),
        email: str(billing.email) ?? null,
        name: str(billing.name) ?? null,
        phone: str(billing.phone) ?? null,
        tax_id: null,
      },
      created: this.now(),
      customer: null,
      livemode: false,
      metadata: metadataOf(p.metadata),
      type: kind.type,
    };
    if (kind.type === 'card')
      method.card = {
        brand: 'visa',
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: 'US',
        display_brand: 'visa',
        exp_month: 12,
        exp_year: year + 2,
        fingerprint,
        funding: 'credit',
        generated_from: null,
        last4: kind.last4,
        networks: { available: ['visa'], preferred: null },
        regulated_status: 'unregulated',
        three_d_secure_usage: { supported: true },
        wallet: null,
      };
    else if (kind.type === 'sepa_debit')
      method.sepa_debit = {
        bank_code: '37040044',
        branch_code: '',
        country: 'DE',
        fingerprint,
        generated_from: { charge: null, setup_attempt: null },
        last4: kind.last4,
        ...details,
      };
    else
      method.us_bank_account = {
        account_holder_type: 'individual',
        account_type: 'checking',
        bank_name: 'STRIPE TEST BANK',
        financial_connections_account: null,
        fingerprint,
        last4: kind.last4,
        networks: { preferred: 'ach', supported: ['ach'] },
        routing_number: '110000000',
        status_details: {},
        ...details,
      };
    if (kind.fails) this.declining.add(id);
    this.paymentMethods.set(id, method);
    return method;
  }

  createPaymentMethod(p: FormObject): StripeObject {
    const type = str(p.type);
    if (!type) throw missingParam('type');
    if (type === 'card') {
      const card = (p.card ?? {}) as FormObject;
      const token = str(card.token);
      if (!token)
        throw invalidRequest(
          "Sending credit card numbers directly to the Stripe API is generally unsafe. Use a test token such as 'tok_visa' in card[token].",
          'card[token]',
        );
      const kind = TEST_TOKENS[token];
      if (!kind)
        throw invalidRequest(`No such token: '${token}'`, 'card[token]', 'resource_missing');
      return this.newPaymentMethod(kind, {}, p);
    }
    if (type === 'sepa_debit') {
      const iban = str(((p.sepa_debit ?? {}) as FormObject).iban)?.replace(/\s+/g, '');
      if (!iban) throw missingParam('sepa_debit[iban]');
      if (!/^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/.test(iban))
        throw invalidRequest(
          'The IBAN you entered is invalid.',
          'sepa_debit[iban]',
          'invalid_bank_account_iban',
        );
      return this.newPaymentMethod(
        { type: 'sepa_debit', last4: iban.slice(-4), fails: iban === FAILING_IBAN },
        { country: iban.slice(0, 2) },
        p,
      );
    }
    if (type === 'us_bank_account') {
      const bank = (p.us_bank_account ?? {}) as FormObject;
      const routing = str(bank.routing_number);
      const account = str(bank.account_number);
      if (!routing) throw missingParam('us_bank_account[routing_number]');
      if (!account) throw missingParam('us_bank_account[account_number]');
      if (!/^\d{9}$/.test(routing))
        throw invalidRequest(
          'Routing number must have 9 digits',
          'us_bank_account[routing_number]',
        );
      return this.newPaymentMethod(
        {
          type: 'us_bank_account',
          last4: account.slice(-4),
          fails: account === FAILING_US_ACCOUNT,
        },
        {
          routing_number: routing,
          account_holder_type: str(bank.account_holder_type) ?? 'individual',
        },
        p,
      );
    }
    throw invalidRequest(
      `Invalid type: must be one of card, sepa_debit, or us_bank_account (the emulator's)`,
      'type',
    );
  }

  paymentMethod(id: string, param = 'id'): StripeObject {
    const method = this.paymentMethods.get(id);
    if (!method) throw missing('PaymentMethod', id, param);
    return method;
  }

  attachPaymentMethod(id: string, p: FormObject, request: ApiRequest): StripeObject {
    const customerId = str(p.customer);
    if (!customerId) throw missingParam('customer');
    const customer = this.customer(customerId, 'customer');
    const test = TEST_PAYMENT_METHODS[id];
    const method = test ? this.newPaymentMethod(test, {}, {}) : this.paymentMethod(id);
    if (this.detached.has(method.id as string))
      throw invalidRequest(
        'This PaymentMethod was previously used without being attached to a Customer or was detached from a Customer, and may not be used again.',
        undefined,
        'payment_method_unexpected_state',
      );
    if (method.customer && method.customer !== customer.id)
      throw invalidRequest(
        'The payment method you provided has already been attached to a customer.',
        undefined,
        'payment_method_unexpected_state',
      );
    method.customer = customer.id;
    this.emit('payment_method.attached', method, request);
    return method;
  }

  detachPaymentMethod(id: string, request: ApiRequest): StripeObject {
    const method = this.paymentMethod(id);
    if (!method.customer)
      throw invalidRequest(
        'The payment method you provided is not attached to a customer so detachment is impossible.',
        undefined,
        'payment_method_unexpected_state',
      );
    const customer = this.customers.get(method.customer as string);
    method.customer = null;
    this.detached.add(id);
    this.emit('payment_method.detached', method, request);
    if (customer?.invoice_settings.default_payment_method === id) {
      customer.invoice_settings.default_payment_method = null;
      this.emit('customer.updated', customer, request);
    }
    return method;
  }

  listCustomerPaymentMethods(customerId: string, p: ListParams): StripeObject {
    this.customer(customerId);
    const type = str(p.type);
    return list(
      `/v1/customers/${customerId}/payment_methods`,
      [...this.paymentMethods.values()],
      p,
      (m) => m.customer === customerId && (type === undefined || m.type === type),
    );
  }

  private ownedPaymentMethod(customerId: string, id: string, param: string): StripeObject {
    const method = this.paymentMethods.get(id);
    if (!method || method.customer !== customerId)
      throw invalidRequest(
        `The customer does not have a payment method with the ID ${id}. The payment method must be attached to the customer.`,
        param,
        'resource_missing',
      );
    return method;
  }

  // ------------------------------------------------------------ invoice items

  createInvoiceItem(p: FormObject, request: ApiRequest): StripeObject {
    const customerId = str(p.customer);
    if (!customerId) throw missingParam('customer');
    const customer = this.customer(customerId, 'customer');
    const invoiceId = str(p.invoice);
    const invoice = invoiceId ? this.invoice(invoiceId, 'invoice') : undefined;
    if (invoice) {
      if (invoice.customer !== customer.id)
        throw invalidRequest(`The invoice ${invoice.id} belongs to another customer.`, 'invoice');
      this.draftOnly(invoice);
    }
    const currency =
      p.currency !== undefined
        ? currencyOf(p.currency)
        : ((invoice?.currency as string | undefined) ??
          (customer.currency as string | null) ??
          (() => {
            throw missingParam('currency');
          })());
    const amount = this.itemAmount(p, '');
    const item = this.newInvoiceItem(customer.id, amount, currency, p, invoice);
    this.emit('invoiceitem.created', item, request);
    if (invoice) {
      this.recompute(invoice);
      this.emit('invoice.updated', invoice, request);
    }
    return item;
  }

  /** `amount`, or `price_data[unit_amount]` × `quantity`; may be negative (a credit line). */
  private itemAmount(p: FormObject, prefix: string): number {
    if (p.amount !== undefined) return integer(p.amount, `${prefix}amount`, true);
    const price = p.price_data as FormObject | undefined;
    if (price && price.unit_amount !== undefined) {
      const quantity = p.quantity === undefined ? 1 : integer(p.quantity, `${prefix}quantity`);
      return integer(price.unit_amount, `${prefix}price_data[unit_amount]`, true) * quantity;
    }
    throw missingParam(`${prefix}amount`);
  }

  private newInvoiceItem(
    customerId: string,
    amount: number,
    currency: string,
    p: FormObject,
    invoice?: StripeObject,
  ): StripeObject {
    if (invoice && invoice.currency !== currency)
      throw invalidRequest(
        `The currency of the invoice item (${currency}) must match the currency of the invoice (${invoice.currency as string}).`,
        'currency',
      );
    const now = this.now();
    const item: StripeObject = {
      id: stripeId('ii'),
      object: 'invoiceitem',
      amount,
      currency,
      customer: customerId,
      date: now,
      description: str(p.description) ?? null,
      discountable: true,
      discounts: [],
      invoice: invoice?.id ?? null,
      livemode: false,
      metadata: metadataOf(p.metadata),
      net_amount: amount,
      parent: null,
      period: { end: now, start: now },
      pricing: null,
      proration: false,
      quantity: 1,
      tax_rates: [],
      test_clock: null,
    };
    this.invoiceItems.set(item.id, item);
    if (invoice) this.addLine(invoice, item);
    return item;
  }

  private addLine(invoice: StripeObject, item: StripeObject): void {
    invoice.lines.data.push({
      id: stripeId('il'),
      object: 'line_item',
      amount: item.amount,
      currency: item.currency,
      description: item.description,
      discount_amounts: [],
      discountable: true,
      discounts: [],
      invoice: invoice.id,
      livemode: false,
      metadata: item.metadata,
      parent: {
        type: 'invoice_item_details',
        invoice_item_details: { invoice_item: item.id, proration: false, subscription: null },
        subscription_item_details: null,
      },
      period: item.period,
      pretax_credit_amounts: [],
      pricing: null,
      quantity: 1,
      taxes: [],
    });
    invoice.lines.total_count = invoice.lines.data.length;
  }

  listInvoiceItems(p: ListParams): StripeObject {
    const customer = str(p.customer);
    const invoice = str(p.invoice);
    const pending = bool(p.pending, 'pending');
    return list(
      '/v1/invoiceitems',
      [...this.invoiceItems.values()],
      p,
      (i) =>
        (customer === undefined || i.customer === customer) &&
        (invoice === undefined || i.invoice === invoice) &&
        (pending === undefined || (i.invoice === null) === pending),
    );
  }

  // ----------------------------------------------------------------- invoices

  createInvoice(p: FormObject, request: ApiRequest): StripeObject {
    const customerId = str(p.customer);
    if (!customerId) throw missingParam('customer');
    const customer = this.customer(customerId, 'customer');
    const collection =
      oneOf(p.collection_method, ['charge_automatically', 'send_invoice'], 'collection_method') ??
      'charge_automatically';
    const days = optionalInteger(p.days_until_due, 'days_until_due');
    const dueDate = optionalInteger(p.due_date, 'due_date');
    if (collection === 'send_invoice' && days === undefined && dueDate === undefined)
      throw invalidRequest(
        'Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.',
        'days_until_due',
      );
    if (collection === 'charge_automatically' && (days !== undefined || dueDate !== undefined))
      throw invalidRequest(
        `You can only set \`${days !== undefined ? 'days_until_due' : 'due_date'}\` if \`collection_method\` is \`send_invoice\`.`,
        days !== undefined ? 'days_until_due' : 'due_date',
      );
    const pmId = str(p.default_payment_method) || null;
    if (pmId) this.ownedPaymentMethod(customer.id, pmId, 'default_payment_method');
    const settings = (p.payment_settings ?? {}) as FormObject;
    const types = settings.payment_method_types;
    const behavior =
      oneOf(
        p.pending_invoice_items_behavior,
        ['exclude', 'include'],
        'pending_invoice_items_behavior',
      ) ?? 'exclude';
    const currency =
      p.currency !== undefined
        ? currencyOf(p.currency)
        : ((customer.currency as string | null) ?? 'usd');
    const id = stripeId('in');
    const now = this.now();
    const invoice: StripeObject = {
      id,
      object: 'invoice',
      account_country: 'US',
      account_name: 'Rights Ledger (emulated)',
      amount_due: 0,
      amount_overpaid: 0,
      amount_paid: 0,
      amount_remaining: 0,
      amount_shipping: 0,
      attempt_count: 0,
      attempted: false,
      auto_advance: bool(p.auto_advance, 'auto_advance') ?? AUTO_ADVANCE_DEFAULT,
      automatically_finalizes_at: null,
      billing_reason: 'manual',
      collection_method: collection,
      created: now,
      currency,
      customer: customer.id,
      customer_address: customer.address,
      customer_email: customer.email,
      customer_name: customer.name,
      customer_tax_ids: [...this.taxIds.values()]
        .filter((t) => t.customer === customer.id)
        .map((t) => ({ type: t.type, value: t.value })),
      days_until_due: days ?? null,
      default_payment_method: pmId,
      description: str(p.description) ?? null,
      discounts: [],
      due_date: null,
      effective_at: null,
      ending_balance: null,
      footer: str(p.footer) ?? null,
      hosted_invoice_url: null,
      invoice_pdf: null,
      lines: emptyList(`/v1/invoices/${id}/lines`),
      livemode: false,
      metadata: metadataOf(p.metadata),
      next_payment_attempt: null,
      number: null,
      parent: null,
      payment_settings: {
        default_mandate: null,
        payment_method_options: null,
        payment_method_types: Array.isArray(types) ? types.map(String) : null,
      },
      payments: emptyList(`/v1/invoice_payments?invoice=${id}`),
      period_end: now,
      period_start: now,
      post_payment_credit_notes_amount: 0,
      pre_payment_credit_notes_amount: 0,
      starting_balance: 0,
      statement_descriptor: null,
      status: 'draft',
      status_transitions: {
        finalized_at: null,
        marked_uncollectible_at: null,
        paid_at: null,
        voided_at: null,
      },
      subtotal: 0,
      subtotal_excluding_tax: 0,
      test_clock: null,
      total: 0,
      total_excluding_tax: 0,
      total_taxes: [],
      webhooks_delivered_at: null,
    };
    this.dueDates.set(id, dueDate);
    if (behavior === 'include')
      for (const item of this.invoiceItems.values())
        if (item.customer === customer.id && item.invoice === null && item.currency === currency) {
          item.invoice = id;
          this.addLine(invoice, item);
        }
    this.recompute(invoice);
    this.invoices.set(id, invoice);
    this.emit('invoice.created', invoice, request);
    return invoice;
  }

  invoice(id: string, param = 'id'): StripeObject {
    const invoice = this.invoices.get(id);
    if (!invoice) throw missing('invoice', id, param);
    return invoice;
  }

  listInvoices(p: ListParams): StripeObject {
    const customer = str(p.customer);
    const status = str(p.status);
    const collection = str(p.collection_method);
    return list(
      '/v1/invoices',
      [...this.invoices.values()],
      p,
      (i) =>
        (customer === undefined || i.customer === customer) &&
        (status === undefined || i.status === status) &&
        (collection === undefined || i.collection_method === collection),
    );
  }

  listInvoiceLines(id: string, p: ListParams): StripeObject {
    const invoice = this.invoice(id);
    // Lines are oldest first on Stripe; `list` reverses, so hand it newest first.
    return list(`/v1/invoices/${id}/lines`, [...invoice.lines.data].reverse(), p, () => true);
  }

  /**
   * Updates an invoice: metadata, description, footer, auto_advance and default_payment_method
   * while it is draft or open; collection_method, days_until_due, due_date and currency only
   * while draft (Stripe's rule for finalized invoices).
   */
  updateInvoice(id: string, p: FormObject, request: ApiRequest): StripeObject {
    const invoice = this.invoice(id);
    if (invoice.status !== 'draft' && invoice.status !== 'open')
      throw invalidRequest(
        `You can only update draft or open invoices. This invoice is ${invoice.status as string}.`,
        undefined,
        'invoice_not_editable',
      );
    for (const param of ['collection_method', 'days_until_due', 'due_date', 'currency'])
      if (p[param] !== undefined && invoice.status !== 'draft')
        throw invalidRequest(
          `Finalized invoices can't be updated in this way: \`${param}\` can only be changed on a draft.`,
          param,
          'invoice_not_editable',
        );
    const collection =
      oneOf(p.collection_method, ['charge_automatically', 'send_invoice'], 'collection_method') ??
      (invoice.collection_method as string);
    const days =
      p.days_until_due === undefined
        ? (invoice.days_until_due as number | null)
        : (optionalInteger(p.days_until_due, 'days_until_due') ?? null);
    const dueDate =
      p.due_date === undefined ? this.dueDates.get(id) : optionalInteger(p.due_date, 'due_date');
    if (collection === 'send_invoice' && days === null && dueDate === undefined)
      throw invalidRequest(
        'Invoices with `collection_method=send_invoice` must have either `days_until_due` or `due_date` set.',
        'days_until_due',
      );
    const timing = p.days_until_due !== undefined ? 'days_until_due' : 'due_date';
    if (collection === 'charge_automatically' && p[timing] !== undefined && p[timing] !== '')
      throw invalidRequest(
        `You can only set \`${timing}\` if \`collection_method\` is \`send_invoice\`.`,
        timing,
      );
    const pmId =
      p.default_payment_method === undefined ? undefined : str(p.default_payment_method) || null;
    if (pmId) this.ownedPaymentMethod(invoice.customer as string, pmId, 'default_payment_method');
    const autoAdvance = bool(p.auto_advance, 'auto_advance');
    const currency = p.currency === undefined ? undefined : currencyOf(p.currency);
    if (currency && invoice.lines.data.length > 0 && currency !== invoice.currency)
      throw invalidRequest(
        'The currency of an invoice with lines cannot be changed.',
        'currency',
        'invoice_not_editable',
      );
    const metadata = mergeMetadata(invoice.metadata as Record<string, string>, p.metadata);
    invoice.collection_method = collection;
    invoice.days_until_due = collection === 'send_invoice' ? days : null;
    this.dueDates.set(id, collection === 'send_invoice' ? dueDate : undefined);
    if (pmId !== undefined) invoice.default_payment_method = pmId;
    if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
    if (currency) invoice.currency = currency;
    for (const field of ['description', 'footer'])
      if (p[field] !== undefined) invoice[field] = str(p[field]) || null;
    invoice.metadata = metadata;
    this.emit('invoice.updated', invoice, request);
    return invoice;
  }

  /** Deletes a draft invoice; its items go back to pending. */
  deleteInvoice(id: string, request: ApiRequest): StripeObject {
    const invoice = this.invoice(id);
    if (invoice.status !== 'draft')
      throw invalidRequest(
        'You can only delete draft invoices.',
        undefined,
        'invoice_not_editable',
      );
    this.invoices.delete(id);
    this.dueDates.delete(id);
    for (const item of this.invoiceItems.values()) if (item.invoice === id) item.invoice = null;
    this.emit('invoice.deleted', invoice, request);
    return { id, object: 'invoice', deleted: true };
  }

  private draftOnly(invoice: StripeObject): void {
    if (invoice.status !== 'draft')
      throw invalidRequest(
        `You can only modify draft invoices. This invoice (${invoice.id as string}) is ${invoice.status as string}.`,
        undefined,
        'invoice_not_editable',
      );
  }

  addLines(id: string, p: FormObject, request: ApiRequest): StripeObject {
    const invoice = this.invoice(id);
    this.draftOnly(invoice);
    const lines = p.lines;
    if (!Array.isArray(lines) || lines.length === 0) throw missingParam('lines');
    // Validate every line before adding any, so a bad line leaves the invoice as it was.
    const amounts = lines.map((line, n) => {
      if (typeof line !== 'object' || Array.isArray(line))
        throw invalidRequest('Invalid object', `lines[${n}]`);
      metadataOf(line.metadata);
      return this.itemAmount(line, `lines[${n}][`);
    });
    lines.forEach((line, n) => {
      const item = this.newInvoiceItem(
        invoice.customer as string,
        amounts[n],
        invoice.currency as string,
        line as FormObject,
        invoice,
      );
      this.emit('invoiceitem.created', item, request);
    });
    this.recompute(invoice);
    this.emit('invoice.updated', invoice, request);
    return invoice;
  }

  private recompute(invoice: StripeObject): void {
    const total = (invoice.lines.data as StripeObject[]).reduce(
      (sum, line) => sum + (line.amount as number),
      0,
    );
    invoice.subtotal = invoice.subtotal_excluding_tax = total;
    invoice.total = invoice.total_excluding_tax = total;
    if (invoice.status === 'draft') {
      invoice.amount_due = Math.max(total, 0);
      invoice.amount_remaining = invoice.amount_due;
    }
  }

  finalize(id: string, p: FormObject, request: ApiRequest, collect = true): StripeObject {
    const invoice = this.invoice(id);
    if (invoice.status !== 'draft')
      throw invalidRequest(
        "This invoice is already finalized, you can't re-finalize a non-draft invoice.",
        undefined,
        'invoice_not_editable',
      );
    const autoAdvance = bool(p.auto_advance, 'auto_advance');
    const customer = this.customer(invoice.customer as string);
    if (
      customer.currency &&
      customer.currency !== invoice.currency &&
      (invoice.total as number) < 0
    )
      throw invalidRequest(
        `The invoice's negative total cannot be credited: the customer's balance currency is ${customer.currency as string}.`,
        'currency',
      );
    if (autoAdvance !== undefined) invoice.auto_advance = autoAdvance;
    customer.currency ??= invoice.currency;
    const now = this.now();
    this.invoiceSequence += 1;
    invoice.number = `${(customer.invoice_prefix as string | null) ?? 'RL'}-${String(this.invoiceSequence).padStart(4, '0')}`;
    invoice.status = 'open';
    invoice.status_transitions.finalized_at = now;
    invoice.effective_at = now;
    if (invoice.collection_method === 'send_invoice')
      invoice.due_date =
        this.dueDates.get(invoice.id) ?? now + (invoice.days_until_due as number) * 86400;
    const base = this.baseUrl();
    invoice.hosted_invoice_url = `${base}/invoice/${invoice.id}`;
    invoice.invoice_pdf = `${base}/invoice/${invoice.id}/pdf`;
    invoice.customer_address = customer.address;
    invoice.customer_email = customer.email;
    invoice.customer_name = customer.name;

    // The customer's credit balance (negative) is applied up to the total, like Stripe; a
    // negative total is credited to the balance. A debit balance is left alone (simplified).
    const total = invoice.total as number;
    const currency = invoice.currency as string;
    const starting = customer.currency === currency ? (customer.balance as number) : 0;
    invoice.starting_balance = starting;
    let applied = 0;
    if (total < 0) applied = total;
    else if (starting < 0) applied = -Math.min(total, -starting);
    if (applied !== 0)
      this.changeBalance(customer, -applied, currency, 'applied_to_invoice', {
        invoice: invoice.id,
      });
    invoice.ending_balance = starting - applied;
    invoice.amount_due = Math.max(total + applied, 0);
    invoice.amount_remaining = invoice.amount_due;
    this.emit('invoice.finalized', invoice, request);
    if (applied !== 0) this.emit('customer.updated', customer, request);

    if (invoice.amount_due === 0) {
      this.markPaid(invoice, request, false);
      return invoice;
    }
    this.applyCash(invoice, request);
    if (invoice.status !== 'open') return invoice;
    if (invoice.collection_method === 'send_invoice') {
      if (invoice.auto_advance) this.emit('invoice.sent', invoice, request);
      return invoice;
    }
    if (collect && invoice.auto_advance) {
      // Stripe attempts payment about an hour after finalization; the emulator does it at once.
      const method = this.defaultMethod(invoice, customer);
      if (method && this.accepts(invoice, method.type as string))
        this.attempt(invoice, method, request);
    }
    return invoice;
  }

  private defaultMethod(invoice: StripeObject, customer: StripeObject): StripeObject | undefined {
    const id =
      (invoice.default_payment_method as string | null) ??
      (customer.invoice_settings.default_payment_method as string | null);
    return id ? this.paymentMethods.get(id) : undefined;
  }

  private accepts(invoice: StripeObject, type: string): boolean {
    const types = invoice.payment_settings.payment_method_types as string[] | null;
    return types === null || types.includes(type);
  }

  /** Charges amount_remaining with the method; on decline records the failed attempt. */
  private attempt(
    invoice: StripeObject,
    method: StripeObject,
    request: ApiRequest,
  ): { ok: true } | { ok: false; error: CardError } {
    const amount = invoice.amount_remaining as number;
    const charge = this.charge(invoice, method, amount, request);
    invoice.attempt_count = (invoice.attempt_count as number) + 1;
    invoice.attempted = true;
    if (charge.status !== 'succeeded') {
      this.emit('invoice.payment_failed', invoice, request);
      return {
        ok: false,
        error: new CardError(
          charge.failure_message as string,
          'generic_decline',
          charge.id,
          method,
        ),
      };
    }
    this.recordPayment(invoice, amount, { type: 'charge', charge: charge.id }, request);
    return { ok: true };
  }

  private charge(
    invoice: StripeObject,
    method: StripeObject,
    amount: number,
    request: ApiRequest,
  ): StripeObject {
    const declined = this.declining.has(method.id as string);
    const id = stripeId('ch');
    const charge: StripeObject = {
      id,
      object: 'charge',
      amount,
      amount_captured: declined ? 0 : amount,
      amount_refunded: 0,
      balance_transaction: null,
      billing_details: method.billing_details,
      captured: !declined,
      created: this.now(),
      currency: invoice.currency,
      customer: invoice.customer,
      description: invoice.number ? `Invoice ${invoice.number as string}` : null,
      disputed: false,
      failure_code: declined ? 'card_declined' : null,
      failure_message: declined ? 'Your card was declined.' : null,
      livemode: false,
      metadata: {},
      outcome: {
        network_status: declined ? 'declined_by_network' : 'approved_by_network',
        reason: declined ? 'generic_decline' : null,
        risk_level: 'normal',
        seller_message: declined
          ? 'The bank did not return any further details with this decline.'
          : 'Payment complete.',
        type: declined ? 'issuer_declined' : 'authorized',
      },
      paid: !declined,
      payment_intent: stripeId('pi'),
      payment_method: method.id,
      payment_method_details: {
        type: method.type,
        [method.type as string]: method[method.type as string],
      },
      receipt_url: null,
      refunded: false,
      refunds: emptyList(`/v1/charges/${id}/refunds`),
      status: declined ? 'failed' : 'succeeded',
    };
    this.charges.set(id, charge);
    this.emit(declined ? 'charge.failed' : 'charge.succeeded', charge, request);
    return charge;
  }

  /** An invoice payment of `amount`; the invoice is paid when nothing remains. */
  private recordPayment(
    invoice: StripeObject,
    amount: number,
    payment: StripeObject,
    request: ApiRequest,
  ): void {
    const now = this.now();
    const inpay: StripeObject = {
      id: stripeId('inpay'),
      object: 'invoice_payment',
      amount_paid: amount,
      amount_requested: amount,
      created: now,
      currency: invoice.currency,
      invoice: invoice.id,
      is_default: invoice.payments.data.length === 0,
      livemode: false,
      payment,
      status: 'paid',
      status_transitions: { canceled_at: null, paid_at: now },
    };
    this.invoicePayments.set(inpay.id, inpay);
    invoice.payments.data.unshift(inpay);
    invoice.payments.total_count = invoice.payments.data.length;
    invoice.amount_paid = (invoice.amount_paid as number) + amount;
    invoice.amount_remaining = (invoice.amount_remaining as number) - amount;
    this.emit('invoice_payment.paid', inpay, request);
    if (invoice.amount_remaining === 0) this.markPaid(invoice, request, true);
    else this.emit('invoice.updated', invoice, request);
  }

  private markPaid(invoice: StripeObject, request: ApiRequest, withPayment: boolean): void {
    invoice.status = 'paid';
    invoice.amount_remaining = 0;
    invoice.next_payment_attempt = null;
    invoice.auto_advance = false;
    invoice.status_transitions.paid_at = this.now();
    if (withPayment) this.emit('invoice.payment_succeeded', invoice, request);
    this.emit('invoice.paid', invoice, request);
  }

  pay(id: string, p: FormObject, request: ApiRequest): StripeObject {
    let invoice = this.invoice(id);
    if (invoice.status === 'paid') throw invalidRequest('Invoice is already paid');
    if (invoice.status === 'void')
      throw invalidRequest(
        'This invoice has been voided and can no longer be paid.',
        undefined,
        'invoice_not_editable',
      );
    const outOfBand = bool(p.paid_out_of_band, 'paid_out_of_band');
    const pmId = str(p.payment_method);
    const customer = this.customer(invoice.customer as string);
    const method = pmId ? this.ownedPaymentMethod(customer.id, pmId, 'payment_method') : undefined;
    // Paying a draft finalizes it first, without the automatic attempt.
    if (invoice.status === 'draft') invoice = this.finalize(id, {}, request, false);
    if ((invoice.status as string) === 'paid') return invoice;
    if (outOfBand) {
      invoice.amount_paid_off_stripe = invoice.amount_remaining;
      this.markPaid(invoice, request, false);
      return invoice;
    }
    const chosen = method ?? this.defaultMethod(invoice, customer);
    if (!chosen)
      throw invalidRequest(
        'This customer has no attached payment source or default payment method. Please consider adding a default payment method.',
      );
    const result = this.attempt(invoice, chosen, request);
    if (!result.ok) throw result.error;
    return invoice;
  }

  send(id: string, request: ApiRequest): StripeObject {
    let invoice = this.invoice(id);
    if (invoice.collection_method !== 'send_invoice')
      throw invalidRequest(
        'You can only send invoices with `collection_method=send_invoice`.',
        undefined,
        'invoice_not_editable',
      );
    if (invoice.status === 'draft') invoice = this.finalize(id, { auto_advance: 'false' }, request);
    if (invoice.status !== 'open')
      throw invalidRequest(
        `You can only send an open invoice. This invoice is ${invoice.status as string}.`,
      );
    this.emit('invoice.sent', invoice, request);
    return invoice;
  }

  void(id: string, request: ApiRequest): StripeObject {
    const invoice = this.invoice(id);
    if (invoice.status !== 'open' && invoice.status !== 'uncollectible')
      throw invalidRequest(
        `You can only pass in open or uncollectible invoices. This invoice is ${invoice.status as string}.`,
        undefined,
        'invoice_not_editable',
      );
    invoice.status = 'void';
    invoice.auto_advance = false;
    invoice.next_payment_attempt = null;
    invoice.status_transitions.voided_at = this.now();
    const applied = (invoice.starting_balance as number) - (invoice.ending_balance as number);
    let customer: StripeObject | undefined;
    if (applied !== 0) {
      // Stripe gives back the balance the invoice consumed.
      customer = this.customer(invoice.customer as string);
      this.changeBalance(customer, applied, invoice.currency as string, 'unapplied_from_invoice', {
        invoice: invoice.id,
      });
    }
    this.emit('invoice.voided', invoice, request);
    if (customer) this.emit('customer.updated', customer, request);
    return invoice;
  }

  markUncollectible(id: string, request: ApiRequest): StripeObject {
    const invoice = this.invoice(id);
    if (invoice.status !== 'open')
      throw invalidRequest(
        `You can only mark open invoices as uncollectible. This invoice is ${invoice.status as string}.`,
        undefined,
        'invoice_not_editable',
      );
    invoice.status = 'uncollectible';
    invoice.auto_advance = false;
    invoice.status_transitions.marked_uncollectible_at = this.now();
    this.emit('invoice.marked_uncollectible', invoice, request);
    return invoice;
  }

  listInvoicePayments(p: ListParams): StripeObject {
    const invoice = str(p.invoice);
    const status = str(p.status);
    return list(
      '/v1/invoice_payments',
      [...this.invoicePayments.values()],
      p,
      (i) =>
        (invoice === undefined || i.invoice === invoice) &&
        (status === undefined || i.status === status),
    );
  }

  invoicePayment(id: string): StripeObject {
    const inpay = this.invoicePayments.get(id);
    if (!inpay) throw missing('invoice_payment', id);
    return inpay;
  }

  /** Every open send_invoice invoice past its due date emits invoice.overdue once. */
  tick(request: ApiRequest): void {
    const now = this.now();
    for (const invoice of this.invoices.values())
      if (
        invoice.status === 'open' &&
        invoice.collection_method === 'send_invoice' &&
        invoice.due_date !== null &&
        (invoice.due_date as number) < now &&
        !this.overdue.has(invoice.id as string)
      ) {
        this.overdue.add(invoice.id as string);
        this.emit('invoice.overdue', invoice, request);
      }
  }

  // ------------------------------------------------------------ cash balance

  private cashOf(customerId: string): Map<string, number> {
    let cash = this.cash.get(customerId);
    if (!cash) this.cash.set(customerId, (cash = new Map()));
    return cash;
  }

  private cashTransaction(
    customerId: string,
    currency: string,
    net: number,
    type: 'funded' | 'applied_to_payment',
    details: StripeObject,
  ): StripeObject {
    const cash = this.cashOf(customerId);
    cash.set(currency, (cash.get(currency) ?? 0) + net);
    const txn: StripeObject = {
      id: stripeId('ccsbtxn'),
      object: 'customer_cash_balance_transaction',
      created: this.now(),
      currency,
      customer: customerId,
      customer_account: null,
      ending_balance: cash.get(currency),
      livemode: false,
      net_amount: net,
      type,
      [type]: details,
    };
    this.cashBalanceTransactions.push(txn);
    return txn;
  }

  /** Stripe's test helper: a bank transfer lands on the customer's cash balance. */
  fundCashBalance(customerId: string, p: FormObject, request: ApiRequest): StripeObject {
    const customer = this.customer(customerId);
    const amount = positiveInteger(p.amount, 'amount');
    const currency = currencyOf(p.currency);
    const reference = str(p.reference) ?? stripeId('ref', 10).slice(4);
    const txn = this.cashTransaction(customer.id, currency, amount, 'funded', {
      bank_transfer: {
        eu_bank_transfer:
          currency === 'eur'
            ? { bic: 'BYLADEM1001', iban_last4: '1234', sender_name: customer.name }
            : undefined,
        reference,
        type:
          currency === 'eur'
            ? 'eu_bank_transfer'
            : currency === 'gbp'
              ? 'gb_bank_transfer'
              : 'us_bank_transfer',
      },
    });
    this.emit('customer_cash_balance_transaction.created', txn, request);
    this.emit('cash_balance.funds_available', this.cashBalance(customer.id), request);
    const snapshot = structuredClone(txn);
    for (const invoice of this.invoices.values())
      if (invoice.customer === customer.id && invoice.status === 'open')
        this.applyCash(invoice, request);
    return snapshot;
  }

  /** Applies the customer's cash (in the invoice's currency) to an invoice that accepts it. */
  private applyCash(invoice: StripeObject, request: ApiRequest): void {
    const types = invoice.payment_settings.payment_method_types as string[] | null;
    if (!types?.includes('customer_balance')) return;
    const currency = invoice.currency as string;
    const available = this.cashOf(invoice.customer as string).get(currency) ?? 0;
    const amount = Math.min(available, invoice.amount_remaining as number);
    if (amount <= 0) return;
    const paymentIntent = stripeId('pi');
    const txn = this.cashTransaction(
      invoice.customer as string,
      currency,
      -amount,
      'applied_to_payment',
      {
        payment_intent: paymentIntent,
      },
    );
    this.emit('customer_cash_balance_transaction.created', txn, request);
    this.recordPayment(
      invoice,
      amount,
      { type: 'payment_intent', payment_intent: paymentIntent },
      request,
    );
  }

  cashBalance(customerId: string): StripeObject {
    this.customer(customerId);
    return {
      object: 'cash_balance',
      available: Object.fromEntries(this.cashOf(customerId)),
      customer: customerId,
      customer_account: null,
      livemode: false,
      settings: { reconciliation_mode: 'automatic', using_merchant_default: true },
    };
  }

  listCashBalanceTransactions(customerId: string, p: ListParams): StripeObject {
    this.customer(customerId);
    return list(
      `/v1/customers/${customerId}/cash_balance_transactions`,
      this.cashBalanceTransactions,
      p,
      (t) => t.customer === customerId,
    );
  }

  // ------------------------------------------------------- charges and refunds

  chargeById(id: string, param = 'id'): StripeObject {
    const charge = this.charges.get(id);
    if (!charge) throw missing('charge', id, param);
    return charge;
  }

  listCharges(p: ListParams): StripeObject {
    const customer = str(p.customer);
    const pi = str(p.payment_intent);
    return list(
      '/v1/charges',
      [...this.charges.values()],
      p,
      (c) =>
        (customer === undefined || c.customer === customer) &&
        (pi === undefined || c.payment_intent === pi),
    );
  }

  createRefund(p: FormObject, request: ApiRequest): StripeObject {
    const chargeId = str(p.charge);
    const pi = str(p.payment_intent);
    if (!chargeId && !pi)
      throw invalidRequest(
        'One of the following params should be provided for this request: payment_intent or charge.',
      );
    const charge = chargeId
      ? this.chargeById(chargeId, 'charge')
      : [...this.charges.values()].find((c) => c.payment_intent === pi && c.status === 'succeeded');
    if (!charge) throw missing('payment_intent', pi!, 'payment_intent');
    const amount = p.amount === undefined ? undefined : positiveInteger(p.amount, 'amount');
    return this.refund(
      charge,
      amount,
      { metadata: metadataOf(p.metadata), reason: str(p.reason) ?? null },
      request,
    );
  }

  private refund(
    charge: StripeObject,
    requested: number | undefined,
    extra: { metadata?: object; reason?: string | null },
    request: ApiRequest,
  ): StripeObject {
    const currency = charge.currency as string;
    const left = (charge.amount_captured as number) - (charge.amount_refunded as number);
    if (charge.status !== 'succeeded')
      throw invalidRequest(
        `Charge ${charge.id as string} has not succeeded and cannot be refunded.`,
        'charge',
      );
    if (left === 0)
      throw invalidRequest(
        `Charge ${charge.id as string} has already been refunded.`,
        'charge',
        'charge_already_refunded',
      );
    const amount = requested ?? left;
    if (amount > left)
      throw invalidRequest(
        `Refund amount (${money(amount, currency)}) is greater than unrefunded amount on charge (${money(left, currency)})`,
        'amount',
      );
    const refund: StripeObject = {
      id: stripeId('re'),
      object: 'refund',
      amount,
      balance_transaction: null,
      charge: charge.id,
      created: this.now(),
      currency,
      destination_details: null,
      metadata: extra.metadata ?? {},
      payment_intent: charge.payment_intent,
      reason: extra.reason ?? null,
      receipt_number: null,
      source_transfer_reversal: null,
      status: 'succeeded',
      transfer_reversal: null,
    };
    this.refunds.set(refund.id, refund);
    charge.amount_refunded = (charge.amount_refunded as number) + amount;
    charge.refunded = charge.amount_refunded === charge.amount_captured;
    charge.refunds.data.unshift(refund);
    charge.refunds.total_count = charge.refunds.data.length;
    this.emit('charge.refunded', charge, request);
    this.emit('refund.created', refund, request);
    return refund;
  }

  refundById(id: string): StripeObject {
    const refund = this.refunds.get(id);
    if (!refund) throw missing('refund', id);
    return refund;
  }

  listRefunds(p: ListParams): StripeObject {
    const charge = str(p.charge);
    return list('/v1/refunds', [...this.refunds.values()], p, (r) =>
      charge === undefined ? true : r.charge === charge,
    );
  }

  // ------------------------------------------------------------- credit notes

  private invoiceCharges(invoice: StripeObject): StripeObject[] {
    return (invoice.payments.data as StripeObject[])
      .filter((inpay) => inpay.payment.type === 'charge')
      .map((inpay) => this.charges.get(inpay.payment.charge as string)!)
      .reverse();
  }

  createCreditNote(p: FormObject, request: ApiRequest): StripeObject {
    const invoiceId = str(p.invoice);
    if (!invoiceId) throw missingParam('invoice');
    const invoice = this.invoice(invoiceId, 'invoice');
    if (invoice.status !== 'open' && invoice.status !== 'paid')
      throw invalidRequest(
        `Credit notes can only be created on open or paid invoices; this invoice is ${invoice.status as string}.`,
        'invoice',
      );
    const currency = invoice.currency as string;
    // Lines: custom lines (unit_amount × quantity) or invoice lines (amount).
    const lineInputs = p.lines === undefined ? [] : Array.isArray(p.lines) ? p.lines : null;
    if (lineInputs === null) throw invalidRequest('Invalid array', 'lines');
    const lines = lineInputs.map((raw, n) => {
      const line = raw as FormObject;
      const type = oneOf(line.type, ['custom_line_item', 'invoice_line_item'], `lines[${n}][type]`);
      if (!type) throw missingParam(`lines[${n}][type]`);
      const quantity =
        line.quantity === undefined ? 1 : integer(line.quantity, `lines[${n}][quantity]`);
      const amount =
        line.amount !== undefined
          ? integer(line.amount, `lines[${n}][amount]`)
          : integer(line.unit_amount, `lines[${n}][unit_amount]`) * quantity;
      return {
        id: stripeId('cnli'),
        object: 'credit_note_line_item',
        amount,
        description: str(line.description) ?? null,
        discount_amount: 0,
        discount_amounts: [],
        invoice_line_item: str(line.invoice_line_item) ?? null,
        livemode: false,
        metadata: metadataOf(line.metadata),
        pretax_credit_amounts: [],
        quantity,
        tax_rates: [],
        taxes: [],
        type,
        unit_amount: line.unit_amount === undefined ? null : amount / quantity,
      };
    });
    const linesTotal = lines.reduce((s, l) => s + l.amount, 0);
    const refundAmount = optionalInteger(p.refund_amount, 'refund_amount') ?? 0;
    const creditAmount = optionalInteger(p.credit_amount, 'credit_amount') ?? 0;
    const oobAmount = optionalInteger(p.out_of_band_amount, 'out_of_band_amount') ?? 0;
    const splitGiven =
      p.refund_amount !== undefined ||
      p.credit_amount !== undefined ||
      p.out_of_band_amount !== undefined;
    const split = refundAmount + creditAmount + oobAmount;
    let amount: number;
    if (p.amount !== undefined) amount = positiveInteger(p.amount, 'amount');
    else if (lines.length > 0) amount = linesTotal;
    else if (splitGiven) amount = split;
    else
      throw invalidRequest(
        'You must pass either `amount` or `lines` to create a credit note.',
        'amount',
      );
    if (lines.length > 0 && linesTotal !== amount)
      throw invalidRequest(
        `The credit note amount (${amount}) must equal the sum of its lines (${linesTotal}).`,
        'amount',
      );
    if (amount <= 0)
      throw invalidRequest('The credit note amount must be greater than 0.', 'amount');
    const post = invoice.status === 'paid';
    if ((splitGiven || post) && split !== amount)
      throw invalidRequest(
        `The sum of credit amount, refund amount and out of band amount (${split}) must equal the credit note amount (${amount}).`,
        'amount',
      );
    const credited = [...this.creditNotes.values()]
      .filter((cn) => cn.invoice === invoice.id && cn.status === 'issued')
      .reduce((s, cn) => s + (cn.amount as number), 0);
    const creditable = (invoice.total as number) - credited;
    if (amount > creditable)
      throw invalidRequest(
        `The credit note amount (${amount}) exceeds the amount that can still be credited on invoice ${invoice.id as string} (${creditable}).`,
        'amount',
      );
    if (!post && amount > (invoice.amount_remaining as number))
      throw invalidRequest(
        `The pre-payment credit note amount (${amount}) exceeds the amount remaining on the invoice (${invoice.amount_remaining as number}).`,
        'amount',
      );
    if (!post && refundAmount > 0)
      throw invalidRequest('Refunds can only be issued on paid invoices.', 'refund_amount');
    const charges = this.invoiceCharges(invoice);
    const refundable = charges.reduce(
      (s, c) => s + (c.amount_captured as number) - (c.amount_refunded as number),
      0,
    );
    if (refundAmount > refundable)
      throw invalidRequest(
        `The refund amount (${refundAmount}) exceeds the amount that can be refunded on invoice ${invoice.id as string} (${refundable}).`,
        'refund_amount',
      );
    const customer = this.customer(invoice.customer as string);
    if (creditAmount > 0 && customer.currency && customer.currency !== currency)
      throw invalidRequest(
        `The currency ${currency} does not match the customer's balance currency (${customer.currency as string}).`,
        'credit_amount',
      );

    const id = stripeId('cn');
    const count = [...this.creditNotes.values()].filter((cn) => cn.invoice === invoice.id).length;
    const refunds: StripeObject[] = [];
    let toRefund = refundAmount;
    for (const charge of charges) {
      const left = (charge.amount_captured as number) - (charge.amount_refunded as number);
      const part = Math.min(left, toRefund);
      if (part <= 0) continue;
      const refund = this.refund(charge, part, { metadata: { credit_note: id } }, request);
      refunds.push({ amount_refunded: part, refund: refund.id, type: 'refund' });
      toRefund -= part;
    }
    let balanceTxn: StripeObject | undefined;
    if (creditAmount > 0) {
      balanceTxn = this.changeBalance(customer, -creditAmount, currency, 'credit_note', {
        credit_note: id,
        invoice: invoice.id,
      });
      this.emit('customer.updated', customer, request);
    }
    const base = this.baseUrl();
    const creditNote: StripeObject = {
      id,
      object: 'credit_note',
      amount,
      amount_shipping: 0,
      created: this.now(),
      currency,
      customer: customer.id,
      customer_account: null,
      customer_balance_transaction: balanceTxn?.id ?? null,
      discount_amount: 0,
      discount_amounts: [],
      effective_at: this.now(),
      invoice: invoice.id,
      lines: {
        object: 'list',
        data: lines,
        has_more: false,
        total_count: lines.length,
        url: `/v1/credit_notes/${id}/lines`,
      },
      livemode: false,
      memo: str(p.memo) ?? null,
      metadata: metadataOf(p.metadata),
      number: `${invoice.number as string}-CN-${String(count + 1).padStart(2, '0')}`,
      out_of_band_amount: oobAmount || null,
      pdf: `${base}/credit_note/${id}/pdf`,
      post_payment_amount: post ? amount : 0,
      pre_payment_amount: post ? 0 : amount,
      pretax_credit_amounts: [],
      reason:
        oneOf(
          p.reason,
          ['duplicate', 'fraudulent', 'order_change', 'product_unsatisfactory'],
          'reason',
        ) ?? null,
      refunds,
      shipping_cost: null,
      status: 'issued',
      subtotal: amount,
      subtotal_excluding_tax: amount,
      total: amount,
      total_excluding_tax: amount,
      total_taxes: [],
      type: post ? 'post_payment' : 'pre_payment',
      voided_at: null,
    };
    this.creditNotes.set(id, creditNote);
    this.emit('credit_note.created', creditNote, request);
    if (post) {
      invoice.post_payment_credit_notes_amount =
        (invoice.post_payment_credit_notes_amount as number) + amount;
      this.emit('invoice.updated', invoice, request);
    } else {
      invoice.pre_payment_credit_notes_amount =
        (invoice.pre_payment_credit_notes_amount as number) + amount;
      invoice.amount_due = (invoice.amount_due as number) - amount;
      invoice.amount_remaining = (invoice.amount_remaining as number) - amount;
      if (invoice.amount_remaining === 0) this.markPaid(invoice, request, false);
      else this.emit('invoice.updated', invoice, request);
    }
    return creditNote;
  }

  creditNote(id: string): StripeObject {
    const creditNote = this.creditNotes.get(id);
    if (!creditNote) throw missing('credit_note', id);
    return creditNote;
  }

  listCreditNotes(p: ListParams): StripeObject {
    const invoice = str(p.invoice);
    const customer = str(p.customer);
    return list(
      '/v1/credit_notes',
      [...this.creditNotes.values()],
      p,
      (cn) =>
        (invoice === undefined || cn.invoice === invoice) &&
        (customer === undefined || cn.customer === customer),
    );
  }

  stats(): StripeObject {
    const invoicesByStatus: Record<string, number> = {};
    for (const invoice of this.invoices.values())
      invoicesByStatus[invoice.status as string] =
        (invoicesByStatus[invoice.status as string] ?? 0) + 1;
    return {
      customers: this.customers.size,
      invoices: this.invoices.size,
      invoicesByStatus,
      creditNotes: this.creditNotes.size,
      refunds: this.refunds.size,
      charges: this.charges.size,
    };
  }
}

// -------------------------------------------------------------- documents

/** A one-page PDF (valid: objects, xref with byte offsets, trailer) showing a few lines. */
export function tinyPdf(lines: string[]): Buffer {
  const escape = (s: string) => s.replace(/[\\()]/g, (c) => `\\${c}`).replace(/[^\x20-\x7e]/g, '?');
  const text = lines
    .map((line, i) => `BT /F1 14 Tf 72 ${760 - i * 22} Td (${escape(line)}) Tj ET`)
    .join('\n');
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${Buffer.byteLength(text, 'latin1')} >>\nstream\n${text}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const offset of offsets) out += `${String(offset).padStart(10, '0')} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

const formatAmount = (amount: number, currency: string) =>
  `${(amount / 100).toFixed(2)} ${currency.toUpperCase()}`;

/** The hosted invoice page, the invoice PDF and the credit note PDF the URLs point at. */
export function billingDocument(
  billing: BillingState,
  path: string,
): { status: number; type: string; body: string | Buffer } | undefined {
  const invoiceMatch = /^\/invoice\/([^/]+)(\/pdf)?$/.exec(path);
  if (invoiceMatch) {
    const invoice = billing.invoices.get(invoiceMatch[1]);
    if (!invoice || invoice.status === 'draft')
      return { status: 404, type: 'text/plain', body: 'Not found' };
    const lines = [
      `Invoice ${invoice.number as string}`,
      `Status: ${invoice.status as string}`,
      `Total: ${formatAmount(invoice.total as number, invoice.currency as string)}`,
      `Amount due: ${formatAmount(invoice.amount_due as number, invoice.currency as string)}`,
      `Amount remaining: ${formatAmount(invoice.amount_remaining as number, invoice.currency as string)}`,
    ];
    if (invoiceMatch[2]) return { status: 200, type: 'application/pdf', body: tinyPdf(lines) };
    const html = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
    return {
      status: 200,
      type: 'text/html; charset=utf-8',
      body: `<!doctype html><html><head><meta charset="utf-8"><title>${html(lines[0])}</title></head><body><h1>${html(lines[0])}</h1>${lines
        .slice(1)
        .map((l) => `<p>${html(l)}</p>`)
        .join(
          '',
        )}<p><a href="${html(invoice.invoice_pdf as string)}">Download PDF</a></p></body></html>`,
    };
  }
  const creditMatch = /^\/credit_note\/([^/]+)\/pdf$/.exec(path);
  if (creditMatch) {
    const cn = billing.creditNotes.get(creditMatch[1]);
    if (!cn) return { status: 404, type: 'text/plain', body: 'Not found' };
    return {
      status: 200,
      type: 'application/pdf',
      body: tinyPdf([
        `Credit note ${cn.number as string}`,
        `Invoice: ${cn.invoice as string}`,
        `Amount: ${formatAmount(cn.amount as number, cn.currency as string)}`,
      ]),
    };
  }
  return undefined;
}
