import type { StripeEventWrite } from './stripe-event-router';

/** Stripe webhooks' SQL (StripeWebhooksService): the events processed (stripe_webhook_events). */

/** Event $1 as stored, if it was. */
export const STORED_EVENT = `SELECT processed_at FROM stripe_webhook_events WHERE id = $1`;

/**
 * The event (id, type, object, created in Unix seconds, body: parameters `after` + 1 … + 5)
 * stored as processed, once.
 */
const storeProcessedEvent = (after: number) => {
  const [id, type, object, created, body] = [1, 2, 3, 4, 5].map((n) => `$${after + n}`);
  return `
  INSERT INTO stripe_webhook_events (id, type, object_id, created_at_stripe, payload, processed_at)
  VALUES (${id}, ${type}, ${object}, to_timestamp(${created}), ${body}, now())
  ON CONFLICT (id) DO NOTHING`;
};

/** Event $1 … $5 stored as processed, once. */
export const STORE_PROCESSED_EVENT = storeProcessedEvent(0);

/**
 * A handler's write (its parameters first) and the event's storing (the five after them) as one
 * statement: PostgreSQL runs a data-modifying WITH to completion whether or not it is read.
 */
export const withStoredEvent = (write: StripeEventWrite) =>
  `WITH handled AS (${write.sql}) ${storeProcessedEvent(write.params.length)}`;
