/**
 * The whole story through the HTTP API:  npm run demo
 *
 * Starts the service (api and workers in one process) on a fresh embedded PostgreSQL under
 * .data/demo-postgres (port 54339; Redis from REDIS_URL) and the Stripe emulator, then walks:
 * an operator with two finance principals, two publishers with works and payees, an AI firm
 * accepting their offers and reporting usage, its billing profile and a test card on file, a
 * royalty run posted, statements, the AI firm's invoices issued and collected through Stripe
 * (COLLECTION_THROUGH_STRIPE), payees onboarded to Stripe, a payout run drafted by one finance principal and
 * approved by the other, paid; a July report with unlicensed use and a July run calculated but
 * not posted (accrued); it prints each step and the final balances, and exits non-zero
 * unless every payee was paid and the trial balance is zero. `npm run demo -- --keep` leaves the
 * service running afterwards (port 3100, or DEMO_PORT) and prints the console's address and every
 * principal's key (finance, admin, the publishers, the licensee).
 */
import { StripeEmulator } from '../emulator/stripe/server';
import { ApiClient, Json } from './api-client';
import { startStack } from './stack';
import {
  createOperator,
  createPublishers,
  licenseeReportsJuly,
  licenseeReportsUsage,
  licenseeSetsBilling,
  offerCatalogues,
  onboardPayees,
} from './story';

/** `--keep`: leave the service running when the story ends, to look at it in the console. */
const KEEP = process.argv.includes('--keep');

let stepNumber = 0;

function step(title: string): void {
  stepNumber++;
  console.log(`\n${String(stepNumber).padStart(2)}. ${title}`);
}
const say = (line: string) => console.log(`    ${line}`);
const eur = (minor: number) => `EUR ${(minor / 100).toFixed(2)}`;

async function main(): Promise<void> {
  console.log(
    'Rights Ledger demo: starting PostgreSQL (embedded), the Stripe emulator and the service…',
  );
  const stack = await startStack({
    embeddedDir: '.data/demo-postgres',
    embeddedPort: process.env.DEMO_POSTGRES_PORT ?? '54339',
    redisPrefix: `demo${process.pid}`,
    port: Number(process.env.DEMO_PORT ?? (KEEP ? 3100 : 0)),
  });
  say(`service ${stack.base} · Stripe emulator ${stack.emulator.url} (25 requests/s, test mode)`);
  let result: StoryResult | undefined;
  try {
    result = await story(new ApiClient(stack.base), stack.adminKey, stack.emulator);
  } finally {
    if (!KEEP || !result) await stack.stop();
  }
  if (KEEP) {
    console.log(`\nThe service keeps running (Ctrl-C stops it). Open the console: ${stack.base}/`);
    say(`Alice (finance, drafted the payout run): ${result.alice}`);
    say(`Bob (finance, approved it):              ${result.bob}`);
    say(`admin:                                   ${stack.adminKey}`);
    for (const p of result.publishers) say(`${`${p.name} (publisher):`.padEnd(40)} ${p.key}`);
    say(`${`${result.licensee.name} (licensee):`.padEnd(40)} ${result.licensee.key}`);
    const stop = () => void stack.stop().then(() => process.exit(result?.ok ? 0 : 1));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return;
  }
  if (!result.ok) process.exit(1);
}

interface StoryResult {
  ok: boolean;
  alice: string;
  bob: string;
  publishers: { name: string; key: string }[];
  licensee: { name: string; key: string };
}

