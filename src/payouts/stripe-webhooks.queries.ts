/**
 * Stripe webhooks' SQL (StripeWebhooksService): the events processed, and the payout items a
 * transfer event may concern. Reads and writes stripe_webhook_events; reads payout_items (this
 * module's).
 */

/** Event $1 as stored, if it was. */
export const STORED_EVENT = `SELECT processed_at FROM stripe_webhook_events WHERE id = $1`;

/** Event $1 (type $2, object $3, created $4 in Unix seconds, body $5) stored as processed, once. */
export const STORE_PROCESSED_EVENT = `
  INSERT INTO stripe_webhook_events (id, type, object_id, created_at_stripe, payload, processed_at)
  VALUES ($1, $2, $3, to_timestamp($4), $5, now()) ON CONFLICT (id) DO NOTHING`;

/** Item $1's id if it is pending. */
export const PENDING_ITEM_ID = `SELECT id FROM payout_items WHERE id = $1 AND status = 'pending'`;

/** Item $1 if it is pending. */
export const PENDING_ITEM = `SELECT * FROM payout_items WHERE id = $1 AND status = 'pending'`;
