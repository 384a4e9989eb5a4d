import { createHmac } from 'node:crypto';
import { stripeId } from './ids';
import { StripeObject } from './state';

export const EMULATED_API_VERSION = '2026-10-28.endive';

/** Stripe's webhook signature: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<payload>")>`. */
export function signatureHeader(payload: string, secret: string, timestamp: number): string {
  const signature = createHmac('sha256', secret)
    .update(`${timestamp}.${payload}`, 'utf8')
    .digest('hex');
  return `t=${timestamp},v1=${signature}`;
}

export interface WebhookEndpoint {
  url: string;
  secret: string;
  /** Stripe's `enabled_events`: only these types are sent (default: every type). */
  enabledEvents?: string[];
}

export interface FlushOptions {
  /** Deliver newest first. */
  reverse?: boolean;
  /** Deliver every event this many times. */
  copies?: number;
  /** Deliveries in flight at once (default 1: one after the other, in order). */
  concurrency?: number;
}

/**
 * Events and their signed delivery. `auto` posts each event as it happens (retrying failures a
 * few times, like Stripe's retries, only faster); `manual` holds them until `flush`, which can
 * reorder and duplicate them.
 */
export class WebhookDispatcher {
  readonly events: StripeObject[] = [];
  endpoint?: WebhookEndpoint;
  mode: 'auto' | 'manual' = 'auto';
  private held: StripeObject[] = [];
  private chain: Promise<void> = Promise.resolve();
  readonly deliveries: { eventId: string; type: string; status: number | 'error' }[] = [];

  constructor(private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000)) {}

  record(
    type: string,
    object: StripeObject,
    request: { id: string; idempotencyKey?: string },
  ): void {
    const event: StripeObject = {
      id: stripeId('evt'),
      object: 'event',
      api_version: EMULATED_API_VERSION,
      created: this.nowSeconds(),
      data: { object: structuredClone(object) },
      livemode: false,
      pending_webhooks: this.endpoint ? 1 : 0,
      request: { id: request.id, idempotency_key: request.idempotencyKey ?? null },
      type,
    };
    this.events.push(event);
    if (!this.endpoint) return;
    const enabled = this.endpoint.enabledEvents;
    if (enabled && !enabled.includes(type)) return;
    if (this.mode === 'manual') this.held.push(event);
    else this.enqueue([event]);
  }

  /** Delivers the held events; resolves when every delivery has been answered. */
  flush(options: FlushOptions = {}): Promise<void> {
    const events = options.reverse ? [...this.held].reverse() : [...this.held];
    this.held = [];
    const batch = events.flatMap((event) => Array<StripeObject>(options.copies ?? 1).fill(event));
    const concurrency = Math.min(options.concurrency ?? 1, batch.length);
    if (concurrency <= 1) {
      this.enqueue(batch);
      return this.idle();
    }
    // Several lanes, each taking the next event when its last delivery was answered.
    let next = 0;
    const lane = async () => {
      while (next < batch.length) await this.deliver(batch[next++]);
    };
    this.chain = this.chain.then(async () => {
      await Promise.all(Array.from({ length: concurrency }, lane));
    });
    return this.idle();
  }

  /** Delivers one stored event again (Stripe's "resend"). */
  resend(eventId: string): Promise<void> {
    const event = this.events.find((e) => e.id === eventId);
    if (event) this.enqueue([event]);
    return this.idle();
  }

  idle(): Promise<void> {
    return this.chain;
  }

  get heldCount(): number {
    return this.held.length;
  }

  private enqueue(events: StripeObject[]): void {
    for (const event of events) {
      this.chain = this.chain.then(() => this.deliver(event));
    }
  }

  private async deliver(event: StripeObject, attempts = 4): Promise<void> {
    const endpoint = this.endpoint;
    if (!endpoint) return;
    const payload = JSON.stringify(event, null, 2);
    for (let attempt = 0; attempt < attempts; attempt++) {
      let status: number | 'error' = 'error';
      try {
        const response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
            'stripe-signature': signatureHeader(payload, endpoint.secret, this.nowSeconds()),
          },
          body: payload,
          signal: AbortSignal.timeout(10_000),
        });
        status = response.status;
        await response.arrayBuffer();
      } catch {
        status = 'error';
      }
      this.deliveries.push({ eventId: event.id as string, type: event.type as string, status });
      if (typeof status === 'number' && status >= 200 && status < 300) return;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}
