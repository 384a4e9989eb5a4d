/**
 * The whole story through the HTTP API:  npm run demo
 *
 * Starts the service (api and workers in one process) on a fresh embedded PostgreSQL under
 * .data/demo-postgres (port 54339; Redis from REDIS_URL) and the Stripe emulator, then walks:
 * an operator with two finance principals, two publishers with works and payees, an AI firm
 * accepting their offers and reporting usage, a royalty run posted, statements, the AI firm's
 * invoices paid, payees onboarded to Stripe, a payout run drafted by one finance principal and
 * approved by the other, paid; it prints each step and the final balances, and exits non-zero
 * unless every payee was paid and the trial balance is zero.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { StripeEmulator } from '../emulator/stripe/server';
import { validateEnvironment } from '../src/config/environment';
import { createApp } from '../src/create-app';
import { prepareDatabase } from '../src/database/prepare-database';
import { useStartupLogger } from '../src/startup-logger';

const ADMIN_KEY = `demo-admin-${randomBytes(24).toString('hex')}`;
const WEBHOOK_SECRET = `whsec_demo_${randomBytes(12).toString('hex')}`;
const DATA_DIR = '.data/demo-postgres';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let base = '';
let stepNumber = 0;

function step(title: string): void {
  stepNumber++;
  console.log(`\n${String(stepNumber).padStart(2)}. ${title}`);
}
const say = (line: string) => console.log(`    ${line}`);
const eur = (minor: number) => `EUR ${(minor / 100).toFixed(2)}`;

async function call(method: string, path: string, key?: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const json = (text ? JSON.parse(text) : {}) as Json;
  json.__status = response.status;
  return json;
}

async function ok(method: string, path: string, key?: string, body?: unknown): Promise<Json> {
  const result = await call(method, path, key, body);
  if (result.__status >= 300) {
    throw new Error(`${method} ${path} → ${result.__status}: ${JSON.stringify(result)}`);
  }
  return result;
}

async function until(path: string, key: string, done: (body: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 1200; i++) {
    const body = await ok('GET', path, key);
    if (done(body)) return body;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${path} did not finish in time`);
}

async function main(): Promise<void> {
  rmSync(DATA_DIR, { recursive: true, force: true });
  const emulator = new StripeEmulator({ rateLimitPerSecond: 25 });
  const stripe = await emulator.listen();
  const raw: Record<string, string | undefined> = { ...process.env };
  delete raw.DATABASE_URL;
  const env = validateEnvironment({
    ...raw,
    EMBEDDED_POSTGRES_DIR: DATA_DIR,
    EMBEDDED_POSTGRES_PORT: process.env.DEMO_POSTGRES_PORT ?? '54339',
    REDIS_PREFIX: `demo${process.pid}`,
    LOG_LEVEL: process.env.DEMO_LOG_LEVEL ?? 'error',
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    STRIPE_SECRET_KEY: 'sk_test_demo',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: stripe.url,
    PAYOUT_REQUESTS_PER_SECOND: '20',
    RECONCILIATION_CRON: 'off',
  });
  useStartupLogger(env.LOG_LEVEL);
  console.log(
    'Rights Ledger demo: starting PostgreSQL (embedded), the Stripe emulator and the service…',
  );
  const database = await prepareDatabase(env);
  const app = await createApp({ ...env, DATABASE_URL: database.url });
  await app.listen(0, '127.0.0.1');
  base = await app.getUrl();
  emulator.webhooks.endpoint = { url: `${base}/v1/stripe/webhooks`, secret: WEBHOOK_SECRET };
  say(`service ${base} · Stripe emulator ${stripe.url} (25 requests/s, test mode)`);
  let failed = false;
  try {
    failed = !(await story(emulator));
  } finally {
    await app.close();
    await emulator.close();
    await database.stop();
  }
  if (failed) process.exit(1);
}

async function story(emulator: StripeEmulator): Promise<boolean> {
  step('The operator: two finance principals (one drafts payouts, the other approves)');
  const me = await ok('GET', '/v1/me', ADMIN_KEY);
  const operatorId = me.organization.id as string;
  const financeKey = async (name: string) =>
    (
      await ok('POST', `/v1/organizations/${operatorId}/api-keys`, ADMIN_KEY, {
        principalName: name,
        role: 'finance',
      })
    ).key as string;
  const alice = await financeKey('Alice (finance)');
  const bob = await financeKey('Bob (finance)');
  say(`operator ${operatorId}: Alice and Bob hold finance keys`);

  step('Two publishers register payees and works (each work split between two payees)');
  const publishers: { name: string; key: string; payees: Json[]; works: Json[] }[] = [];
  for (const [name, author] of [
    ['Northwind Press', 'Ada Lovelace'],
    ['Harbour Books', 'Mary Shelley'],
  ]) {
    const created = await ok('POST', '/v1/organizations', ADMIN_KEY, {
      name,
      kind: 'publisher',
      principal: { name: `${name} rights desk` },
    });
    const key = created.apiKey.key as string;
    const house = (await ok('GET', '/v1/payees', key)).data[0];
    const writer = await ok('POST', '/v1/payees', key, {
      name: author,
      currency: 'EUR',
      country: 'GB',
    });
    const works = [];
    for (const title of [`${author}: Collected Notes`, `${author}: Letters`]) {
      works.push(
        await ok('POST', '/v1/works', key, {
          externalId: `${name.split(' ')[0]}-${works.length + 1}`,
          title,
          kind: 'book',
          identifiers: [{ scheme: 'ext', value: `${name.split(' ')[0]}-${works.length + 1}` }],
          splits: [
            { payeeId: writer.id, shareBps: 7000 },
            { payeeId: house.id, shareBps: 3000 },
          ],
        }),
      );
    }
    publishers.push({ name, key, payees: [writer, house], works });
    say(`${name}: payees ${author} (70 %) and ${house.name} (30 %), ${works.length} works`);
  }

  step('Each publisher offers its catalogue for AI training at EUR 2.00 per 1,000 tokens');
  const offers = [];
  for (const p of publishers) {
    offers.push(
      await ok('POST', '/v1/licence-offers', p.key, {
        title: 'AI training 2027',
        scope: { type: 'all' },
        usages: ['ai-train'],
        territories: ['worldwide'],
        term: { start: '2027-01-01', end: '2027-12-31' },
        currency: 'EUR',
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '200' }] },
      }),
    );
  }
  say(offers.map((o) => `offer ${o.id}`).join(', '));

  step('An AI firm accepts both offers and reports June 2027 usage');
  const firm = await ok('POST', '/v1/organizations', ADMIN_KEY, {
    name: 'Acme AI',
    kind: 'licensee',
    principal: { name: 'Acme data team' },
  });
  const firmKey = firm.apiKey.key as string;
  for (const offer of offers) await ok('POST', '/v1/agreements', firmKey, { offerId: offer.id });
  const works = publishers.flatMap((p) => p.works);
  const lines = works.map((w, i) => ({
    lineId: `line-${i + 1}`,
    workId: w.id,
    usage: 'ai-train',
    units: String((i + 1) * 1_000_000),
    unit: 'token',
  }));
  const units = lines.reduce((sum, l) => sum + BigInt(l.units), 0n);
  const report = await ok('POST', '/v1/usage-reports', firmKey, {
    reportId: 'acme-2027-06',
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
    lines,
    totals: { lineCount: lines.length, units: String(units) },
  });
  const settled = await until(
    `/v1/usage-reports/${report.id}`,
    firmKey,
    (r) => r.status !== 'received' && r.status !== 'processing',
  );
  say(`usage report ${report.id}: ${settled.status}, ${lines.length} lines, ${units} tokens`);

  step('Finance runs royalties for June 2027 and posts them to the ledger');
  const run = await ok('POST', '/v1/royalty-runs', alice, {
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
  });
  await until(`/v1/royalty-runs/${run.id}`, alice, (r) => r.status !== 'calculating');
  const posted = await ok('POST', `/v1/royalty-runs/${run.id}/post`, alice);
  say(`royalty run ${run.id}: ${posted.status}`);

  step('Statements: what each payee earned');
  for (const p of publishers) {
    for (const s of (await ok('GET', `/v1/statements?runId=${run.id}`, p.key)).data) {
      const payee = p.payees.find((x) => x.id === s.payeeId);
      say(
        `${p.name} · ${payee?.name ?? s.payeeId}: gross ${eur(s.gross)}, commission ${eur(s.commission)}, net ${eur(s.net)}`,
      );
    }
  }

  step("The AI firm's invoices are paid (the money arrives in the platform's Stripe balance)");
  for (const invoice of (await ok('GET', `/v1/invoices?runId=${run.id}`, alice)).data) {
    emulator.fund('eur', Number(invoice.amount));
    const payment = await ok('POST', `/v1/invoices/${invoice.id}/payments`, alice, {
      amount: Number(invoice.amount),
    });
    say(
      `invoice ${invoice.id}: ${eur(Number(invoice.amount))} received, outstanding ${eur(payment.outstanding)}`,
    );
  }

  step('Payees onboard to Stripe Connect (Express); Stripe tells us by account.updated');
  for (const p of publishers) {
    for (const payee of p.payees) {
      const account = await ok('POST', `/v1/payees/${payee.id}/stripe-account`, p.key, {});
      emulator.onboard(account.stripeAccountId);
      say(`${payee.name}: ${account.stripeAccountId}, link ${account.onboardingUrl}`);
    }
  }
  await emulator.webhooks.idle();
  for (const p of publishers) {
    for (const payee of p.payees) {
      const account = await ok('GET', `/v1/payees/${payee.id}/stripe-account`, p.key);
      say(`${payee.name}: payoutsEnabled ${account.payoutsEnabled}`);
    }
  }

  step('Alice drafts a EUR payout run; she may not approve it herself; Bob approves');
  const draft = await ok('POST', '/v1/payout-runs', alice, { currency: 'EUR', minimumAmount: 100 });
  say(
    `draft ${draft.id}: ${draft.totals.items} payees, ${eur(draft.totals.amount)}; left out: ${draft.excluded.length}`,
  );
  const self = await call('POST', `/v1/payout-runs/${draft.id}/approve`, alice);
  say(`Alice approves: ${self.__status} ${self.type as string}`);
  const minted = await call('POST', `/v1/organizations/${operatorId}/api-keys`, alice, {
    principalName: 'Bob (finance)',
  });
  say(`Alice mints herself a key of Bob's: ${minted.__status} ${minted.type as string}`);
  await ok('POST', `/v1/payout-runs/${draft.id}/approve`, bob);
  const paid = await until(`/v1/payout-runs/${draft.id}`, alice, (r) => r.status !== 'executing');
  for (const item of paid.items) {
    const payee = publishers.flatMap((p) => p.payees).find((x) => x.id === item.payeeId);
    say(`${payee?.name ?? item.payeeId}: ${eur(item.amount)} ${item.status} by ${item.transferId}`);
  }

  step('Final balances and the trial balance');
  const names = new Map<string, string>([[firm.organization.id as string, 'Acme AI']]);
  for (const payee of publishers.flatMap((p) => p.payees))
    names.set(payee.id as string, payee.name as string);
  for (const b of (await ok('GET', '/v1/balances', alice)).data) {
    const owner = b.ownerId ? (names.get(b.ownerId as string) ?? b.ownerId) : 'platform';
    say(`${String(b.type).padEnd(26)} ${String(owner).padEnd(16)} ${eur(b.balance)}`);
  }
  const trial = await ok('GET', '/v1/ledger/trial-balance', alice);
  for (const t of trial.totals)
    say(`${t.currency}: debits ${eur(t.debits)}, credits ${eur(t.credits)}, sum ${t.sum}`);
  say(`trial balance balanced: ${trial.balanced}`);
  say(
    `Stripe: ${emulator.transfers().length} transfers, platform balance ${JSON.stringify(emulator.state.balanceObject().available)}`,
  );
  const allPaid = paid.status === 'completed' && paid.items.every((i: Json) => i.status === 'paid');
  return allPaid && trial.balanced === true;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
