import Stripe from 'stripe';
import { stripeOptions } from './stripe-client';
import { classifyStripeError } from './stripe-outcome';

const generate = (raw: Record<string, unknown>) => Stripe.errors.StripeError.generate(raw);

describe('classifyStripeError', () => {
  it('refuses what Stripe refused, throttles 429s, and treats everything else as unknown', () => {
    expect(
      classifyStripeError(
        generate({
          type: 'invalid_request_error',
          code: 'balance_insufficient',
          message: 'no funds',
          statusCode: 400,
        }),
      ),
    ).toEqual({ kind: 'refused', code: 'balance_insufficient', message: 'no funds' });
    expect(
      classifyStripeError(
        generate({
          type: 'invalid_request_error',
          code: 'rate_limit',
          statusCode: 429,
          message: 'slow',
        }),
      ),
    ).toEqual({ kind: 'throttled', message: 'slow' });
    expect(
      classifyStripeError(generate({ type: 'api_error', statusCode: 500, message: 'x' })).kind,
    ).toBe('unknown');
    expect(
      classifyStripeError(generate({ type: 'idempotency_error', statusCode: 400, message: 'x' }))
        .kind,
    ).toBe('unknown');
    expect(classifyStripeError(new Error('socket hang up'))).toEqual({
      kind: 'unknown',
      code: 'error',
      message: 'socket hang up',
    });
  });
});

describe('stripeOptions', () => {
  it('points the SDK at STRIPE_API_URL with host, port and protocol, without SDK retries', () => {
    expect(
      stripeOptions({ STRIPE_API_URL: 'http://127.0.0.1:12111', STRIPE_TIMEOUT_MS: 1000 }),
    ).toMatchObject({
      host: '127.0.0.1',
      port: 12111,
      protocol: 'http',
      maxNetworkRetries: 0,
      timeout: 1000,
    });
    expect(stripeOptions({ STRIPE_TIMEOUT_MS: 1000 }).host).toBeUndefined();
  });
});
