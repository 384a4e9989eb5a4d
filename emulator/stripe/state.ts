import { invalidRequest, missing, StripeApiError } from './errors';
import { FormObject, FormValue } from './form-encoding';
import { stripeId } from './ids';

/* eslint-disable @typescript-eslint/no-explicit-any -- Stripe objects are open JSON (see eslint.config.mjs) */
export type StripeObject = Record<string, any>;

export interface EventSink {
  (type: string, object: StripeObject, request: { id: string; idempotencyKey?: string }): void;
}

export interface ListParams {
  limit?: FormValue;
  starting_after?: FormValue;
  created?: FormValue;
  [key: string]: FormValue | undefined;
}

export const str = (value: FormValue | undefined): string | undefined =>
  typeof value === 'string' ? value : undefined;

export function metadataOf(value: FormValue | undefined): Record<string, string> {
  if (value === undefined || value === '') return {};
  if (typeof value !== 'object' || Array.isArray(value))
    throw invalidRequest('Invalid object', 'metadata');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    if (typeof v !== 'string') throw invalidRequest('Invalid metadata value', `metadata[${k}]`);
    out[k] = v;
  }
  return out;
}

export function positiveInteger(value: FormValue | undefined, param: string): number {
  const text = str(value);
  if (text === undefined)
    throw invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(Number(text)) || Number(text) < 1)
    throw invalidRequest(`Invalid positive integer`, param);
  return Number(text);
}

function createdFilter(value: FormValue | undefined): (created: number) => boolean {
  if (value === undefined) return () => true;
  if (typeof value === 'string') return (c) => c === Number(value);
  if (Array.isArray(value)) throw invalidRequest('Invalid created filter', 'created');
  const bound = (k: string) => (typeof value[k] === 'string' ? Number(value[k]) : undefined);
  const [gt, gte, lt, lte] = [bound('gt'), bound('gte'), bound('lt'), bound('lte')];
  return (c) =>
    (gt === undefined || c > gt) &&
    (gte === undefined || c >= gte) &&
    (lt === undefined || c < lt) &&
    (lte === undefined || c <= lte);
}

/** Newest first, `starting_after` cursor, `limit` 1–100 (default 10), like Stripe's lists. */
export function list(
  url: string,
  all: StripeObject[],
  params: ListParams,
  keep: (o: StripeObject) => boolean,
) {
  const limitText = str(params.limit);
  const limit = limitText === undefined ? 10 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw invalidRequest('This value must be between 1 and 100.', 'limit');
  const created = createdFilter(params.created);
  let rows = all.filter((o) => keep(o) && created(o.created as number)).reverse();
  const after = str(params.starting_after);
  if (after) {
    const at = rows.findIndex((o) => o.id === after);
    if (at < 0) throw missing('object', after, 'starting_after');
    rows = rows.slice(at + 1);
  }
  return { object: 'list', data: rows.slice(0, limit), has_more: rows.length > limit, url };
}

/** The emulated platform account: connected accounts, transfers, reversals, balance. */
export class StripeState {
  readonly accounts = new Map<string, StripeObject>();
  readonly transfers = new Map<string, StripeObject>();
  readonly balanceTransactions: StripeObject[] = [];
  /** Available balance per lowercase currency, in the smallest unit. */
  readonly balance = new Map<string, number>();

