/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read, not typed */
import { randomUUID } from 'node:crypto';
import { createPayee, freshIsbn, workBody } from '../factories/catalogue.factory';
import { offerTerms } from '../factories/licensing.factory';
import { createOrganization, OrganizationFixture } from '../factories/organization.factory';
import { calculated } from '../factories/royalties.factory';
import { settledReport, usageReport } from '../factories/usage.factory';
import { makePayable, payee as onboardedPayee, PayoutsHarness, waitFor } from '../support/payouts';
import { ADMIN_KEY, TestApp, TestResponse } from '../support/test-app';

/** The organizations of the world: who owns what, and who is related to whom. */
export type Party = 'operator' | 'publisherA' | 'publisherB' | 'licenseeA' | 'licenseeB';

/**
 * Resource kinds, one per path segment that names a resource by id (`/v1/<segment>/{id}`).
 * A route whose segment is not here fails the matrix and the fuzzer: give the world one.
 */
export type ResourceKind =
  | 'organization'
  | 'api-key'
  | 'payee'
  | 'work'
  | 'catalogue-import'
  | 'licence-offer'
  | 'agreement'
  | 'usage-report'
  | 'licence-receipt'
  | 'ledger-account'
  | 'royalty-run'
  | 'statement'
  | 'invoice'
  | 'payout-run'
  | 'reconciliation';

const KIND_BY_SEGMENT: Record<string, ResourceKind> = {
  organizations: 'organization',
  'api-keys': 'api-key',
  payees: 'payee',
  works: 'work',
  'catalogue-imports': 'catalogue-import',
  'licence-offers': 'licence-offer',
  agreements: 'agreement',
  'usage-reports': 'usage-report',
  'licence-receipts': 'licence-receipt',
  'ledger/accounts': 'ledger-account',
  'royalty-runs': 'royalty-run',
  statements: 'statement',
  invoices: 'invoice',
  'payout-runs': 'payout-run',
  reconciliations: 'reconciliation',
  rsl: 'organization',
  'billing-profiles': 'organization',
};

/** The kind a path template's `{id}` names, from the segment before it. */
export function kindOfPath(path: string): ResourceKind | undefined {
  const match = /^\/(?:v1\/)?(.+?)\/\{[^}]+\}/.exec(path);
  return match ? KIND_BY_SEGMENT[match[1]] : undefined;
}

export interface Resource {
  kind: ResourceKind;
  id: string;
  owner: Party;
}

export interface FuzzWorld {
  keys: Record<Party, string> & { finance: [string, string] };
  organizationIds: Record<Party, string>;
  resources: Resource[];
  /** Keys that may be revoked by a fuzzed DELETE without the world losing a caller. */
  spareKeyIds: string[];
  /** Identifiers of works, as a licence check or a usage line would name them. */
  identifiers: string[];
}

function expectStatus(response: TestResponse, status: number, what: string): any {
  if (response.status !== status) {
    throw new Error(`world: ${what} answered ${response.status} ${response.text.slice(0, 300)}`);
  }
  return response.body;
}

/**
 * Two publishers, two licensees and the operator, and one of each resource kind for publisher A
 * and its licensee (and several for B): made through the API, as the product's users would.
 * Usage is matched, a royalty run posted and paid, a payout run drafted, so every route has
 * something real to read.
 */
