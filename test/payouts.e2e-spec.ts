import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { ADMIN_KEY } from './support/test-app';
import {
  balancesOf,
  financeKey,
  makePayable,
  payee,
  PayoutsHarness,
  settledRun,
  startPayouts,
} from './support/payouts';

/** Onboarding, holds, drafts, four eyes and a paid run. This file pays in CHF only. */
describe('payouts', () => {
  let h: PayoutsHarness;
  let pub: OrganizationFixture;
  beforeAll(async () => {
    h = await startPayouts({}, { balance: { chf: 10_000_000 } });
    pub = await createOrganization(h.t.http);
  });
  afterAll(() => h.close());

  describe('onboarding', () => {
    it('creates one Express account per payee and a fresh link each time; account.updated keeps it current', async () => {
      const p = await payee(h, pub, { onboard: 'none' });
      const first = await h.t.http.post(`/v1/payees/${p.id}/stripe-account`, pub.key, {
        returnUrl: 'https://publisher.example/done',
      });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        payeeId: p.id,
        payoutsEnabled: false,
        transfersCapability: 'inactive',
        detailsSubmitted: false,
      });
      expect(first.body.stripeAccountId).toMatch(/^acct_/);
      const second = await h.t.http.post(`/v1/payees/${p.id}/stripe-account`, pub.key);
      expect(second.status).toBe(201);
      expect(second.body.stripeAccountId).toBe(first.body.stripeAccountId);
      expect(second.body.onboardingUrl).not.toBe(first.body.onboardingUrl);
      const accounts = [...h.emulator.state.accounts.values()].filter(
        (a) => a.metadata.payeeId === p.id,
      );
      expect(accounts).toHaveLength(1);
      expect(accounts[0]).toMatchObject({
        type: 'express',
        capabilities: { transfers: 'inactive' },
      });

      h.emulator.onboard(first.body.stripeAccountId);
      await h.emulator.webhooks.idle();
      const read = await h.t.http.get(`/v1/payees/${p.id}/stripe-account`, pub.key);
      expect(read.body).toEqual({
        payeeId: p.id,
        stripeAccountId: first.body.stripeAccountId,
        payoutsEnabled: true,
        transfersCapability: 'active',
        detailsSubmitted: true,
      });
    });

    it("answers 404 for another publisher's payee and 403 for finance", async () => {
      const p = await payee(h, pub, { onboard: 'none' });
      const other = await createOrganization(h.t.http);
      const foreign = await h.t.http.post(`/v1/payees/${p.id}/stripe-account`, other.key, {});
      expect(foreign.status).toBe(404);
      expect(foreign.headers['content-type']).toContain('application/problem+json');
      expect(foreign.body.type).toBe('https://rights-ledger.dev/problems/not-found');
      expect(
        (await h.t.http.post(`/v1/payees/${p.id}/stripe-account`, h.finance[0], {})).status,
      ).toBe(403);
      const bad = await h.t.http.post(`/v1/payees/${p.id}/stripe-account`, pub.key, {
        returnUrl: 'nope',
        x: 1,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'returnUrl',
        'x',
      ]);
    });
  });

  describe('holds', () => {
    it("holds and releases once each; another publisher's payee is 404", async () => {
      const p = await payee(h, pub, { onboard: 'none' });
      const held = await h.t.http.post(`/v1/payees/${p.id}/hold`, h.finance[0], {
        reason: 'KYC review',
      });
      expect(held.status).toBe(201);
      expect(held.body).toMatchObject({ payeeId: p.id, reason: 'KYC review', releasedAt: null });
      const again = await h.t.http.post(`/v1/payees/${p.id}/hold`, h.finance[0], {
        reason: 'again',
      });
      expect(again.status).toBe(409);
      expect(again.body.type).toBe('https://rights-ledger.dev/problems/payee-already-on-hold');
      const stranger = await createOrganization(h.t.http);
      expect(
        (await h.t.http.post(`/v1/payees/${p.id}/hold`, stranger.key, { reason: 'x' })).status,
      ).toBe(404);
      expect((await h.t.http.post(`/v1/payees/${p.id}/hold`, h.finance[0], {})).status).toBe(400);
      const released = await h.t.http.post(`/v1/payees/${p.id}/release`, h.finance[1]);
      expect(released.status).toBe(200);
      expect(released.body.releasedAt).not.toBeNull();
      expect((await h.t.http.post(`/v1/payees/${p.id}/release`, h.finance[1])).status).toBe(409);
    });
  });

  describe('payees as finance reads them', () => {
    type Listed = {
      id: string;
      name: string;
      publisherId: string;
      publisherName: string;
      hold: { reason: string; heldAt: string } | null;
      stripeAccountId: string | null;
      payoutsEnabled: boolean;
    };
    const list = async (key: string, query: string) => {
      const response = await h.t.http.get(`/v1/payees?${query}`, key);
      expect(response.status).toBe(200);
      return response.body as { data: Listed[]; nextCursor: string | null };
    };

    it("lists every publisher's payees with hold and Stripe state, filtered; a publisher only its own", async () => {
      const press = await createOrganization(h.t.http, { name: 'Hold Fast Press' });
      const other = await createOrganization(h.t.http, { name: 'Elsewhere Books' });
      const ada = await payee(h, press);
      const grace = await payee(h, press, { onboard: 'started' });
      const alan = await payee(h, press, { onboard: 'none' });
      const foreign = await payee(h, other);
      await h.t.http.post(`/v1/payees/${grace.id}/hold`, h.finance[0], {
        reason: 'W-8BEN missing',
      });

      const all = await list(h.finance[0], `publisherId=${press.id}`);
      expect(all.nextCursor).toBeNull();
      // The publisher's default payee (itself) and its three authors, oldest first.
      const byId = (id: string) => all.data.find((p) => p.id === id)!;
      expect(
        all.data
          .map((p) => [p.name, p.publisherName, p.hold?.reason ?? null])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      ).toEqual(
        [
          ['Hold Fast Press', 'Hold Fast Press', null],
          [ada.name, 'Hold Fast Press', null],
          [grace.name, 'Hold Fast Press', 'W-8BEN missing'],
          [alan.name, 'Hold Fast Press', null],
        ].sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      );
      expect(all.data.map((p) => p.id)).toEqual(all.data.map((p) => p.id).sort());
      expect(byId(ada.id)).toMatchObject({
        id: ada.id,
        publisherId: press.id,
        stripeAccountId: ada.stripeAccountId,
        payoutsEnabled: true,
        isDefault: false,
      });
      expect(byId(grace.id)).toMatchObject({
        stripeAccountId: grace.stripeAccountId,
        payoutsEnabled: false,
        hold: { reason: 'W-8BEN missing', heldAt: expect.any(String) },
      });
      expect(byId(alan.id)).toMatchObject({ stripeAccountId: null, payoutsEnabled: false });

      const held = await list(h.finance[0], `publisherId=${press.id}&held=true`);
      expect(held.data.map((p) => p.id)).toEqual([grace.id]);
      const free = await list(h.finance[0], `publisherId=${press.id}&held=false`);
      expect(free.data.map((p) => p.id)).not.toContain(grace.id);
      expect(free.data).toHaveLength(3);
      const byName = await list(h.finance[0], `q=${encodeURIComponent(ada.name.toUpperCase())}`);
      expect(byName.data.map((p) => p.id)).toEqual([ada.id]);
      // % and _ are letters to q, not wildcards.
      expect((await list(h.finance[0], `publisherId=${press.id}&q=%25`)).data).toEqual([]);
      // Two at a time, by cursor.
      const first = await list(h.finance[0], `publisherId=${press.id}&limit=2`);
      const second = await list(
        h.finance[0],
        `publisherId=${press.id}&limit=2&cursor=${first.nextCursor}`,
      );
      expect([...first.data, ...second.data].map((p) => p.id)).toEqual(all.data.map((p) => p.id));
      expect(second.nextCursor).toBeNull();
      // Across publishers without a filter.
      const everyone: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await list(h.finance[0], `limit=200${cursor ? `&cursor=${cursor}` : ''}`);
        everyone.push(...page.data.map((p) => p.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(everyone).toEqual(expect.arrayContaining([ada.id, foreign.id]));

      // A publisher sees only its own, with the same fields, whatever publisher it names.
      const own = await list(press.key, '');
      expect(own.data.map((p) => p.id)).toEqual(all.data.map((p) => p.id));
      expect(own.data.find((p) => p.id === grace.id)!.hold).toEqual(byId(grace.id).hold);
      expect((await list(press.key, `publisherId=${other.id}`)).data).toEqual([]);
      expect((await list(other.key, 'held=true')).data).toEqual([]);
    });

    it('refuses bad filters and other roles', async () => {
      for (const query of [
        'publisherId=nope',
        'held=yes',
        'q=',
        `q=${'x'.repeat(201)}`,
        'limit=0',
        'cursor=bad',
        'extra=1',
      ]) {
        const bad = await h.t.http.get(`/v1/payees?${query}`, h.finance[0]);
        expect({ query, status: bad.status, type: bad.body.type }).toEqual({
          query,
          status: 400,
          type: expect.stringMatching(/problems\/(validation-failed|invalid-cursor)$/),
        });
      }
      const licensee = await createOrganization(h.t.http, { kind: 'licensee' });
      expect((await h.t.http.get('/v1/payees', licensee.key)).status).toBe(403);
      expect((await h.t.http.get('/v1/payees', ADMIN_KEY)).status).toBe(403);
    });
  });

  describe('a payout run', () => {
    it('drafts who is paid and who is left out, needs a second principal, and pays each once', async () => {
      const paid1 = await payee(h, pub);
      const paid2 = await payee(h, pub);
      const below = await payee(h, pub);
      const held = await payee(h, pub);
      const notOnboarded = await payee(h, pub, { onboard: 'none' });
      const started = await payee(h, pub, { onboard: 'started' });
      const nothing = await payee(h, pub);
      await makePayable(h.t, paid1, 'CHF', 125_000);
      await makePayable(h.t, paid2, 'CHF', 5_000);
      await makePayable(h.t, below, 'CHF', 4_999);
      await makePayable(h.t, held, 'CHF', 9_000);
      await makePayable(h.t, notOnboarded, 'CHF', 7_000);
      await makePayable(h.t, started, 'CHF', 8_000);
      await h.t.http.post(`/v1/payees/${held.id}/hold`, h.finance[0], { reason: 'dispute' });
      const all = [paid1, paid2, below, held, notOnboarded, started, nothing];

      const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'CHF',
        minimumAmount: 5000,
        payeeIds: all.map((p) => p.id),
      });
      expect(draft.status).toBe(201);
      expect(draft.body).toMatchObject({ status: 'draft', currency: 'CHF', minimumAmount: 5000 });
      const byPayee = (rows: { payeeId: string }[]) =>
        Object.fromEntries(rows.map((r) => [all.findIndex((p) => p.id === r.payeeId), r]));
      expect(byPayee(draft.body.items)).toEqual({
        0: expect.objectContaining({
          amount: 125_000,
          status: 'draft',
          transferId: null,
          payeeName: paid1.name,
          publisherId: pub.id,
          publisherName: pub.name,
        }),
        1: expect.objectContaining({ amount: 5_000, status: 'draft', payeeName: paid2.name }),
      });
      const left = (p: typeof below, amount: number, reason: string) => ({
        payeeId: p.id,
        payeeName: p.name,
        publisherName: pub.name,
        amount,
        reason,
      });
      expect(byPayee(draft.body.excluded)).toEqual({
        2: left(below, 4_999, 'below-minimum'),
        3: left(held, 9_000, 'on-hold'),
        4: left(notOnboarded, 7_000, 'not-onboarded'),
        5: left(started, 8_000, 'payouts-not-enabled'),
        6: left(nothing, 0, 'nothing-payable'),
      });
      const drafter = (await h.t.http.get('/v1/me', h.finance[0])).body.principal;
      const approver = (await h.t.http.get('/v1/me', h.finance[1])).body.principal;
      expect(draft.body).toMatchObject({
        createdBy: drafter.id,
        createdByName: drafter.name,
        approvedBy: null,
        approvedByName: null,
      });
      expect(draft.body.totals).toMatchObject({ items: 2, amount: 130_000, draft: 2 });
      expect(draft.body).toMatchObject({ itemsNextCursor: null, excludedNextCursor: null });
      // The same exclusions two at a time, by cursor (a run may leave out 100,000s of payees).
      const pages: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { status: number; body: { data: unknown[]; nextCursor: string | null } } =
          await h.t.http.get(
            `/v1/payout-runs/${draft.body.id}/exclusions?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
            h.finance[0],
          );
        expect(page.status).toBe(200);
        pages.push(page.body.data.length);
        cursor = page.body.nextCursor;
        if (!cursor) break;
      } while (pages.length < 10);
      expect(pages).toEqual([2, 2, 1]);
      const paged = await h.t.http.get(
        `/v1/payout-runs/${draft.body.id}/exclusions?limit=200`,
        h.finance[0],
      );
      expect(paged.body).toEqual({ data: draft.body.excluded, nextCursor: null });
      expect(h.emulator.transfers()).toHaveLength(0);
      const before = await ledgerBalances(h.t.http, h.finance[0], 'CHF');

      const self = await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[0]);
      expect(self.status).toBe(403);
      expect(self.body.type).toBe('https://rights-ledger.dev/problems/four-eyes-required');
      expect(
        (await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, pub.key)).status,
      ).toBe(403);

      const approved = await h.t.http.post(
        `/v1/payout-runs/${draft.body.id}/approve`,
        h.finance[1],
      );
      expect(approved.status).toBe(200);
      expect(approved.body).toMatchObject({
        createdByName: drafter.name,
        approvedBy: approver.id,
        approvedByName: approver.name,
      });
      expect(approved.body.approvedBy).not.toBe(approved.body.createdBy);
      const run = await settledRun(h, draft.body.id);
      expect(run.status).toBe('completed');
      expect(run.totals).toMatchObject({
        items: 2,
        paid: 2,
        pending: 0,
        failed: 0,
        paidAmount: 130_000,
      });
      const transfers = h.emulator.transfers();
      expect(transfers.map((tr) => [tr.destination, tr.amount, tr.currency]).sort()).toEqual(
        [
          [paid1.stripeAccountId, 125_000, 'chf'],
          [paid2.stripeAccountId, 5_000, 'chf'],
        ].sort(),
      );
      for (const item of run.items) {
        const transfer = transfers.find((tr) => tr.id === item.transferId)!;
        expect(transfer.metadata.payoutItemId).toBe(item.id);
        expect(item).toMatchObject({ status: 'paid', attempts: 1, errorCode: null });
      }
      expect(await balancesOf(h, paid1, 'CHF')).toEqual({ payable: 0, pending: 0 });
      expect(await balancesOf(h, below, 'CHF')).toEqual({ payable: 4_999, pending: 0 });
      const again = await h.t.http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
      expect(again.status).toBe(200);
      const other = await h.t.http.post(
        `/v1/payout-runs/${draft.body.id}/approve`,
        await financeKey(h.t),
      );
      expect(other.status).toBe(409);
      expect(other.body).toMatchObject({
        type: 'https://rights-ledger.dev/problems/payout-run-not-draft',
        status: 409,
        state: 'completed',
      });
      expect(h.emulator.transfers()).toHaveLength(2);
      // The two transfers left the platform's Stripe balance and their payees' payable; the
      // payees left out kept theirs.
      expect(await ledgerChangesSince(h.t.http, h.finance[0], 'CHF', before)).toEqual({
        'platform-stripe-clearing:platform': -130_000,
        [`payee-payable:${paid1.id}`]: -125_000,
        [`payee-payable:${paid2.id}`]: -5_000,
      });
    });

    it('refuses an approval when balances changed since the draft', async () => {
      const p = await payee(h, pub);
      await makePayable(h.t, p, 'CHF', 3_000);
      const a = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'CHF',
        payeeIds: [p.id],
      });
      const b = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'CHF',
        payeeIds: [p.id],
      });
      expect(
        (await h.t.http.post(`/v1/payout-runs/${a.body.id}/approve`, h.finance[1])).status,
      ).toBe(200);
      const stale = await h.t.http.post(`/v1/payout-runs/${b.body.id}/approve`, h.finance[1]);
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({
        type: 'https://rights-ledger.dev/problems/payout-run-stale',
        payeeIds: [p.id],
      });
      await settledRun(h, a.body.id);
      expect(
        h.emulator.transfers().filter((tr) => tr.destination === p.stripeAccountId),
      ).toHaveLength(1);
    });

    it('answers problem+json for bad input and unknown runs', async () => {
      const bad = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'chf',
        minimumAmount: '5',
        extra: true,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'currency',
        'extra',
        'minimumAmount',
      ]);
      const malformed = await h.t.http.request('POST', '/v1/payout-runs', {
        key: h.finance[0],
        rawBody: '{"currency":',
      });
      expect(malformed.status).toBe(400);
      expect(malformed.body.type).toBe('https://rights-ledger.dev/problems/malformed-json');
      const unknownPayee = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'CHF',
        payeeIds: ['019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d'],
      });
      expect(unknownPayee.status).toBe(404);
      expect(
        (await h.t.http.get('/v1/payout-runs/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d', h.finance[0]))
          .status,
      ).toBe(404);
      expect((await h.t.http.get('/v1/payout-runs/nope', h.finance[0])).status).toBe(404);
      expect((await h.t.http.get('/v1/payout-runs/nope', pub.key)).status).toBe(403);
    });
  });
  describe('listing runs and items', () => {
    it("pages runs with their totals by status and currency, and a run's items by state", async () => {
      const payees = [await payee(h, pub), await payee(h, pub), await payee(h, pub)];
      for (const [i, p] of payees.entries()) await makePayable(h.t, p, 'PLN', 1_000 * (i + 1));
      const first = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'PLN',
        payeeIds: payees.map((p) => p.id),
      });
      const second = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'PLN',
        payeeIds: [payees[0].id],
      });
      expect(
        (await h.t.http.post(`/v1/payout-runs/${second.body.id}/cancel`, h.finance[0])).status,
      ).toBe(200);
      const cancelledTwice = await h.t.http.post(
        `/v1/payout-runs/${second.body.id}/cancel`,
        h.finance[0],
      );
      expect(cancelledTwice.status).toBe(409);
      expect(cancelledTwice.body).toMatchObject({
        type: 'https://rights-ledger.dev/problems/payout-run-finished',
        status: 409,
        state: 'cancelled',
      });

      // Other files' PLN runs may come first (a jest worker's files share a database): page
      // through them all, a run a page; this test's two runs are the newest.
      const listed: { id: string; status: string; totals: Record<string, number> }[] = [];
      let next: string | null = '';
      while (next !== null) {
        const page: {
          status: number;
          body: { data: typeof listed; nextCursor: string | null };
        } = await h.t.http.get(
          `/v1/payout-runs?currency=PLN&limit=1${next ? `&cursor=${next}` : ''}`,
          h.finance[0],
        );
        expect(page.status).toBe(200);
        expect(page.body.data).toHaveLength(1);
        expect(page.body.data[0]).not.toHaveProperty('items');
        listed.push(...page.body.data);
        next = page.body.nextCursor;
      }
      expect(listed.slice(-2)).toEqual([
        expect.objectContaining({
          id: first.body.id,
          status: 'draft',
          totals: expect.objectContaining({
            items: 3,
            amount: 6_000,
            draft: 3,
            paid: 0,
            paidAmount: 0,
          }),
        }),
        expect.objectContaining({
          id: second.body.id,
          status: 'cancelled',
          totals: expect.objectContaining({ items: 1, amount: 1_000, cancelled: 1, draft: 0 }),
        }),
      ]);
      const drafts = (
        await h.t.http.get('/v1/payout-runs?currency=PLN&status=draft', h.finance[0])
      ).body.data.map((r: { id: string }) => r.id);
      expect(drafts).toContain(first.body.id);
      expect(drafts).not.toContain(second.body.id);
      // The same totals as the run itself shows.
      const run = await h.t.http.get(`/v1/payout-runs/${first.body.id}`, h.finance[0]);
      expect(run.body.totals).toEqual(listed[listed.length - 2].totals);

      const items: { payeeId: string; amount: number }[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page: {
          status: number;
          body: { data: { payeeId: string; amount: number }[]; nextCursor: string | null };
        } = await h.t.http.get(
          `/v1/payout-runs/${first.body.id}/items?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
          h.finance[0],
        );
        expect(page.status).toBe(200);
        items.push(...page.body.data);
        cursor = page.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(2);
      expect(
        items.map((i) => [payees.findIndex((p) => p.id === i.payeeId), i.amount]).sort(),
      ).toEqual([
        [0, 1_000],
        [1, 2_000],
        [2, 3_000],
      ]);
      const paid = await h.t.http.get(
        `/v1/payout-runs/${first.body.id}/items?status=paid`,
        h.finance[0],
      );
      expect(paid.body).toEqual({ data: [], nextCursor: null });
    });

    it('answers problem+json for bad filters, cursors and foreign callers', async () => {
      for (const query of [
        'status=paid',
        'currency=pln',
        'limit=0',
        'limit=201',
        'cursor=bad',
        'extra=1',
      ]) {
        const bad = await h.t.http.get(`/v1/payout-runs?${query}`, h.finance[0]);
        expect({ query, status: bad.status, type: bad.body.type }).toEqual({
          query,
          status: 400,
          type: expect.stringMatching(/problems\/(validation-failed|invalid-cursor)$/),
        });
      }
      const anyRun = await h.t.http.post('/v1/payout-runs', h.finance[0], { currency: 'CHF' });
      expect(
        (await h.t.http.get(`/v1/payout-runs/${anyRun.body.id}/items?status=sent`, h.finance[0]))
          .status,
      ).toBe(400);
      expect(
        (
          await h.t.http.get(
            '/v1/payout-runs/019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8d/items',
            h.finance[0],
          )
        ).status,
      ).toBe(404);
      expect((await h.t.http.get('/v1/payout-runs', pub.key)).status).toBe(403);
      expect((await h.t.http.get(`/v1/payout-runs/${anyRun.body.id}/items`, pub.key)).status).toBe(
        403,
      );
    });
  });

  describe('four eyes', () => {
    it('is not approved by its creator through any key it can obtain (four eyes)', async () => {
      const p = await payee(h, pub);
      await makePayable(h.t, p, 'CHF', 2_500);
      const draft = await h.t.http.post('/v1/payout-runs', h.finance[0], {
        currency: 'CHF',
        payeeIds: [p.id],
      });
      expect(draft.status).toBe(201);
      const alice = (await h.t.http.get('/v1/me', h.finance[0])).body;
      const bob = (await h.t.http.get('/v1/me', h.finance[1])).body;
      const operatorId = alice.organization.id as string;
      const approve = (key: string) =>
        h.t.http.post(`/v1/payout-runs/${draft.body.id as string}/approve`, key);

      // Alice mints a key for an existing finance principal, or a new one: refused.
      for (const body of [
        { principalName: bob.principal.name as string },
        { principalName: bob.principal.name as string, role: 'finance' },
        { principalName: 'bob' },
        { principalName: 'bob', role: 'finance' },
        { principalName: 'bob', role: 'admin' },
      ]) {
        const minted = await h.t.http.post(
          `/v1/organizations/${operatorId}/api-keys`,
          h.finance[0],
          body,
        );
        expect(minted.status).toBe(403);
        expect(minted.body.key).toBeUndefined();
      }
      // Her own second key is still hers.
      const own = await h.t.http.post(`/v1/organizations/${operatorId}/api-keys`, h.finance[0], {});
      expect(own.status).toBe(201);
      expect(own.body.principalId).toBe(alice.principal.id);
      for (const key of [h.finance[0], own.body.key as string]) {
        const self = await approve(key);
        expect(self.status).toBe(403);
        expect(self.body.type).toBe('https://rights-ledger.dev/problems/four-eyes-required');
      }
      expect(
        (await h.t.sql(`SELECT status FROM payout_runs WHERE id = $1`, [draft.body.id]))[0],
      ).toEqual({ status: 'draft' });

      // Bob, whom an admin created, approves.
      const approved = await approve(h.finance[1]);
      expect(approved.status).toBe(200);
      expect(approved.body.approvedBy).toBe(bob.principal.id);
      expect(approved.body.createdBy).toBe(alice.principal.id);
      await settledRun(h, draft.body.id);
    });
  });
});
