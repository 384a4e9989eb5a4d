import Stripe from 'stripe';
import { DomainError } from '../common/errors/domain-error';

/**
 * What a failed Stripe call means for money:
 * - `refused`: Stripe answered that it did not and will not do it (invalid request, the account
 *   cannot receive, insufficient funds): safe to give up and undo our side.
 * - `throttled`: a 429; nothing was done; try again after a pause.
 * - `unknown`: a timeout, a dropped connection, a 5xx, a key still in flight or an idempotency
 *   mismatch, a credential problem: it may or may not have happened. Never give up on it and
 *   never send anything new: look it up, and only then retry with the same idempotency key.
 */
export type StripeFailure =
  | { kind: 'refused'; code: string; message: string }
  | { kind: 'throttled'; message: string }
  | { kind: 'unknown'; code: string; message: string };

export function classifyStripeError(error: unknown): StripeFailure {
  if (!(error instanceof Stripe.errors.StripeError)) {
    return { kind: 'unknown', code: 'error', message: String((error as Error)?.message ?? error) };
  }
  const status = error.statusCode ?? 0;
  if (error instanceof Stripe.errors.StripeRateLimitError || status === 429) {
    return { kind: 'throttled', message: error.message };
  }
  const refused =
    (error instanceof Stripe.errors.StripeInvalidRequestError ||
      error instanceof Stripe.errors.StripeCardError) &&
    [400, 402, 404].includes(status);
  if (refused) {
    return { kind: 'refused', code: error.code ?? error.type, message: error.message };
  }
  return { kind: 'unknown', code: error.code ?? error.type, message: error.message };
}

/**
 * A Stripe failure met while answering a request, as the caller's problem: what Stripe refused
 * is a 422 with Stripe's own words (a declined card, an invalid tax id), anything else a 503
 * (try again) — never a 500.
 */
export function stripeProblem(error: unknown, doing: string): DomainError {
  if (error instanceof DomainError) return error;
  const failure = classifyStripeError(error);
  if (failure.kind === 'refused') {
    return new DomainError(
      'stripe-refused',
      422,
      `Stripe refused to ${doing}: ${failure.message}`,
      {
        stripeCode: failure.code,
      },
    );
  }
  return new DomainError(
    'stripe-unavailable',
    503,
    `Stripe could not be reached to ${doing}; try again`,
  );
}
