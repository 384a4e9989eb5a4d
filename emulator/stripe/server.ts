import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { billingDocument, BillingState } from './billing';
import { apiError, invalidRequest, rateLimited, StripeApiError } from './errors';
import { FormObject, parseForm } from './form-encoding';
import { stripeId } from './ids';
import { StripeObject, StripeState } from './state';
import { TokenBucket } from './token-bucket';
import { FlushOptions, WebhookDispatcher, WebhookEndpoint } from './webhooks';

/** A fault to inject into the requests that match it, `times` times (default once). */
export interface Fault {
  method?: string;
  /** Matches a path that starts with it, e.g. `/v1/transfers`. */
  path?: string;
  /**
   * `500`: answer 500 before doing anything; `429`: answer 429 before doing anything; `400`:
   * refuse it (invalid_request_error, `message`) before doing anything;
   * `timeout`: do the request, keep its idempotent result, then hold the answer `delayMs`
   * (default 5 s) and drop the connection, so the client times out not knowing.
   */
  kind: '500' | '429' | '400' | 'timeout';
  times?: number;
  delayMs?: number;
  message?: string;
}

export interface StripeEmulatorOptions {
  /** Requests per second before 429s (a token bucket); 0 turns it off. Default 100 (live mode). */
  rateLimitPerSecond?: number;
  /** Available platform balance per currency, smallest unit: `{ eur: 1_000_000 }`. */
  balance?: Record<string, number>;
  webhook?: WebhookEndpoint;
  /** Added to every API answer (after the work is done), to widen the window of a crash. */
  latencyMs?: number;
  /** Unix seconds; tests can move time. */
  now?: () => number;
}

interface IdempotentResult {
  fingerprint: string;
  done: boolean;
  status: number;
  body: unknown;
}

export interface RequestRecord {
  at: number;
  method: string;
  path: string;
  status: number;
}

/**
 * A small, stateful stand-in for the part of Stripe's API that payouts use, speaking Stripe's
 * encoding (form-encoded requests, JSON answers, Stripe's error shapes) so the official SDK can
 * be pointed at it with `host`/`port`/`protocol`. Honours `Idempotency-Key`, rate-limits with
 * 429s, keeps a platform balance, signs and delivers webhooks, and injects faults on demand.
 */
export class StripeEmulator {
  readonly webhooks: WebhookDispatcher;
  readonly state: StripeState;
  /** Customers, payment methods, invoices, charges, refunds, credit notes. */
  readonly billing: BillingState;
  readonly requests: RequestRecord[] = [];
  private readonly bucket: TokenBucket;
  private readonly idempotency = new Map<string, IdempotentResult>();
  private faults: (Fault & { times: number })[] = [];
  private server?: Server;
  private readonly sockets = new Set<import('node:net').Socket>();
  url = '';
  latencyMs: number;
  /** Seconds added to the clock by `advanceClock`. */
  private clockOffset = 0;
  /** Unix seconds, as the emulated Stripe sees them. */
  readonly now: () => number;

