/**
 * Runs the Stripe emulator on its own:  npm run stripe-emulator
 *
 *   STRIPE_EMULATOR_PORT (default 12111), STRIPE_EMULATOR_HOST (default 127.0.0.1),
 *   STRIPE_EMULATOR_RATE_LIMIT (requests/s, default 100; 0 = none),
 *   STRIPE_EMULATOR_BALANCE (e.g. "eur:100000000,usd:100000000"),
 *   STRIPE_EMULATOR_WEBHOOK_URL and STRIPE_WEBHOOK_SECRET (where to deliver signed events).
 */
import { StripeEmulator } from './server';

async function main(): Promise<void> {
  const env = process.env;
  const balance = Object.fromEntries(
    (env.STRIPE_EMULATOR_BALANCE ?? 'eur:100000000,usd:100000000,gbp:100000000')
      .split(',')
      .filter(Boolean)
      .map((pair) => {
        const [currency, amount] = pair.split(':');
        return [currency.trim().toLowerCase(), Number(amount)];
      }),
  );
  const emulator = new StripeEmulator({
    rateLimitPerSecond: Number(env.STRIPE_EMULATOR_RATE_LIMIT ?? 100),
    balance,
    webhook:
      env.STRIPE_EMULATOR_WEBHOOK_URL && env.STRIPE_WEBHOOK_SECRET
        ? { url: env.STRIPE_EMULATOR_WEBHOOK_URL, secret: env.STRIPE_WEBHOOK_SECRET }
        : undefined,
  });
  const { url } = await emulator.listen(
    Number(env.STRIPE_EMULATOR_PORT ?? 12111),
    env.STRIPE_EMULATOR_HOST ?? '127.0.0.1',
  );
  console.log(`Stripe emulator listening on ${url}`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
