import Stripe from 'stripe';
import { ReconciliationService } from '../src/payouts/reconciliation.service';
import { createOrganization } from './factories/organization.factory';
import {
  makePayable,
  payee,
  PayoutsHarness,
  settledRun,
  startPayouts,
  waitFor,
} from './support/payouts';

/** Reconciliation against the emulator. This file pays in AUD only. */
describe('reconciliation', () => {
  let h: PayoutsHarness;
  beforeAll(async () => {
    h = await startPayouts({}, { balance: { aud: 10_000_000 } });
  });
  afterAll(() => h.close());

  const finished = (id: string) =>
    waitFor(
      async () => (await h.t.http.get(`/v1/reconciliations/${id}`, h.finance[0])).body,
      (r) => r.status !== 'running',
    );

  it('finds every difference between paid items and Stripe, including a transfer the ledger does not know', async () => {
    const from = new Date(Date.now() - 60_000).toISOString();
    const pub = await createOrganization(h.t.http);
    const payees = [await payee(h, pub), await payee(h, pub), await payee(h, pub)];
    for (const [i, p] of payees.entries()) await makePayable(h.t, p, 'AUD', 1_000 * (i + 1));
    const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
      currency: 'AUD',
      payeeIds: payees.map((p) => p.id),
    });
    await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
    const run = await settledRun(h, draft.body.id);
    const clean = await h.t.http.post('/v1/reconciliations', h.finance[0], {
      from,
      to: new Date(Date.now() + 60_000).toISOString(),
      currency: 'AUD',
    });
    expect(clean.status).toBe(202);
    expect(clean.body.status).toBe('running');
    expect(await finished(clean.body.id)).toMatchObject({
      status: 'completed',
      summary: { ledgerTransfers: 3, stripeTransfers: 3, matched: 3, differences: 0 },
      differences: [],
    });

    // Someone pays from the dashboard; Stripe loses one of ours; another's amount changes.
    const { url } = { url: h.emulator.url };
    const { hostname, port } = new URL(url);
    const sdk = new Stripe('sk_test_dashboard', {
      host: hostname,
      port: Number(port),
      protocol: 'http',
    });
    const rogue = await sdk.transfers.create({
      amount: 777,
      currency: 'aud',
      destination: payees[0].stripeAccountId!,
    });
    const byPayee = (i: number) =>
      run.items.find((it: { payeeId: string }) => it.payeeId === payees[i].id);
    h.emulator.state.transfers.delete(byPayee(1).transferId);
    h.emulator.state.transfers.get(byPayee(2).transferId)!.amount = 2_999;
    const found = await h.t.http.post('/v1/reconciliations', h.finance[0], {
      from,
      to: new Date(Date.now() + 60_000).toISOString(),
      currency: 'AUD',
    });
    const report = await finished(found.body.id);
    expect(report.summary).toEqual({
      ledgerTransfers: 3,
      stripeTransfers: 3,
      matched: 1,
      differences: 4,
    });
    const kinds = report.differences.map((d: { kind: string; transferId: string }) => [
      d.transferId,
      d.kind,
    ]);
    expect(kinds).toEqual(
      expect.arrayContaining([
        [rogue.id, 'unknown-to-ledger'],
        [byPayee(1).transferId, 'missing-in-stripe'],
        [byPayee(2).transferId, 'amount-mismatch'],
        [byPayee(2).transferId, 'balance-transaction-mismatch'],
      ]),
    );
    expect(
      report.differences.find((d: { kind: string }) => d.kind === 'unknown-to-ledger'),
    ).toEqual({
      kind: 'unknown-to-ledger',
      transferId: rogue.id,
      itemId: null,
      ledger: null,
      stripe: { amount: 777, currency: 'AUD' },
    });
    expect(
      report.differences.find((d: { kind: string }) => d.kind === 'amount-mismatch'),
    ).toMatchObject({
      itemId: byPayee(2).id,
      ledger: { amount: 3_000, currency: 'AUD' },
      stripe: { amount: 2_999, currency: 'AUD' },
    });
  });

  it('lists reconciliations newest first with their summaries and who asked, by status and currency', async () => {
    const asker = (await h.t.http.get('/v1/me', h.finance[0])).body.principal;
    const ask = (from: string, to: string) =>
      h.t.http.post('/v1/reconciliations', h.finance[0], { from, to, currency: 'NZD' });
    const older = await ask('2040-01-01T00:00:00Z', '2040-01-02T00:00:00Z');
    const newer = await ask('2040-01-02T00:00:00Z', '2040-01-03T00:00:00Z');
    expect(newer.body.requestedByName).toBe(asker.name);
    await finished(older.body.id);
    await finished(newer.body.id);

    const listed = await h.t.http.get('/v1/reconciliations?currency=NZD', h.finance[0]);
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      data: [
        {
          id: newer.body.id,
          status: 'completed',
          from: '2040-01-02T00:00:00.000Z',
          to: '2040-01-03T00:00:00.000Z',
          currency: 'NZD',
          requestedBy: asker.id,
          requestedByName: asker.name,
          createdAt: newer.body.createdAt,
          completedAt: expect.any(String),
          summary: { ledgerTransfers: 0, stripeTransfers: 0, matched: 0, differences: 0 },
          error: null,
        },
        expect.objectContaining({ id: older.body.id, from: '2040-01-01T00:00:00.000Z' }),
      ],
      nextCursor: null,
    });
    expect(listed.body.data[0]).not.toHaveProperty('differences');
    const first = await h.t.http.get('/v1/reconciliations?currency=NZD&limit=1', h.finance[0]);
    expect(first.body.data.map((r: { id: string }) => r.id)).toEqual([newer.body.id]);
    const rest = await h.t.http.get(
      `/v1/reconciliations?currency=NZD&limit=1&cursor=${first.body.nextCursor}`,
      h.finance[0],
    );
    expect(rest.body).toEqual({ data: [listed.body.data[1]], nextCursor: null });
    expect(
      (await h.t.http.get('/v1/reconciliations?currency=NZD&status=running', h.finance[0])).body,
    ).toEqual({ data: [], nextCursor: null });

    for (const query of ['status=done', 'currency=nzd', 'limit=201', 'cursor=bad', 'extra=1']) {
      const bad = await h.t.http.get(`/v1/reconciliations?${query}`, h.finance[0]);
      expect({ query, status: bad.status }).toEqual({ query, status: 400 });
      expect(bad.headers['content-type']).toContain('application/problem+json');
    }
    const pub = await createOrganization(h.t.http);
    expect((await h.t.http.get('/v1/reconciliations', pub.key)).status).toBe(403);
  });

  it('validates the range and hides nothing from finance only', async () => {
    const pub = await createOrganization(h.t.http);
    const backwards = await h.t.http.post('/v1/reconciliations', h.finance[0], {
      from: '2027-07-02T00:00:00Z',
      to: '2027-07-01T00:00:00Z',
    });
    expect(backwards.status).toBe(400);
    expect(backwards.body.type).toBe('https://rights-ledger.dev/problems/invalid-range');
    const bad = await h.t.http.post('/v1/reconciliations', h.finance[0], {
      from: 'yesterday',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
      'extra',
      'from',
      'to',
    ]);
    expect(
      (await h.t.http.post('/v1/reconciliations', pub.key, { from: 'x', to: 'y' })).status,
    ).toBe(403);
    expect(
      (await h.t.http.get('/v1/reconciliations/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', h.finance[0]))
        .status,
    ).toBe(404);
  });

  it('schedules one reconciliation of the previous UTC day', async () => {
    const service = h.t.app.get(ReconciliationService);
    await service.scheduled(new Date('2041-03-05T02:00:00Z'));
    await service.scheduled(new Date('2041-03-05T09:00:00Z'));
    const rows = await h.t.sql<{
      range_from: Date;
      range_to: Date;
      requested_by_principal_id: null;
    }>(
      `SELECT range_from, range_to, requested_by_principal_id FROM reconciliations
        WHERE range_from = '2041-03-04T00:00:00Z'`,
    );
    expect(rows).toEqual([
      {
        range_from: new Date('2041-03-04T00:00:00Z'),
        range_to: new Date('2041-03-05T00:00:00Z'),
        requested_by_principal_id: null,
      },
    ]);
  });
});