  constructor(options: StripeEmulatorOptions = {}) {
    const base = options.now ?? (() => Math.floor(Date.now() / 1000));
    const now = () => base() + this.clockOffset;
    this.now = now;
    this.webhooks = new WebhookDispatcher(now);
    this.webhooks.endpoint = options.webhook;
    this.state = new StripeState(
      (type, object, request) => this.webhooks.record(type, object, request),
      now,
    );
    this.billing = new BillingState(
      (type, object, request) => this.webhooks.record(type, object, request),
      now,
      () => this.url || 'http://emulator',
    );
    this.bucket = new TokenBucket(options.rateLimitPerSecond ?? 100);
    this.latencyMs = options.latencyMs ?? 0;
    for (const [currency, amount] of Object.entries(options.balance ?? {}))
      this.state.fund(currency, amount);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<{ url: string; host: string; port: number }> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 60_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address() as AddressInfo;
    this.url = `http://${host}:${address.port}`;
    return { url: this.url, host, port: address.port };
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) =>
      this.server ? this.server.close(() => resolve()) : resolve(),
    );
  }

  setRateLimit(perSecond: number): void {
    this.bucket.setRate(perSecond);
  }

  addFault(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults = [];
  }

  /** Forgets every idempotency key, as Stripe does after 24 hours. */
  forgetIdempotencyKeys(): void {
    this.idempotency.clear();
  }

  fund(currency: string, amount: number): void {
    this.state.fund(currency, amount);
  }

  /** The connected account finished onboarding (or lost it): account.updated is sent. */
  onboard(accountId: string, enabled = true): StripeObject {
    return this.state.setOnboarded(accountId, enabled, { id: stripeId('req', 14) });
  }

  /** Reverses (part of) a transfer, as the platform would from Stripe's dashboard. */
  reverse(transferId: string, amount?: number): StripeObject {
    const params: FormObject = amount === undefined ? {} : { amount: String(amount) };
    return this.state.createReversal(transferId, params, { id: stripeId('req', 14) });
  }

  /** Every transfer, oldest first. */
  transfers(): StripeObject[] {
    return [...this.state.transfers.values()];
  }

  /**
   * Moves the emulated clock forward (an offset added to `now()`) and sends what time causes:
   * invoice.overdue for every open send_invoice invoice past its due date, once.
   */
  advanceClock(seconds: number): number {
    this.clockOffset += seconds;
    this.billing.tick({ id: stripeId('req', 14) });
    return this.now();
  }

  /** A bank transfer reaching the customer's cash balance (Stripe's test helper). */
  fundCashBalance(customerId: string, amount: number, currency: string): StripeObject {
    return this.billing.fundCashBalance(
      customerId,
      { amount: String(amount), currency },
      { id: stripeId('req', 14) },
    );
  }

  /** Request counts by method and path, ids folded (`/v1/invoices/:id/pay`; `tax_ids` stays). */
  requestsByPath(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const r of this.requests) {
      const key = `${r.method} ${r.path.replace(/\/[a-z]+_(?=[a-z0-9]*[A-Z0-9])[A-Za-z0-9]{8,}(?=\/|$)/g, '/:id')}`;
      counts[key] = (counts[key] ?? 0) + 1;
    }
    return counts;
  }

  flushWebhooks(options?: FlushOptions): Promise<void> {
    return this.webhooks.flush(options);
  }

  statusCounts(): Record<number, number> {
    const counts: Record<number, number> = {};
    for (const r of this.requests) counts[r.status] = (counts[r.status] ?? 0) + 1;
    return counts;
  }

  private takeFault(method: string, path: string): Fault | undefined {
    const fault = this.faults.find(
      (f) =>
        (!f.method || f.method === method) && (!f.path || path.startsWith(f.path)) && f.times > 0,
    );
    if (fault) fault.times -= 1;
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const requestId = stripeId('req', 14);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      this.requests.push({ at: performance.now(), method, path: url.pathname, status });
      res.writeHead(status, {
        'content-type': 'application/json',
        'request-id': requestId,
        'stripe-version': String(req.headers['stripe-version'] ?? ''),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    try {
      const document = method === 'GET' ? billingDocument(this.billing, url.pathname) : undefined;
      if (document) {
        this.requests.push({
          at: performance.now(),
          method,
          path: url.pathname,
          status: document.status,
        });
        res.writeHead(document.status, { 'content-type': document.type });
        res.end(document.body);
        return;
      }
      if (url.pathname.startsWith('/_emulator/')) {
        send(
          200,
          await this.control(
            method,
            url.pathname,
            raw ? (JSON.parse(raw) as Record<string, unknown>) : {},
          ),
        );
        return;
      }
      const auth = String(req.headers.authorization ?? '');
      if (!/^Bearer sk_(test|live)_\S+$/.test(auth)) {
        throw new StripeApiError(401, 'invalid_request_error', 'Invalid API Key provided');
      }
      const fault = this.takeFault(method, url.pathname);
      if (fault?.kind === '429') throw rateLimited();
      const token = this.bucket.take();
      if (!token.ok) throw rateLimited();
      if (fault?.kind === '500') throw apiError();
      if (fault?.kind === '400')
        throw invalidRequest(fault.message ?? 'The request was refused (an injected fault)');
      const params = method === 'GET' ? parseForm(url.search.slice(1)) : parseForm(raw);
      const key =
        method === 'POST' ? (req.headers['idempotency-key'] as string | undefined) : undefined;
      const request = { id: requestId, idempotencyKey: key };
      const result = key
        ? this.idempotent(key, `${method} ${url.pathname} ${raw}`, () =>
            this.route(method, url.pathname, params, request),
          )
        : { ...this.route(method, url.pathname, params, request), replayed: false };
      if (fault?.kind === 'timeout') {
        await new Promise((resolve) => setTimeout(resolve, fault.delayMs ?? 5000));
        this.requests.push({ at: performance.now(), method, path: url.pathname, status: 0 });
        req.socket.destroy();
        return;
      }
      if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      send(result.status, result.body, {
        ...(key ? { 'idempotency-key': key } : {}),
        ...(result.replayed ? { 'idempotent-replayed': 'true' } : {}),
      });
    } catch (error) {
      if (error instanceof StripeApiError) send(error.status, error.body(), error.headers);
      else send(500, apiError().body());
    }
  }

  /**
   * Stripe's idempotency: the first result of a key is kept (success or an error raised while
   * executing) and replayed for the same request; another request under the key is an
   * idempotency_error; a key still executing answers 409.
   */
  private idempotent(
    key: string,
    request: string,
    run: () => { status: number; body: unknown },
  ): { status: number; body: unknown; replayed: boolean } {
    const fingerprint = createHash('sha256').update(request).digest('hex');
    const stored = this.idempotency.get(key);
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        throw new StripeApiError(
          400,
          'idempotency_error',
          `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        );
      }
      if (!stored.done) {
        throw new StripeApiError(
          409,
          'idempotency_error',
          'There is currently another in-progress request using this Stripe-Idempotent-Key. Please try again later.',
          'idempotency_key_in_use',
        );
      }
      return { status: stored.status, body: stored.body, replayed: true };
    }
    const entry: IdempotentResult = { fingerprint, done: false, status: 0, body: null };
    this.idempotency.set(key, entry);
    try {
      const result = run();
      // Stripe replays the first answer as it was, not the object as it is now.
      Object.assign(
        entry,
        { status: result.status, body: structuredClone(result.body) },
        { done: true },
      );
      return { ...result, replayed: false };
    } catch (error) {
      if (error instanceof StripeApiError && error.status < 500 && error.status !== 429) {
        Object.assign(entry, { status: error.status, body: error.body(), done: true });
        return { status: error.status, body: error.body(), replayed: false };
      }
      this.idempotency.delete(key);
      throw error;
    }
  }

  private route(
    method: string,
    path: string,
    p: FormObject,
    request: { id: string; idempotencyKey?: string },
  ): { status: number; body: unknown } {
    const ok = (body: unknown) => ({ status: 200, body });
    const parts = path.split('/').filter(Boolean);
    const [version, resource, id, sub] = parts;
    if (version === 'v1') {
      if (resource === 'accounts' && method === 'POST' && !id)
        return ok(this.state.createAccount(p, request));
      if (resource === 'accounts' && method === 'GET' && id && !sub)
        return ok(this.state.account(id));
      if (resource === 'account_links' && method === 'POST' && !id)
        return ok(this.state.createAccountLink(p, this.url || 'http://emulator'));
      if (resource === 'transfers' && method === 'POST' && !id)
        return ok(this.state.createTransfer(p, request));
      if (resource === 'transfers' && method === 'GET' && !id)
        return ok(this.state.listTransfers(p));
      if (resource === 'transfers' && method === 'GET' && id && !sub)
        return ok(this.state.transfer(id));
      if (
        resource === 'transfers' &&
        sub === 'reversals' &&
        method === 'POST' &&
        parts.length === 4
      )
        return ok(this.state.createReversal(id, p, request));
      if (resource === 'transfers' && sub === 'reversals' && method === 'GET' && parts.length === 4)
        return ok(this.state.listReversals(id, p));
      if (resource === 'balance' && method === 'GET' && !id) return ok(this.state.balanceObject());
      if (resource === 'balance_transactions' && method === 'GET' && !id)
        return ok(this.state.listBalanceTransactions(p));
      const billing = this.billingRoute(method, parts.slice(1), p, request);
      if (billing !== undefined) return ok(billing);
    }
    throw new StripeApiError(
      404,
      'invalid_request_error',
      `Unrecognized request URL (${method}: ${path}).`,
    );
  }

  /** Billing routes under /v1 (`parts` without the `v1`), or undefined when none matches. */
  private billingRoute(
    method: string,
    parts: string[],
    p: FormObject,
    request: { id: string; idempotencyKey?: string },
  ): StripeObject | undefined {
    const b = this.billing;
    const [resource, id, sub, ...rest] = parts;
    if (rest.length > 0 && resource !== 'test_helpers') return undefined;
    const get = method === 'GET';
    const post = method === 'POST';
    switch (resource) {
      case 'customers':
        if (!id) return post ? b.createCustomer(p, request) : get ? b.listCustomers(p) : undefined;
        if (!sub) return get ? b.customer(id) : post ? b.updateCustomer(id, p, request) : undefined;
        if (sub === 'tax_ids')
          return post ? b.createTaxId(id, p, request) : get ? b.listTaxIds(id, p) : undefined;
        if (sub === 'balance_transactions')
          return post
            ? b.createBalanceTransaction(id, p, request)
            : get
              ? b.listBalanceTransactions(id, p)
              : undefined;
        if (sub === 'payment_methods' && get) return b.listCustomerPaymentMethods(id, p);
        if (sub === 'cash_balance' && get) return b.cashBalance(id);
        if (sub === 'cash_balance_transactions' && get) return b.listCashBalanceTransactions(id, p);
        return undefined;
      case 'payment_methods':
        if (!id) return post ? b.createPaymentMethod(p) : undefined;
        if (!sub) return get ? b.paymentMethod(id) : undefined;
        if (sub === 'attach' && post) return b.attachPaymentMethod(id, p, request);
        if (sub === 'detach' && post) return b.detachPaymentMethod(id, request);
        return undefined;
      case 'invoiceitems':
        if (!id)
          return post ? b.createInvoiceItem(p, request) : get ? b.listInvoiceItems(p) : undefined;
        return undefined;
      case 'invoices':
        if (!id) return post ? b.createInvoice(p, request) : get ? b.listInvoices(p) : undefined;
        if (!sub)
          return get
            ? b.invoice(id)
            : post
              ? b.updateInvoice(id, p, request)
              : method === 'DELETE'
                ? b.deleteInvoice(id, request)
                : undefined;
        if (sub === 'lines' && get) return b.listInvoiceLines(id, p);
        if (!post) return undefined;
        if (sub === 'add_lines') return b.addLines(id, p, request);
        if (sub === 'finalize') return b.finalize(id, p, request);
        if (sub === 'pay') return b.pay(id, p, request);
        if (sub === 'send') return b.send(id, request);
        if (sub === 'void') return b.void(id, request);
        if (sub === 'mark_uncollectible') return b.markUncollectible(id, request);
        return undefined;
      case 'invoice_payments':
        if (!id && get) return b.listInvoicePayments(p);
        if (id && !sub && get) return b.invoicePayment(id);
        return undefined;
      case 'charges':
        if (!id && get) return b.listCharges(p);
        if (id && !sub && get) return b.chargeById(id);
        return undefined;
      case 'refunds':
        if (!id) return post ? b.createRefund(p, request) : get ? b.listRefunds(p) : undefined;
        if (!sub && get) return b.refundById(id);
        return undefined;
      case 'credit_notes':
        if (!id)
          return post ? b.createCreditNote(p, request) : get ? b.listCreditNotes(p) : undefined;
        if (!sub && get) return b.creditNote(id);
        return undefined;
      case 'test_helpers':
        if (id === 'customers' && rest[0] === 'fund_cash_balance' && rest.length === 1 && post)
          return b.fundCashBalance(sub, p, request);
        return undefined;
      default:
        return undefined;
    }
  }

  /** The emulator's own controls (not Stripe's API), for scripts that run it out of process. */
  private async control(
    method: string,
    path: string,
    body: Record<string, unknown>,
  ): Promise<unknown> {
    const parts = path.split('/').filter(Boolean).slice(1);
    if (method === 'POST' && parts[0] === 'balance') {
      this.fund(String(body.currency), Number(body.amount));
      return this.state.balanceObject();
    }
    if (method === 'POST' && parts[0] === 'accounts' && parts[2] === 'onboard')
      return this.onboard(parts[1], body.enabled !== false);
    if (method === 'POST' && parts[0] === 'faults') {
      this.addFault(body as unknown as Fault);
      return { faults: this.faults.length };
    }
    if (method === 'DELETE' && parts[0] === 'faults') {
      this.clearFaults();
      return { faults: 0 };
    }
    if (method === 'POST' && parts[0] === 'rate-limit') {
      this.setRateLimit(Number(body.perSecond));
      return { perSecond: Number(body.perSecond) };
    }
    if (method === 'POST' && parts[0] === 'webhooks' && parts[1] === 'endpoint') {
      this.webhooks.endpoint = { url: String(body.url), secret: String(body.secret) };
      return { url: body.url };
    }
    if (method === 'POST' && parts[0] === 'webhooks' && parts[1] === 'mode') {
      this.webhooks.mode = body.mode === 'manual' ? 'manual' : 'auto';
      return { mode: this.webhooks.mode };
    }
    if (method === 'POST' && parts[0] === 'webhooks' && parts[1] === 'flush') {
      await this.flushWebhooks(body);
      return { delivered: this.webhooks.deliveries.length };
    }
    if (method === 'POST' && parts[0] === 'transfers' && parts[2] === 'reverse')
      return this.reverse(parts[1], body.amount === undefined ? undefined : Number(body.amount));
    if (method === 'POST' && parts[0] === 'clock')
      return { now: this.advanceClock(Number(body.advanceSeconds ?? 0)) };
    if (method === 'POST' && parts[0] === 'customers' && parts[2] === 'fund_cash_balance')
      return this.fundCashBalance(parts[1], Number(body.amount), String(body.currency));
    if (method === 'GET' && parts[0] === 'requests-by-path') return this.requestsByPath();
    if (method === 'GET' && parts[0] === 'stats') {
      return {
        requests: this.requests.length,
        statuses: this.statusCounts(),
        transfers: this.state.transfers.size,
        events: this.webhooks.events.length,
        deliveries: this.webhooks.deliveries.length,
        ...this.billing.stats(),
      };
    }
    throw invalidRequest(`Unknown emulator control: ${method} ${path}`);
  }
}
