import { calculatedRun } from './factories/royalties.factory';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { financeKey } from './support/payouts';
import { startTestApp, TestApp } from './support/test-app';

/**
 * Which split version shares a charge: the one in force on the period's last day, whatever
 * changed before or after it. This file keeps to 2050 (June, September), which no other test reports in.
 */
describe('royalty runs share charges by the splits in force at the period end', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let x: { id: string };
  let y: { id: string };

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    finance = await financeKey(t);
    x = await createPayee(t.http, publisher.key);
    y = await createPayee(t.http, publisher.key);
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2050-01-01', end: '2050-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1, rate: '1' }] },
      }),
    );
    expect(
      (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id })).status,
    ).toBe(201);
  });
  afterAll(() => t.close());

  const resplit = async (workId: string, splits: [string, number][], effectiveFrom: string) => {
    const patched = await t.http.request('PATCH', `/v1/works/${workId}`, {
      key: publisher.key,
      body: {
        splits: splits.map(([payeeId, shareBps]) => ({ payeeId, shareBps })),
        splitsEffectiveFrom: effectiveFrom,
      },
    });
    expect(patched.status).toBe(200);
    return patched.body.splitVersion as number;
  };

  it('takes the latest version in force on the last day, not a later one nor an earlier one', async () => {
    // Version 1: all to x. Version 2 (from 15 June): 2/3 y, 1/3 x. Version 3 (from 1 July): all y.
    const changed = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [{ payeeId: x.id, shareBps: 10000 }],
    });
    expect(
      await resplit(
        changed.id,
        [
          [x.id, 3333],
          [y.id, 6667],
        ],
        '2050-06-15',
      ),
    ).toBe(2);
    expect(await resplit(changed.id, [[y.id, 10000]], '2050-07-01')).toBe(3);
    // Split only after the period: its first version shares June.
    const later = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [
        { payeeId: x.id, shareBps: 5000 },
        { payeeId: y.id, shareBps: 5000 },
      ],
    });
    expect(await resplit(later.id, [[y.id, 10000]], '2050-08-01')).toBe(2);

    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          { lineId: '1', workId: changed.id, usage: 'ai-train', units: 1001, unit: 'token' },
          { lineId: '2', workId: later.id, usage: 'ai-train', units: 301, unit: 'token' },
        ].map((line) => ({ ...line, occurredOn: '2050-06-10' })),
        { periodStart: '2050-06-01', periodEnd: '2050-06-30' },
      ),
    );
    expect((await settledReport(t, licensee.key, report.body.id)).body.counts.matched).toBe(2);

    const run = await calculatedRun(t, finance, '2050-06-01', '2050-06-30');
    expect(run.body.status).toBe('calculated');
    const versions = await t.sql<{ work_id: string; split_version: number }>(
      `SELECT work_id, split_version FROM royalty_charges WHERE run_id = $1 ORDER BY line_no`,
      [run.body.id],
    );
    expect(Object.fromEntries(versions.map((v) => [v.work_id, v.split_version]))).toEqual({
      [changed.id]: 2,
      [later.id]: 1,
    });
    // 1,001 (commission 100) by version 2: x 3333 bps → 333.63 → 334 (the larger remainder),
    // y 6667 → 667.37 → 667; commission 33.33 → 33 and 66.67 → 67. 301 (commission 30) by
    // version 1, half each: 150.5 and 150.5, the spare unit to the lower payee id; 15 and 15.
    const statements = (await t.http.get(`/v1/statements?runId=${run.body.id as string}`, finance))
      .body.data as { payeeId: string; gross: number; commission: number }[];
    const figures = Object.fromEntries(statements.map((s) => [s.payeeId, [s.gross, s.commission]]));
    const [first] = [x.id, y.id].sort();
    const tie = (payee: string, whole: number) => (payee === first ? whole + 1 : whole);
    expect(figures).toEqual({
      [x.id]: [334 + tie(x.id, 150), 33 + 15],
      [y.id]: [667 + tie(y.id, 150), 67 + 15],
    });
  });

  it('shares a work without a recorded split shape by its split version, as one with a shape', async () => {
    // Two works split alike point at one shape; one of them as a work written before shapes
    // were kept (no shape): the run finds its version and shape in work_splits instead.
    const split = [
      { payeeId: x.id, shareBps: 5000 },
      { payeeId: y.id, shareBps: 5000 },
    ];
    const shaped = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: split,
    });
    const unshaped = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [...split].reverse(),
    });
    const [shape] = await t.sql<{ a: number; b: number }>(
      `SELECT (SELECT split_shape_id FROM works WHERE id = $1) AS a,
              (SELECT split_shape_id FROM works WHERE id = $2) AS b`,
      [shaped.id, unshaped.id],
    );
    expect(shape.a).toEqual(expect.any(Number));
    expect(shape.b).toBe(shape.a);
    await t.sql(`UPDATE works SET split_shape_id = NULL WHERE id = $1`, [unshaped.id]);

    const report = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          { lineId: '1', workId: shaped.id, usage: 'ai-train', units: 301, unit: 'token' },
          { lineId: '2', workId: unshaped.id, usage: 'ai-train', units: 301, unit: 'token' },
        ].map((line) => ({ ...line, occurredOn: '2050-09-10' })),
        { periodStart: '2050-09-01', periodEnd: '2050-09-30' },
      ),
    );
    expect((await settledReport(t, licensee.key, report.body.id)).body.counts.matched).toBe(2);
    const run = await calculatedRun(t, finance, '2050-09-01', '2050-09-30');
    expect(run.body.status).toBe('calculated');
    const charges = await t.sql<{ work_id: string; split_version: number; split_shape_id: number }>(
      `SELECT work_id, split_version, split_shape_id FROM royalty_charges WHERE run_id = $1
        ORDER BY work_id`,
      [run.body.id],
    );
    expect(charges).toEqual(
      [shaped.id, unshaped.id]
        .sort()
        .map((workId) => ({ work_id: workId, split_version: 1, split_shape_id: shape.a })),
    );
    // Each 301 (commission 30) half each: 150.5 twice, the spare unit to the lower payee id.
    const statements = (await t.http.get(`/v1/statements?runId=${run.body.id as string}`, finance))
      .body.data as { payeeId: string; gross: number; commission: number }[];
    const [first] = [x.id, y.id].sort();
    expect(Object.fromEntries(statements.map((s) => [s.payeeId, [s.gross, s.commission]]))).toEqual(
      {
        [x.id]: [x.id === first ? 302 : 300, 30],
        [y.id]: [y.id === first ? 302 : 300, 30],
      },
    );
  });
});