  constructor(
    private readonly emit: EventSink,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  private created(): number {
    return this.nowSeconds();
  }

  createAccount(p: FormObject, request: { id: string; idempotencyKey?: string }): StripeObject {
    const type = str(p.type) ?? 'standard';
    if (!['standard', 'express', 'custom'].includes(type))
      throw invalidRequest(`Invalid type: must be one of standard, express, or custom`, 'type');
    const capabilities = (p.capabilities ?? {}) as FormObject;
    const account: StripeObject = {
      id: stripeId('acct', 16),
      object: 'account',
      type,
      country: str(p.country) ?? 'US',
      email: str(p.email) ?? null,
      created: this.created(),
      charges_enabled: false,
      payouts_enabled: false,
      details_submitted: false,
      capabilities: Object.fromEntries(Object.keys(capabilities).map((c) => [c, 'inactive'])),
      requirements: {
        currently_due: ['external_account', 'tos_acceptance.date', 'tos_acceptance.ip'],
        disabled_reason: 'requirements.past_due',
      },
      metadata: metadataOf(p.metadata),
    };
    this.accounts.set(account.id, account);
    this.emit('account.created', account, request);
    return account;
  }

  account(id: string): StripeObject {
    const account = this.accounts.get(id);
    if (!account) throw missing('account', id, 'account');
    return account;
  }

  /** What finishing (or losing) onboarding does: transfers capability and payouts on or off. */
  setOnboarded(id: string, enabled: boolean, request: { id: string }): StripeObject {
    const account = this.account(id);
    account.details_submitted = enabled || account.details_submitted;
    account.payouts_enabled = enabled;
    account.charges_enabled = enabled;
    for (const capability of Object.keys(account.capabilities as object))
      account.capabilities[capability] = enabled ? 'active' : 'inactive';
    account.requirements = enabled
      ? { currently_due: [], disabled_reason: null }
      : { currently_due: ['external_account'], disabled_reason: 'requirements.past_due' };
    this.emit('account.updated', account, request);
    return account;
  }

  createAccountLink(p: FormObject, baseUrl: string): StripeObject {
    const accountId = str(p.account);
    if (!accountId)
      throw invalidRequest('Missing required param: account.', 'account', 'parameter_missing');
    for (const param of ['type', 'refresh_url', 'return_url'])
      if (!str(p[param]))
        throw invalidRequest(`Missing required param: ${param}.`, param, 'parameter_missing');
    this.account(accountId);
    const created = this.created();
    return {
      object: 'account_link',
      created,
      expires_at: created + 300,
      url: `${baseUrl}/setup/e/${accountId}/${stripeId('link', 12).slice(5)}`,
    };
  }

  createTransfer(p: FormObject, request: { id: string; idempotencyKey?: string }): StripeObject {
    const amount = positiveInteger(p.amount, 'amount');
    const currency = str(p.currency)?.toLowerCase();
    if (!currency || !/^[a-z]{3}$/.test(currency))
      throw invalidRequest('Missing required param: currency.', 'currency', 'parameter_missing');
    const destinationId = str(p.destination);
    if (!destinationId)
      throw invalidRequest(
        'Missing required param: destination.',
        'destination',
        'parameter_missing',
      );
    const destination = this.accounts.get(destinationId);
    if (!destination)
      throw invalidRequest(
        `No such destination: '${destinationId}'`,
        'destination',
        'resource_missing',
      );
    if (destination.capabilities?.transfers !== 'active')
      throw invalidRequest(
        'Your destination account needs to have at least one of the following capabilities enabled: transfers, crypto_transfers, legacy_payments',
        'destination',
        'insufficient_capabilities_for_transfer',
      );
    const available = this.balance.get(currency) ?? 0;
    if (available < amount)
      throw invalidRequest(
        'You have insufficient available funds in your Stripe account. Try adding funds directly to your available balance by creating Top-ups.',
        undefined,
        'balance_insufficient',
      );
    this.balance.set(currency, available - amount);
    const created = this.created();
    const id = stripeId('tr');
    const txn = this.balanceTransaction(-amount, currency, created, 'transfer', 'transfer', id);
    const transfer: StripeObject = {
      id,
      object: 'transfer',
      amount,
      amount_reversed: 0,
      balance_transaction: txn.id,
      created,
      currency,
      description: str(p.description) ?? null,
      destination: destinationId,
      destination_payment: stripeId('py'),
      livemode: false,
      metadata: metadataOf(p.metadata),
      reversals: {
        object: 'list',
        data: [],
        has_more: false,
        total_count: 0,
        url: `/v1/transfers/${id}/reversals`,
      },
      reversed: false,
      source_transaction: null,
      source_type: 'card',
      transfer_group: str(p.transfer_group) ?? null,
    };
    this.transfers.set(id, transfer);
    this.emit('transfer.created', transfer, request);
    return transfer;
  }

  transfer(id: string): StripeObject {
    const transfer = this.transfers.get(id);
    if (!transfer) throw missing('transfer', id);
    return transfer;
  }

  listTransfers(p: ListParams): StripeObject {
    const destination = str(p.destination);
    const group = str(p.transfer_group);
    return list(
      '/v1/transfers',
      [...this.transfers.values()],
      p,
      (t) =>
        (destination === undefined || t.destination === destination) &&
        (group === undefined || t.transfer_group === group),
    );
  }

  createReversal(
    transferId: string,
    p: FormObject,
    request: { id: string; idempotencyKey?: string },
  ): StripeObject {
    const transfer = this.transfer(transferId);
    const remaining = (transfer.amount as number) - (transfer.amount_reversed as number);
    const amount = p.amount === undefined ? remaining : positiveInteger(p.amount, 'amount');
    if (amount > remaining || remaining === 0)
      throw invalidRequest(
        `Refund amount (${amount}) is greater than the unrefunded amount on the transfer (${remaining})`,
        'amount',
      );
    const created = this.created();
    const id = stripeId('trr');
    const currency = transfer.currency as string;
    const txn = this.balanceTransaction(
      amount,
      currency,
      created,
      'transfer_refund',
      'transfer_reversal',
      id,
    );
    this.balance.set(currency, (this.balance.get(currency) ?? 0) + amount);
    const reversal: StripeObject = {
      id,
      object: 'transfer_reversal',
      amount,
      balance_transaction: txn.id,
      created,
      currency,
      destination_payment_refund: stripeId('pyr'),
      metadata: metadataOf(p.metadata),
      source_refund: null,
      transfer: transferId,
    };
    transfer.amount_reversed = (transfer.amount_reversed as number) + amount;
    transfer.reversed = transfer.amount_reversed === transfer.amount;
    transfer.reversals.data.unshift(reversal);
    transfer.reversals.total_count += 1;
    this.emit('transfer.reversed', transfer, request);
    return reversal;
  }

  listReversals(transferId: string, p: ListParams): StripeObject {
    const transfer = this.transfer(transferId);
    const data = [...(transfer.reversals.data as StripeObject[])].reverse();
    return list(`/v1/transfers/${transferId}/reversals`, data, p, () => true);
  }

  balanceObject(): StripeObject {
    const currencies = [...this.balance.keys()].sort();
    return {
      object: 'balance',
      available: currencies.map((currency) => ({
        amount: this.balance.get(currency),
        currency,
        source_types: { card: this.balance.get(currency) },
      })),
      pending: currencies.map((currency) => ({ amount: 0, currency, source_types: { card: 0 } })),
      livemode: false,
    };
  }

  /** Adds funds to the available balance (what charges and top-ups would do). */
  fund(currency: string, amount: number): StripeObject {
    const c = currency.toLowerCase();
    this.balance.set(c, (this.balance.get(c) ?? 0) + amount);
    return this.balanceTransaction(
      amount,
      c,
      this.created(),
      'adjustment',
      'other_adjustment',
      null,
    );
  }

  listBalanceTransactions(p: ListParams): StripeObject {
    const type = str(p.type);
    const source = str(p.source);
    return list(
      '/v1/balance_transactions',
      this.balanceTransactions,
      p,
      (t) =>
        (type === undefined || t.type === type) && (source === undefined || t.source === source),
    );
  }

  private balanceTransaction(
    amount: number,
    currency: string,
    created: number,
    type: string,
    category: string,
    source: string | null,
  ): StripeObject {
    const txn: StripeObject = {
      id: stripeId('txn'),
      object: 'balance_transaction',
      amount,
      available_on: created,
      created,
      currency,
      description: null,
      fee: 0,
      fee_details: [],
      net: amount,
      reporting_category: category,
      source,
      status: 'available',
      type,
    };
    this.balanceTransactions.push(txn);
    return txn;
  }
}

export function isStripeApiError(error: unknown): error is StripeApiError {
  return error instanceof StripeApiError;
}
