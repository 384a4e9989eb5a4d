/** Stripe webhooks' SQL (StripeWebhooksService): the events processed (stripe_webhook_events). */

/** Event $1 as stored, if it was. */
export const STORED_EVENT = `SELECT processed_at FROM stripe_webhook_events WHERE id = $1`;

/** Event $1 (type $2, object $3, created $4 in Unix seconds, body $5) stored as processed, once. */
export const STORE_PROCESSED_EVENT = `
  INSERT INTO stripe_webhook_events (id, type, object_id, created_at_stripe, payload, processed_at)
  VALUES ($1, $2, $3, to_timestamp($4), $5, now()) ON CONFLICT (id) DO NOTHING`;