async function story(
  api: ApiClient,
  adminKey: string,
  emulator: StripeEmulator,
): Promise<StoryResult> {
  step('The operator: two finance principals (one drafts payouts, the other approves)');
  const { operatorId, alice, bob } = await createOperator(api, adminKey, say);

  step('Two publishers register payees and works (each work split between two payees)');
  const publishers = await createPublishers(api, adminKey, say);

  step('Each publisher offers its catalogue for AI training at EUR 2.00 per 1,000 tokens');
  const offers = await offerCatalogues(api, publishers, say);

  step('An AI firm accepts both offers and reports June 2027 usage');
  const firm = await licenseeReportsUsage(api, adminKey, offers, publishers, say);

  step('The AI firm sets its billing profile and puts a test card on file (pays automatically)');
  await licenseeSetsBilling(api, firm, 'automatic', say);

  step('Finance runs royalties for June 2027 and posts them to the ledger');
  const run = await api.ok('POST', '/v1/royalty-runs', alice, {
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
  });
  await api.until(`/v1/royalty-runs/${run.id}`, alice, (r) => r.status !== 'calculating');
  const posted = await api.ok('POST', `/v1/royalty-runs/${run.id}/post`, alice);
  say(`royalty run ${run.id}: ${posted.status}`);

  step('Statements: what each payee earned');
  for (const p of publishers) {
    for (const s of (await api.ok('GET', `/v1/statements?runId=${run.id}`, p.key)).data) {
      const payee = p.payees.find((x) => x.id === s.payeeId);
      say(
        `${p.name} · ${payee?.name ?? s.payeeId}: gross ${eur(s.gross)}, commission ${eur(s.commission)}, net ${eur(s.net)}`,
      );
    }
  }

  step('Stripe collects the invoices: issued on posting, charged to the card on file');
  let collected = 0;
  for (const invoice of (await api.ok('GET', `/v1/invoices?runId=${run.id}`, alice)).data) {
    const collection = await api.until(
      `/v1/invoices/${invoice.id}/collection`,
      alice,
      (c) => c.status === 'paid',
    );
    collected += Number(collection.paid);
    say(
      `invoice ${invoice.id}: Stripe ${collection.number} ${collection.status}, ${eur(collection.paid)} collected, outstanding ${eur(collection.outstanding)}`,
    );
    say(`  hosted invoice ${collection.hostedInvoiceUrl}`);
  }
  // The emulator keeps its billing apart from Connect's balance: what Stripe collected is made
  // available to the platform's balance here, as Stripe's payout schedule would.
  emulator.fund('eur', collected);
  say(`${eur(collected)} collected through Stripe: the payees' share of it is payable`);

  step('Payees onboard to Stripe Connect (Express); Stripe tells us by account.updated');
  await onboardPayees(api, emulator, publishers, say);

  step('Alice drafts a EUR payout run; she may not approve it herself; Bob approves');
  const draft = await api.ok('POST', '/v1/payout-runs', alice, {
    currency: 'EUR',
    minimumAmount: 100,
  });
  say(
    `draft ${draft.id}: ${draft.totals.items} payees, ${eur(draft.totals.amount)}; left out: ${draft.excluded.length}`,
  );
  const self = await api.call('POST', `/v1/payout-runs/${draft.id}/approve`, alice);
  say(`Alice approves: ${self.__status} ${self.type as string}`);
  const minted = await api.call('POST', `/v1/organizations/${operatorId}/api-keys`, alice, {
    principalName: 'Bob (finance)',
  });
  say(`Alice mints herself a key of Bob's: ${minted.__status} ${minted.type as string}`);
  await api.ok('POST', `/v1/payout-runs/${draft.id}/approve`, bob);
  const paid = await api.until(
    `/v1/payout-runs/${draft.id}`,
    alice,
    (r) => r.status !== 'executing',
  );
  for (const item of paid.items) {
    const payee = publishers.flatMap((p) => p.payees).find((x) => x.id === item.payeeId);
    say(`${payee?.name ?? item.payeeId}: ${eur(item.amount)} ${item.status} by ${item.transferId}`);
  }

  step('July: Acme AI reports again, some of it outside its licence; finance calculates the run');
  await licenseeReportsJuly(api, firm, publishers, say);
  const july = await api.ok('POST', '/v1/royalty-runs', alice, {
    periodStart: '2027-07-01',
    periodEnd: '2027-07-31',
  });
  const calculated = await api.until(
    `/v1/royalty-runs/${july.id}`,
    alice,
    (r) => r.status !== 'calculating',
  );
  say(
    `royalty run ${july.id}: ${calculated.status}, not posted — the publishers see it as accrued`,
  );

  step('Final balances and the trial balance');
  const names = new Map<string, string>([[firm.organizationId, firm.name]]);
  for (const payee of publishers.flatMap((p) => p.payees))
    names.set(payee.id as string, payee.name as string);
  for (const b of (await api.ok('GET', '/v1/balances', alice)).data) {
    const owner = b.ownerId ? (names.get(b.ownerId as string) ?? b.ownerId) : 'platform';
    say(`${String(b.type).padEnd(26)} ${String(owner).padEnd(16)} ${eur(b.balance)}`);
  }
  const trial = await api.ok('GET', '/v1/ledger/trial-balance', alice);
  for (const t of trial.totals)
    say(`${t.currency}: debits ${eur(t.debits)}, credits ${eur(t.credits)}, sum ${t.sum}`);
  say(`trial balance balanced: ${trial.balanced}`);
  say(
    `Stripe: ${emulator.transfers().length} transfers, platform balance ${JSON.stringify(emulator.state.balanceObject().available)}`,
  );
  const allPaid = paid.status === 'completed' && paid.items.every((i: Json) => i.status === 'paid');
  return {
    ok: allPaid && trial.balanced === true,
    alice,
    bob,
    publishers: publishers.map((p) => ({ name: p.name, key: p.key })),
    licensee: { name: firm.name, key: firm.key },
  };
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
