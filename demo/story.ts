import type { StripeEmulator } from '../emulator/stripe/server';
import { ApiClient, Json } from './api-client';

/**
 * The story's first acts, shared by the demo and the console's browser tests (which then play
 * finance's part in the browser): an operator with two finance principals, two publishers with
 * works split between two payees each, their offers, an AI firm's June 2027 usage, payees onboarded.
 */
export type Say = (line: string) => void;

export interface Operator {
  operatorId: string;
  alice: string;
  bob: string;
}

export interface Publisher {
  name: string;
  key: string;
  organizationId: string;
  payees: Json[];
  works: Json[];
}

export interface Licensee {
  name: string;
  key: string;
  organizationId: string;
  reportId: string;
  units: bigint;
}

export async function createOperator(
  api: ApiClient,
  adminKey: string,
  say: Say,
): Promise<Operator> {
  const me = await api.ok('GET', '/v1/me', adminKey);
  const operatorId = me.organization.id as string;
  const financeKey = async (name: string) =>
    (
      await api.ok('POST', `/v1/organizations/${operatorId}/api-keys`, adminKey, {
        principalName: name,
        role: 'finance',
      })
    ).key as string;
  const alice = await financeKey('Alice (finance)');
  const bob = await financeKey('Bob (finance)');
  say(`operator ${operatorId}: Alice and Bob hold finance keys`);
  return { operatorId, alice, bob };
}

export async function createPublishers(
  api: ApiClient,
  adminKey: string,
  say: Say,
): Promise<Publisher[]> {
  const publishers: Publisher[] = [];
  for (const [name, author] of [
    ['Northwind Press', 'Ada Lovelace'],
    ['Harbour Books', 'Mary Shelley'],
  ]) {
    const created = await api.ok('POST', '/v1/organizations', adminKey, {
      name,
      kind: 'publisher',
      principal: { name: `${name} rights desk` },
    });
    const key = created.apiKey.key as string;
    const house = (await api.ok('GET', '/v1/payees', key)).data[0];
    const writer = await api.ok('POST', '/v1/payees', key, {
      name: author,
      currency: 'EUR',
      country: 'GB',
    });
    const works: Json[] = [];
    for (const title of [`${author}: Collected Notes`, `${author}: Letters`]) {
      const externalId = `${name.split(' ')[0]}-${works.length + 1}`;
      works.push(
        await api.ok('POST', '/v1/works', key, {
          externalId,
          title,
          kind: 'book',
          identifiers: [{ scheme: 'ext', value: externalId }],
          splits: [
            { payeeId: writer.id, shareBps: 7000 },
            { payeeId: house.id, shareBps: 3000 },
          ],
        }),
      );
    }
    publishers.push({
      name,
      key,
      organizationId: created.organization.id as string,
      payees: [writer, house],
      works,
    });
    say(`${name}: payees ${author} (70 %) and ${house.name} (30 %), ${works.length} works`);
  }
  return publishers;
}

