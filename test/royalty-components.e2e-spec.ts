import { calculatedRun } from './factories/royalties.factory';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

/**
 * A flat fee pro-rated by days, a revenue share, a minimum guarantee's shortfall, and a fee with
 * no usage at all: hand-checked figures. This file keeps to 2030, which no other test reports in.
 */
describe('royalty pricing components', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let x: { id: string };
  let y: { id: string };
  let defaultPayee: string;
  let first: string;
  let second: string;

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    finance = (
      await t.http.post(
        `/v1/organizations/${me.body.organization.id as string}/api-keys`,
        ADMIN_KEY,
        {
          principalName: `finance-${Math.random().toString(36).slice(2)}`,
          role: 'finance',
        },
      )
    ).body.key;
    x = await createPayee(t.http, publisher.key);
    y = await createPayee(t.http, publisher.key);
    defaultPayee = (
      await t.sql<{ id: string }>(
        `SELECT id FROM payees WHERE organization_id = $1 AND is_default`,
        [publisher.id],
      )
    )[0].id;
    const a = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [
        { payeeId: x.id, shareBps: 5000 },
        { payeeId: y.id, shareBps: 5000 },
      ],
    });
    const b = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    const offer1 = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-input'],
        term: { start: '2030-06-16', end: '2030-12-31' },
        pricing: {
          flatFee: { amount: 30000, period: 'month' },
          revenueShareBps: 2000,
          minimumGuarantee: { amount: 80000, period: 'month' },
        },
      }),
    );
    const offer2 = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['search'],
        term: { start: '2030-01-01', end: '2030-12-31' },
        pricing: { flatFee: { amount: 9100, period: 'quarter' } },
      }),
    );
    first = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer1.body.id })).body
      .id;
    second = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer2.body.id })).body
      .id;
    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          {
            lineId: 'a',
            workId: a.id,
            usage: 'ai-input',
            units: 10,
            unit: 'request',
            occurredOn: '2030-06-20',
            revenue: 50000,
          },
          {
            lineId: 'b',
            workId: b.id,
            usage: 'ai-input',
            units: 4,
            unit: 'request',
            occurredOn: '2030-06-21',
            revenue: 25001,
          },
        ],
        { reportId: 'components', periodStart: '2030-06-01', periodEnd: '2030-06-30' },
      ),
    );
    expect((await settledReport(t, licensee.key, report.body.id)).body.counts.matched).toBe(2);
  });
  afterAll(() => t.close());

  it('charges each component exactly and spreads it over works and payees to the cent', async () => {
    const run = await calculatedRun(t, finance, '2030-06-01', '2030-06-30');
    expect(run.body.status).toBe('calculated');
    const invoices = (await t.http.get(`/v1/invoices?runId=${run.body.id as string}`, finance)).body
      .data as {
      agreementId: string;
      amount: number;
      commission: number;
      exactTotal: string;
    }[];
    const byAgreement = Object.fromEntries(
      invoices.map((i) => [i.agreementId, [i.amount, i.commission]]),
    );
    // First: flat fee 30,000 × 15/30 days = 15,000; revenue share 20 % of 50,000 and 25,001 =
    // 15,000.2; guarantee 80,000 × 15/30 = 40,000, short by 9,999.8: invoiced 40,000.
    // Second: no usage; 9,100 a quarter × 30/91 days = 3,000.
    expect(byAgreement).toEqual({ [first]: [40000, 4000], [second]: [3000, 300] });
    expect(Number(invoices.find((i) => i.agreementId === first)!.exactTotal)).toBe(40000);

    const statements = (await t.http.get(`/v1/statements?runId=${run.body.id as string}`, finance))
      .body.data as {
      payeeId: string;
      gross: number;
      commission: number;
      net: number;
      id: string;
    }[];
    const figures = Object.fromEntries(
      statements.map((s) => [s.payeeId, [s.gross, s.commission, s.net]]),
    );
    // Work A (x and y, half each): flat 10,000, guarantee 6,667, share 10,000; work B (default
    // payee): 5,000, 3,333, 5,000; the second agreement's fee with no work: the default payee.
    expect(figures).toEqual({
      [x.id]: [13334, 1334, 12000],
      [y.id]: [13333, 1333, 12000],
      [defaultPayee]: [16333, 1633, 14700],
    });
    const own = (
      await t.http.get(
        `/v1/statements/${statements.find((s) => s.payeeId === defaultPayee)!.id}`,
        finance,
      )
    ).body.lines as {
      kind: string;
      workId: string | null;
      gross: number;
      units: string | null;
      rate: string | null;
    }[];
    expect(own.map((l) => [l.kind, l.gross])).toEqual([
      ['flat-fee', 5000],
      ['minimum-guarantee', 3333],
      ['revenue-share', 5000],
      ['flat-fee', 3000],
    ]);
    expect(own[2]).toMatchObject({ units: '25001', rate: '2000' });
    expect(own[3].workId).toBeNull();
  });
});
