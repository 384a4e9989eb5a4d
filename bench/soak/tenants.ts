/**
 * The soak's tenants, made through the API as people would make them: publishers whose catalogues
 * come in by import (every work with an ISBN), their default payees onboarded to the Stripe
 * emulator, licensees paying by card on file (automatic collection) under an agreement with every
 * publisher, and two finance principals (one drafts a payout run, the other approves it).
 */
import { StripeEmulator } from '../../emulator/stripe/server';
import { agreedOffer } from '../../test/factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../../test/factories/organization.factory';
import { financeKey, waitFor } from '../../test/support/payouts';
import { Http } from '../../test/support/test-app';
import { isbnOf } from '../catalogue/data';

/** Agreements cover these years: the load's months run from the first. */
export const TERM = { start: '2070-01-01', end: '2079-12-31' };
/** A token of ai-train costs 1 minor unit (EUR). */
const RATE = { usage: 'ai-train', unit: 'token', per: 1, rate: '1' };

export interface Publisher extends OrganizationFixture {
  payeeId: string;
  /** Work ids (those the usage reports name). */
  workIds: string[];
  /** Their ISBNs, for the licence check. */
  isbns: string[];
}

export interface Tenants {
  publishers: Publisher[];
  licensees: OrganizationFixture[];
  finance: [string, string];
}

/**
 * `publishers` publishers of `works` works each (imported), `licensees` licensees each under an
 * agreement with every publisher.
 */
export async function makeTenants(
  http: Http,
  emulator: StripeEmulator,
  sizes: { publishers: number; works: number; licensees: number },
): Promise<Tenants> {
  const finance = [await financeKey({ http }), await financeKey({ http })] as [string, string];
  const publishers: Publisher[] = [];
  for (let p = 0; p < sizes.publishers; p++) {
    const organization = await createOrganization(http);
    const offset = p * sizes.works;
    const isbns = Array.from({ length: sizes.works }, (_, i) => isbnOf(offset + i));
    await importWorks(http, organization.key, isbns, `S${p}`);
    const workIds = await workIdsOf(http, organization.key, sizes.works);
    const payeeId = (await http.get('/v1/payees', organization.key)).body.data[0].id as string;
    const account = await http.post(`/v1/payees/${payeeId}/stripe-account`, organization.key, {});
    if (account.status !== 201) throw new Error(`onboarding: ${account.text}`);
    emulator.onboard(account.body.stripeAccountId as string);
    await emulator.webhooks.idle();
    publishers.push({ ...organization, payeeId, workIds, isbns });
  }
  const licensees: OrganizationFixture[] = [];
  for (let l = 0; l < sizes.licensees; l++) {
    const licensee = await createOrganization(http, { kind: 'licensee' });
    await payByCard(http, licensee.key);
    for (const publisher of publishers) {
      await agreedOffer(http, publisher.key, licensee.key, {
        usages: ['ai-train'],
        term: TERM,
        pricing: { rates: [RATE] },
      });
    }
    licensees.push(licensee);
  }
  return { publishers, licensees, finance };
}

/** The works imported as one NDJSON catalogue import, waited for. */
export async function importWorks(
  http: Http,
  key: string,
  isbns: string[],
  prefix: string,
): Promise<void> {
  const body = isbns
    .map((isbn, i) =>
      JSON.stringify({
        externalId: `${prefix}-${i}`,
        title: `Soak work ${prefix}-${i}`,
        kind: 'book',
        identifiers: [`isbn:${isbn}`],
      }),
    )
    .join('\n');
  const started = await http.request('POST', '/v1/catalogue-imports', {
    key,
    rawBody: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  if (started.status !== 202) throw new Error(`import: ${started.status} ${started.text}`);
  const done = await waitFor(
    async () => (await http.get(`/v1/catalogue-imports/${started.body.id}`, key)).body,
    (state) => state.status === 'completed' || state.status === 'failed',
    600_000,
  );
  if (done.status !== 'completed') throw new Error(`import: ${JSON.stringify(done)}`);
}

/** The publisher's first `count` works' ids, oldest first, page by page. */
async function workIdsOf(http: Http, key: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | null = null;
  do {
    const page = await http.get(
      `/v1/works?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      key,
    );
    if (page.status !== 200) throw new Error(`works: ${page.text}`);
    ids.push(...(page.body.data as { id: string }[]).map((work) => work.id));
    cursor = page.body.nextCursor as string | null;
  } while (cursor && ids.length < count);
  return ids.slice(0, count);
}

/** A billing profile collecting automatically from a card the emulator always charges. */
async function payByCard(http: Http, key: string): Promise<void> {
  const profile = { name: 'Soak AI Ltd', email: 'ap@soak.example' };
  const put = await http.request('PUT', '/v1/billing-profile', { key, body: profile });
  if (put.status !== 200) throw new Error(`billing profile: ${put.text}`);
  const card = await http.post('/v1/billing-profile/payment-method', key, {
    paymentMethodId: 'pm_card_visa',
  });
  if (card.status !== 200) throw new Error(`payment method: ${card.text}`);
  const automatic = await http.request('PUT', '/v1/billing-profile', {
    key,
    body: { ...profile, collectionMethod: 'automatic' },
  });
  if (automatic.status !== 200) throw new Error(`billing profile: ${automatic.text}`);
}