export async function buildWorld(h: PayoutsHarness): Promise<FuzzWorld> {
  const t: TestApp = h.t;
  const resources: Resource[] = [];
  const add = (kind: ResourceKind, id: string, owner: Party) => resources.push({ kind, id, owner });

  const orgs: Record<Exclude<Party, 'operator'>, OrganizationFixture> = {
    publisherA: await createOrganization(t.http, { name: 'Northwind Press' }),
    publisherB: await createOrganization(t.http, { name: 'Harbour Books' }),
    licenseeA: await createOrganization(t.http, { name: 'Acme AI', kind: 'licensee' }),
    licenseeB: await createOrganization(t.http, { name: 'Unrelated AI', kind: 'licensee' }),
  };
  const me = await t.http.get('/v1/me', ADMIN_KEY);
  const operatorId = me.body.organization.id as string;
  const organizationIds = {
    operator: operatorId,
    ...Object.fromEntries(Object.entries(orgs).map(([party, org]) => [party, org.id])),
  } as Record<Party, string>;
  for (const [party, org] of Object.entries(orgs)) {
    add('organization', org.id, party as Party);
    add('api-key', org.apiKeyId, party as Party);
  }

  const spareKeyIds: string[] = [];
  for (const org of Object.values(orgs)) {
    const spare = await t.http.post(`/v1/organizations/${org.id}/api-keys`, ADMIN_KEY, {
      principalName: `spare-${randomUUID().slice(0, 6)}`,
      role: org.kind,
    });
    spareKeyIds.push(expectStatus(spare, 201, 'spare key').id as string);
  }

  const identifiers: string[] = [];
  for (const party of ['publisherA', 'publisherB'] as const) {
    const key = orgs[party].key;
    const payee = await onboardedPayee(h, orgs[party]);
    add('payee', payee.id, party);
    const second = await createPayee(t.http, key);
    add('payee', second.id, party);
    const isbn = freshIsbn().isbn13;
    identifiers.push(`isbn:${isbn}`);
    const work = expectStatus(
      await t.http.post(
        '/v1/works',
        key,
        workBody({
          identifiers: [{ scheme: 'isbn', value: isbn }],
          splits: [
            { payeeId: payee.id, shareBps: 7000 },
            { payeeId: second.id, shareBps: 3000 },
          ],
        }),
      ),
      201,
      'work',
    );
    add('work', work.id as string, party);
    const imported = await t.app.inject({
      method: 'POST',
      url: '/v1/catalogue-imports',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      payload: `${JSON.stringify({ externalId: `IMP-${randomUUID()}`, title: 'Imported', kind: 'article' })}\n{"broken":\n`,
    });
    const importId = (JSON.parse(imported.body) as { id: string }).id;
    add('catalogue-import', importId, party);
    await waitFor(
      () => t.http.get(`/v1/catalogue-imports/${importId}`, key),
      (r) => r.body.status !== 'processing' && r.body.status !== 'queued',
    );
    const offer = expectStatus(
      await t.http.post(
        '/v1/licence-offers',
        key,
        offerTerms({ usages: ['ai-train'], term: { start: '2027-01-01', end: '2027-12-31' } }),
      ),
      201,
      'offer',
    );
    add('licence-offer', offer.id as string, party);
  }

  // Licensee A accepts publisher A's offer and reports June 2027; licensee B reports nothing licensed.
  const offerA = resources.find((r) => r.kind === 'licence-offer' && r.owner === 'publisherA')!;
  const agreement = expectStatus(
    await t.http.post('/v1/agreements', orgs.licenseeA.key, { offerId: offerA.id }),
    201,
    'agreement',
  );
  add('agreement', agreement.id as string, 'publisherA');
  // Licensee A's line cites the receipt of its licence check (GET /v1/licence-receipts/{id}).
  const checked = expectStatus(
    await t.http.get(
      `/v1/licence-check?identifier=${identifiers[0]}&usage=ai-train&at=2027-06-10`,
      orgs.licenseeA.key,
    ),
    200,
    'licence check',
  );
  const receiptId = checked.receipt.id as string;
  add('licence-receipt', receiptId, 'licenseeA');
  for (const party of ['licenseeA', 'licenseeB'] as const) {
    const report = expectStatus(
      await t.http.post(
        '/v1/usage-reports',
        orgs[party].key,
        usageReport([
          {
            lineId: 'l1',
            identifier: identifiers[0],
            usage: 'ai-train',
            units: 2_000_000,
            unit: 'token',
            ...(party === 'licenseeA' ? { receiptId } : {}),
          },
        ]),
      ),
      202,
      'usage report',
    );
    add('usage-report', report.id as string, party);
    await settledReport(t, orgs[party].key, report.id as string);
  }

  const [finance, approver] = h.finance;
  const run = expectStatus(
    await t.http.post('/v1/royalty-runs', finance, {
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
    }),
    202,
    'royalty run',
  );
  add('royalty-run', run.id as string, 'operator');
  await calculated(t, finance, run.id as string);
  expectStatus(await t.http.post(`/v1/royalty-runs/${run.id}/post`, finance), 200, 'posting');
  await waitFor(
    () => t.http.get(`/v1/royalty-runs/${run.id}`, finance),
    (r) => r.body.status === 'posted',
  );
  const statements = await t.http.get(`/v1/statements?runId=${run.id}`, finance);
  for (const statement of statements.body.data) add('statement', statement.id, 'publisherA');
  const invoices = await t.http.get(`/v1/invoices?runId=${run.id}`, finance);
  for (const invoice of invoices.body.data) add('invoice', invoice.id, 'licenseeA');

  const balances = await t.http.get('/v1/balances', orgs.publisherA.key);
  for (const account of balances.body.data) add('ledger-account', account.accountId, 'publisherA');

  const payeeA = resources.find((r) => r.kind === 'payee' && r.owner === 'publisherA')!;
  await makePayable(t, { id: payeeA.id, organizationId: orgs.publisherA.id }, 'EUR', 10_000);
  const payoutRun = expectStatus(
    await t.http.post('/v1/payout-runs', finance, { currency: 'EUR' }),
    201,
    'payout run',
  );
  add('payout-run', payoutRun.id as string, 'operator');
  const reconciliation = await t.http.post('/v1/reconciliations', approver, {
    from: '2027-07-01T00:00:00Z',
    to: '2027-07-02T00:00:00Z',
  });
  add(
    'reconciliation',
    expectStatus(reconciliation, 202, 'reconciliation').id as string,
    'operator',
  );

  return {
    keys: {
      operator: ADMIN_KEY,
      finance: [finance, approver],
      publisherA: orgs.publisherA.key,
      publisherB: orgs.publisherB.key,
      licenseeA: orgs.licenseeA.key,
      licenseeB: orgs.licenseeB.key,
    },
    organizationIds,
    resources,
    spareKeyIds,
    identifiers,
  };
}
