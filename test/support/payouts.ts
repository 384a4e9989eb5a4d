import { StripeEmulator, StripeEmulatorOptions } from '../../emulator/stripe/server';
import { LedgerService } from '../../src/ledger/ledger.service';
import { createPayee } from '../factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './test-app';

export const WEBHOOK_SECRET = 'whsec_test_payouts_0123456789';

/** What the helpers below need of a harness: the api to call and, for onboarding, the emulator. */
type Calls = { t: Pick<TestApp, 'http'> };

export interface PayoutsHarness {
  t: TestApp;
  emulator: StripeEmulator;
  /** Two finance principals of the operator: one drafts, the other approves. */
  finance: [string, string];
  close(): Promise<void>;
}

/**
 * The app listening on loopback (so the emulator can deliver webhooks to it) with the SDK pointed
 * at an in-process Stripe emulator.
 */
export async function startPayouts(
  overrides: Record<string, string> = {},
  emulatorOptions: StripeEmulatorOptions = {},
): Promise<PayoutsHarness> {
  const emulator = new StripeEmulator({ rateLimitPerSecond: 0, ...emulatorOptions });
  const { url } = await emulator.listen();
  const t = await startTestApp({
    STRIPE_SECRET_KEY: 'sk_test_rights_ledger',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: url,
    STRIPE_TIMEOUT_MS: '1000',
    PAYOUT_REQUESTS_PER_SECOND: '200',
    PAYOUT_BACKOFF_MS: '50',
    PAYOUT_ATTEMPTS: '20',
    ...overrides,
  });
  await t.app.listen(0, '127.0.0.1');
  emulator.webhooks.endpoint = {
    url: `${await t.app.getUrl()}/v1/stripe/webhooks`,
    secret: WEBHOOK_SECRET,
  };
  const finance = [await financeKey(t), await financeKey(t)] as [string, string];
  return {
    t,
    emulator,
    finance,
    close: async () => {
      await closeOrExplain(t);
      await emulator.close();
    },
  };
}

/**
 * The app closed; if that takes over 30 s (seen once in CI after a crash test, not reproduced),
 * what the database sessions were doing is printed so the next run explains it, and the file's
 * teardown goes on instead of timing out.
 */
async function closeOrExplain(t: TestApp): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const slow = new Promise<'slow'>((resolve) => {
    timer = setTimeout(() => resolve('slow'), 30_000);
    timer.unref();
  });
  const outcome = await Promise.race([t.close().then(() => 'closed' as const), slow]);
  clearTimeout(timer);
  if (outcome === 'closed') return;
  const sessions = await t.sql(
    `SELECT pid, state, wait_event_type, wait_event, now() - xact_start AS in_transaction, query
       FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()`,
  );
  console.error('the app did not close within 30 s; its database sessions:', sessions);
}

export async function financeKey(t: Pick<TestApp, 'http'>): Promise<string> {
  const me = await t.http.get('/v1/me', ADMIN_KEY);
  const created = await t.http.post(
    `/v1/organizations/${me.body.organization.id as string}/api-keys`,
    ADMIN_KEY,
    { principalName: `finance-${Math.random().toString(36).slice(2)}`, role: 'finance' },
  );
  return created.body.key as string;
}

/** Earnings made payable (as a paid invoice would): Stripe clearing debited, payable credited. */
export async function makePayable(
  t: Pick<TestApp, 'app'>,
  payee: { id: string; organizationId: string },
  currency: string,
  amount: number,
): Promise<void> {
  await t.app.get(LedgerService).postNow({
    idempotencyKey: `test-earnings:${payee.id}:${currency}:${Math.random()}`,
    reason: 'test earnings',
    refs: {},
    postings: [
      {
        account: {
          type: 'platform-stripe-clearing',
          ownerId: null,
          organizationId: null,
          currency,
        },
        amount: BigInt(amount),
      },
      {
        account: {
          type: 'payee-payable',
          ownerId: payee.id,
          organizationId: payee.organizationId,
          currency,
        },
        amount: -BigInt(amount),
      },
    ],
  });
}

export interface PayeeFixture {
  id: string;
  name: string;
  organizationId: string;
  publisherKey: string;
  stripeAccountId?: string;
}

/** A publisher's payee, onboarded to the emulator (account.updated delivered) unless told not to. */
export async function payee(
  h: Calls & Pick<PayoutsHarness, 'emulator'>,
  publisher: OrganizationFixture,
  options: { onboard?: 'complete' | 'started' | 'none' } = {},
): Promise<PayeeFixture> {
  const created = await createPayee(h.t.http, publisher.key);
  const fixture: PayeeFixture = {
    id: created.id,
    name: created.name,
    organizationId: publisher.id,
    publisherKey: publisher.key,
  };
  const onboard = options.onboard ?? 'complete';
  if (onboard === 'none') return fixture;
  const account = await h.t.http.post(`/v1/payees/${created.id}/stripe-account`, publisher.key, {});
  if (account.status !== 201) throw new Error(`onboarding: ${account.status} ${account.text}`);
  fixture.stripeAccountId = account.body.stripeAccountId;
  if (onboard === 'complete') {
    h.emulator.onboard(fixture.stripeAccountId!);
    await h.emulator.webhooks.idle();
  }
  return fixture;
}

export async function publisher(h: PayoutsHarness): Promise<OrganizationFixture> {
  return createOrganization(h.t.http);
}

export async function waitFor<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let value = await read();
  while (!done(value)) {
    if (Date.now() > deadline)
      throw new Error(`waitFor timed out; last value: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    value = await read();
  }
  return value;
}

/** GET the run until it is no longer executing. */
export function settledRun(
  h: Calls & Pick<PayoutsHarness, 'finance'>,
  runId: string,
  timeoutMs?: number,
) {
  return waitFor(
    async () => (await h.t.http.get(`/v1/payout-runs/${runId}`, h.finance[0])).body,
    (run) => run.status !== 'executing' && run.status !== 'draft',
    timeoutMs,
  );
}

/** payable and payout-pending of a payee in a currency, as the publisher sees them. */
export async function balancesOf(h: Calls, p: PayeeFixture, currency: string) {
  const rows = (await h.t.http.get(`/v1/balances?currency=${currency}`, p.publisherKey)).body
    .data as {
    ownerId: string;
    type: string;
    balance: number;
  }[];
  const of = (type: string) =>
    rows.find((r) => r.ownerId === p.id && r.type === type)?.balance ?? 0;
  return { payable: of('payee-payable'), pending: of('payout-pending') };
}
