import { StripeEmulatorOptions } from '../../emulator/stripe/server';
import { createWork, freshIsbn } from '../factories/catalogue.factory';
import { offerTerms } from '../factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { calculatedRun } from '../factories/royalties.factory';
import { settledReport, usageReport } from '../factories/usage.factory';
import { PayoutsHarness, startPayouts, waitFor } from './payouts';

/**
 * The app with collection through Stripe on, against an in-process emulator that delivers its
 * signed events to the app (the payouts harness, plus collection's settings: calls unthrottled,
 * retries quick).
 */
export function startCollection(
  overrides: Record<string, string> = {},
  emulatorOptions: StripeEmulatorOptions = {},
): Promise<PayoutsHarness> {
  return startPayouts(
    {
      COLLECTION_THROUGH_STRIPE: 'true',
      COLLECTION_REQUESTS_PER_SECOND: '1000',
      COLLECTION_BACKOFF_MS: '50',
      COLLECTION_ATTEMPTS: '20',
      PLATFORM_COMMISSION_BPS: '1000',
      ...overrides,
    },
    emulatorOptions,
  );
}

export interface LicensedUse {
  publisher: OrganizationFixture;
  licensee: OrganizationFixture;
  workId: string;
  agreementId: string;
  /** The publisher's default payee (the work's only split). */
  payeeId: string;
}

/**
 * A publisher's work under an offer the licensee accepted: `rate` minor units per token of
 * ai-train, EUR, for the given year.
 */
export async function licensedUse(
  h: PayoutsHarness,
  year: number,
  rate = '2',
  licensee?: OrganizationFixture,
): Promise<LicensedUse> {
  const http = h.t.http;
  const publisher = await createOrganization(http);
  const taker = licensee ?? (await createOrganization(http, { kind: 'licensee' }));
  const work = await createWork(http, publisher.key, {
    identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
  });
  const offer = await http.post(
    '/v1/licence-offers',
    publisher.key,
    offerTerms({
      usages: ['ai-train'],
      term: { start: `${year}-01-01`, end: `${year}-12-31` },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate }] },
    }),
  );
  if (offer.status !== 201) throw new Error(`offer: ${offer.text}`);
  const agreement = await http.post('/v1/agreements', taker.key, { offerId: offer.body.id });
  if (agreement.status !== 201) throw new Error(`agreement: ${agreement.text}`);
  const payees = await http.get('/v1/payees', publisher.key);
  return {
    publisher,
    licensee: taker,
    workId: work.id,
    agreementId: agreement.body.id as string,
    payeeId: (payees.body.data as { id: string }[])[0].id,
  };
}

/** The licensee reports `units` tokens of the work for the month; returns the report's id. */
export async function reportUse(
  h: PayoutsHarness,
  use: LicensedUse,
  month: [string, string],
  units: number,
  reportId: string,
  supersedes?: string,
): Promise<string> {
  const sent = await h.t.http.post(
    '/v1/usage-reports',
    use.licensee.key,
    usageReport(
      [{ lineId: `${reportId}-1`, workId: use.workId, usage: 'ai-train', units, unit: 'token' }],
      {
        reportId,
        periodStart: month[0],
        periodEnd: month[1],
        ...(supersedes ? { supersedes } : {}),
      },
    ),
  );
  if (sent.status !== 202) throw new Error(`report: ${sent.text}`);
  const settled = await settledReport(h.t, use.licensee.key, sent.body.id);
  if (settled.body.status !== 'accepted') throw new Error(`report: ${settled.text}`);
  return sent.body.id as string;
}

/** The month's run calculated and posted; its invoices by licensee. */
export async function postedRun(
  h: PayoutsHarness,
  month: [string, string],
): Promise<{ runId: string; invoices: { id: string; licenseeId: string; amount: number }[] }> {
  const run = await calculatedRun(h.t, h.finance[0], month[0], month[1]);
  if (run.body.status !== 'calculated') throw new Error(`run: ${run.text}`);
  const posted = await h.t.http.post(
    `/v1/royalty-runs/${run.body.id as string}/post`,
    h.finance[1],
  );
  if (posted.status !== 200) throw new Error(`post: ${posted.text}`);
  const invoices = await h.t.http.get(
    `/v1/invoices?runId=${run.body.id as string}&limit=200`,
    h.finance[0],
  );
  return { runId: run.body.id as string, invoices: invoices.body.data };
}

/** The invoice's collection once `done` says it has reached what the test waits for. */
/* eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are read, not typed */
type Body = Record<string, any>;

export function collectionWhen(
  h: PayoutsHarness,
  invoiceId: string,
  done: (body: Body) => boolean,
): Promise<Body> {
  return waitFor(
    async () => (await h.t.http.get(`/v1/invoices/${invoiceId}/collection`, h.finance[0])).body,
    done,
  );
}