export async function offerCatalogues(api: ApiClient, publishers: Publisher[], say: Say) {
  const offers: Json[] = [];
  for (const p of publishers) {
    offers.push(
      await api.ok('POST', '/v1/licence-offers', p.key, {
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
  return offers;
}

/** Acme AI accepts every offer and reports (i + 1) million tokens of June 2027 for the i-th work. */
export async function licenseeReportsUsage(
  api: ApiClient,
  adminKey: string,
  offers: Json[],
  publishers: Publisher[],
  say: Say,
): Promise<Licensee> {
  const firm = await api.ok('POST', '/v1/organizations', adminKey, {
    name: 'Acme AI',
    kind: 'licensee',
    principal: { name: 'Acme data team' },
  });
  const key = firm.apiKey.key as string;
  for (const offer of offers) await api.ok('POST', '/v1/agreements', key, { offerId: offer.id });
  const works = publishers.flatMap((p) => p.works);
  const lines = works.map((w, i) => ({
    lineId: `line-${i + 1}`,
    workId: w.id,
    usage: 'ai-train',
    units: String((i + 1) * 1_000_000),
    unit: 'token',
  }));
  const units = lines.reduce((sum, l) => sum + BigInt(l.units), 0n);
  const report = await api.ok('POST', '/v1/usage-reports', key, {
    reportId: 'acme-2027-06',
    periodStart: '2027-06-01',
    periodEnd: '2027-06-30',
    lines,
    totals: { lineCount: lines.length, units: String(units) },
  });
  const settled = await api.until(
    `/v1/usage-reports/${report.id}`,
    key,
    (r) => r.status !== 'received' && r.status !== 'processing',
  );
  say(`usage report ${report.id}: ${settled.status}, ${lines.length} lines, ${units} tokens`);
  return {
    name: 'Acme AI',
    key,
    organizationId: firm.organization.id as string,
    reportId: report.id as string,
    units,
  };
}

/** Every payee opens a Stripe Connect account and finishes onboarding (account.updated). */
export async function onboardPayees(
  api: ApiClient,
  emulator: StripeEmulator,
  publishers: Publisher[],
  say: Say,
): Promise<void> {
  for (const p of publishers) {
    for (const payee of p.payees) {
      const account = await api.ok('POST', `/v1/payees/${payee.id}/stripe-account`, p.key, {});
      emulator.onboard(account.stripeAccountId);
      say(`${payee.name}: ${account.stripeAccountId}, link ${account.onboardingUrl}`);
    }
  }
  await emulator.webhooks.idle();
  for (const p of publishers) {
    for (const payee of p.payees) {
      const account = await api.ok('GET', `/v1/payees/${payee.id}/stripe-account`, p.key);
      say(`${payee.name}: payoutsEnabled ${account.payoutsEnabled}`);
    }
  }
}

/**
 * A month later (July 2027) Acme AI reports licensed training again and, on the same works, uses
 * outside its licence (`ai-input`, which no offer grants): matched as out-of-scope, the
 * unlicensed use the publishers' Usage page highlights as a claim to pursue.
 */
export async function licenseeReportsJuly(
  api: ApiClient,
  licensee: Licensee,
  publishers: Publisher[],
  say: Say,
): Promise<Json> {
  const works = publishers.flatMap((p) => p.works);
  const licensed = works.map((w, i) => ({
    lineId: `train-${i + 1}`,
    workId: w.id,
    usage: 'ai-train',
    units: String((i + 1) * 500_000),
    unit: 'token',
  }));
  const unlicensed = works.slice(0, 3).map((w, i) => ({
    lineId: `input-${i + 1}`,
    workId: w.id,
    usage: 'ai-input',
    units: String((i + 1) * 20_000),
    unit: 'token',
  }));
  const lines = [...licensed, ...unlicensed];
  const units = lines.reduce((sum, l) => sum + BigInt(l.units), 0n);
  const report = await api.ok('POST', '/v1/usage-reports', licensee.key, {
    reportId: 'acme-2027-07',
    periodStart: '2027-07-01',
    periodEnd: '2027-07-31',
    lines,
    totals: { lineCount: lines.length, units: String(units) },
  });
  const settled = await api.until(
    `/v1/usage-reports/${report.id}`,
    licensee.key,
    (r) => r.status !== 'received' && r.status !== 'processing',
  );
  say(
    `usage report ${report.id}: ${settled.status}; ${settled.counts.matched} lines licensed, ${settled.counts.outOfScope} out of scope (unlicensed ai-input)`,
  );
  return settled;
}

/**
 * The licensee's billing profile (who its invoices are addressed to, how it pays): `automatic`
 * puts Stripe's test card on file first, so each invoice is charged when Stripe finalizes it;
 * `invoice` has Stripe send it, to be paid on its hosted page (or recorded by hand by finance).
 */
export async function licenseeSetsBilling(
  api: ApiClient,
  licensee: Licensee,
  collectionMethod: 'automatic' | 'invoice',
  say: Say,
): Promise<Json> {
  const profile = {
    name: `${licensee.name} Ltd`,
    email: 'accounts-payable@acme-ai.example',
    address: { line1: '1 Engine Street', city: 'London', postalCode: 'EC1A 1BB', country: 'GB' },
  };
  await api.ok('PUT', '/v1/billing-profile', licensee.key, profile);
  if (collectionMethod === 'automatic') {
    const card = await api.ok('POST', '/v1/billing-profile/payment-method', licensee.key, {
      paymentMethodId: 'pm_card_visa',
    });
    say(
      `${licensee.name}: card on file ${card.paymentMethod.brand} •••• ${card.paymentMethod.last4}`,
    );
  }
  const saved = await api.ok('PUT', '/v1/billing-profile', licensee.key, {
    ...profile,
    collectionMethod,
  });
  say(
    `${licensee.name}: billing profile "${saved.name}", ${saved.email}, pays by ${saved.collectionMethod}; Stripe customer ${saved.stripeCustomerId} (synced ${saved.syncedWithStripe})`,
  );
  return saved;
}
