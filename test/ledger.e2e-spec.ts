import fc from 'fast-check';
import { AccountKey } from '../src/ledger/ledger-accounts';
import { JournalEntry } from '../src/ledger/journal-entry';
import { LedgerService } from '../src/ledger/ledger.service';
import { createPayee } from './factories/catalogue.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { LedgerBalances, ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

describe('ledger', () => {
  const stamp = Date.now();
  let t: TestApp;
  let ledger: LedgerService;
  let publisher: OrganizationFixture;
  let otherPublisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let financeKey: string;
  let payee: { id: string };
  let receivable: AccountKey;
  let payable: AccountKey;
  const commission: AccountKey = {
    type: 'platform-commission',
    ownerId: null,
    organizationId: null,
    currency: 'EUR',
  };

  beforeAll(async () => {
    t = await startTestApp();
    ledger = t.app.get(LedgerService);
    publisher = await createOrganization(t.http);
    otherPublisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    const me = await t.http.get('/v1/me', ADMIN_KEY);
    const issued = await t.http.post(
      `/v1/organizations/${me.body.organization.id as string}/api-keys`,
      ADMIN_KEY,
      { principalName: `finance-${Math.random().toString(36).slice(2)}`, role: 'finance' },
    );
    expect(issued.status).toBe(201);
    financeKey = issued.body.key;
    payee = await createPayee(t.http, publisher.key);
    receivable = {
      type: 'licensee-receivable',
      ownerId: licensee.id,
      organizationId: licensee.id,
      currency: 'EUR',
    };
    payable = {
      type: 'payee-payable',
      ownerId: payee.id,
      organizationId: publisher.id,
      currency: 'EUR',
    };
  });
  afterAll(() => t.close());

  const sale = (key: string, gross: bigint, fee: bigint): JournalEntry => ({
    idempotencyKey: key,
    reason: 'test accrual',
    refs: { test: key },
    postings: [
      { account: receivable, amount: gross },
      { account: payable, amount: -(gross - fee) },
      { account: commission, amount: -fee },
    ],
  });

  const balanceOf = (
    rows: { type: string; ownerId: string | null; balance: number }[],
    type: string,
  ) => rows.filter((row) => row.type === type);

  it('posts a balanced transaction once, and shows each party only its own balances', async () => {
    const first = await ledger.postNow(sale(`sale-${Date.now()}`, 10_000n, 1_000n));
    const retry = await ledger.postNow(sale(first.idempotencyKey, 10_000n, 1_000n));
    expect(retry).toEqual({ ...first, replayed: true });
    await expect(ledger.postNow(sale(first.idempotencyKey, 10_000n, 2_000n))).rejects.toMatchObject(
      {
        code: 'ledger-idempotency-conflict',
      },
    );
    const postings = await t.sql(
      `SELECT n, amount FROM ledger_postings WHERE transaction_id = $1 ORDER BY n`,
      [first.id],
    );
    expect(postings).toEqual([
      { n: 1, amount: '10000' },
      { n: 2, amount: '-9000' },
      { n: 3, amount: '-1000' },
    ]);

    const mine = await t.http.get('/v1/balances', publisher.key);
    expect(mine.status).toBe(200);
    expect(mine.body.data).toEqual([
      {
        accountId: expect.any(String),
        type: 'payee-payable',
        ownerId: payee.id,
        currency: 'EUR',
        balance: 9000,
        normalSide: 'credit',
      },
    ]);
    expect(mine.body.nextCursor).toBeNull();
    expect((await t.http.get('/v1/balances', otherPublisher.key)).body.data).toEqual([]);
    // Finance sees every account: a page at a time, each account once, in the same order.
    const whole = await t.http.get('/v1/balances?limit=200', financeKey);
    const walked: unknown[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 3; page++) {
      const response: { body: { data: unknown[]; nextCursor: string | null } } = await t.http.get(
        `/v1/balances?limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        financeKey,
      );
      walked.push(...response.body.data);
      cursor = response.body.nextCursor;
      if (!cursor) break;
    }
    expect(whole.body.data.length).toBeGreaterThanOrEqual(3);
    expect(walked).toEqual(whole.body.data.slice(0, 6));
    const theirs = await t.http.get('/v1/balances?currency=EUR', licensee.key);
    expect(balanceOf(theirs.body.data, 'licensee-receivable')).toEqual([
      expect.objectContaining({ ownerId: licensee.id, balance: 10000, normalSide: 'debit' }),
    ]);
    expect((await t.http.get('/v1/balances?currency=euro', licensee.key)).status).toBe(400);

    const entries = await t.http.get(
      `/v1/ledger/accounts/${mine.body.data[0].accountId as string}/entries`,
      publisher.key,
    );
    expect(entries.body.data).toEqual([
      expect.objectContaining({ transactionId: first.id, amount: -9000, reason: 'test accrual' }),
    ]);
    expect(
      (
        await t.http.get(
          `/v1/ledger/accounts/${mine.body.data[0].accountId as string}/entries`,
          otherPublisher.key,
        )
      ).status,
    ).toBe(404);
    expect((await t.http.get('/v1/ledger/trial-balance', publisher.key)).status).toBe(403);
    expect((await t.http.get('/v1/ledger/verify', licensee.key)).status).toBe(403);
  });

  it('refuses unbalanced postings in the code and in the database', async () => {
    await expect(
      ledger.postNow({
        idempotencyKey: `bad-${Date.now()}`,
        reason: 'unbalanced',
        refs: {},
        postings: [
          { account: receivable, amount: 100n },
          { account: payable, amount: -99n },
        ],
      }),
    ).rejects.toThrow('do not balance in EUR (off by 1)');
    const [{ id: accountId }] = await t.sql<{ id: string }>(
      `SELECT id FROM ledger_accounts WHERE type = 'payee-payable' AND owner_id = $1`,
      [payee.id],
    );
    await expect(
      t.sql(
        `WITH t AS (INSERT INTO ledger_transactions (id, seq, idempotency_key, request_hash, reason, prev_hash, hash)
                    VALUES (gen_random_uuid(), 999999, 'sql-bad', '\\x00', 'x', '\\x${'00'.repeat(32)}', '\\x${'00'.repeat(32)}')
                    RETURNING id)
         INSERT INTO ledger_postings (transaction_id, n, account_id, currency, amount)
         SELECT t.id, n, $1, 'EUR', a FROM t, (VALUES (1, 5), (2, -4)) v(n, a)`,
        [accountId],
      ),
    ).rejects.toThrow('does not balance in EUR: 1');
  });

  it('is append-only in the database', async () => {
    const posted = await ledger.postNow(sale(`append-${Date.now()}`, 500n, 50n));
    await expect(
      t.sql(`UPDATE ledger_postings SET amount = 1 WHERE transaction_id = $1`, [posted.id]),
    ).rejects.toThrow('append-only');
    await expect(
      t.sql(`DELETE FROM ledger_postings WHERE transaction_id = $1`, [posted.id]),
    ).rejects.toThrow('append-only');
    await expect(
      t.sql(`UPDATE ledger_transactions SET reason = 'x' WHERE id = $1`, [posted.id]),
    ).rejects.toThrow('append-only');
    await expect(
      t.sql(`DELETE FROM ledger_transactions WHERE id = $1`, [posted.id]),
    ).rejects.toThrow('append-only');
  });

  it('verifies the chain and balances, and names the first break after tampering', async () => {
    const good = await t.http.get('/v1/ledger/verify', financeKey);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({ ok: true, firstBreak: null, balanceMismatches: [] });
    const posted = await ledger.postNow(sale(`tamper-${Date.now()}`, 700n, 70n));
    // Tampering needs the triggers off, as only a superuser could: then put it back.
    const tamper = (amount: number) =>
      t.sql(
        `DO $$ BEGIN
           SET LOCAL session_replication_role = replica;
           UPDATE ledger_postings SET amount = ${amount} WHERE transaction_id = '${posted.id}' AND n = 1;
         END $$`,
      );
    await tamper(701);
    const broken = await t.http.get('/v1/ledger/verify', financeKey);
    await tamper(700);
    expect(broken.body).toMatchObject({
      ok: false,
      firstBreak: {
        seq: posted.seq,
        transactionId: posted.id,
        problem: 'hash does not match the transaction and its postings',
      },
      balanceMismatches: [expect.objectContaining({ kept: expect.any(Number) })],
    });
    expect((await t.http.get('/v1/ledger/verify', financeKey)).body.ok).toBe(true);
  });

  it('keeps balances exact under concurrent posting', async () => {
    const before = await t.sql<{ balance: string }>(
      `SELECT b.balance FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
        WHERE a.type = 'payee-payable' AND a.owner_id = $1`,
      [payee.id],
    );
    const stamp = Date.now();
    await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        ledger.postNow(sale(`concurrent-${stamp}-${i}`, 1_000n, 100n)),
      ),
    );
    const after = await t.sql<{ balance: string }>(
      `SELECT b.balance FROM ledger_balances b JOIN ledger_accounts a ON a.id = b.account_id
        WHERE a.type = 'payee-payable' AND a.owner_id = $1`,
      [payee.id],
    );
    expect(BigInt(after[0].balance) - BigInt(before[0].balance)).toBe(-12n * 900n);
  });

  it('for any sequence of entries, each posted once however often retried: balances move by exactly the entries, chain sound', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            gross: fc.bigInt({ min: 1n, max: 10n ** 12n }),
            feeShare: fc.integer({ min: 0, max: 10_000 }),
            currency: fc.constantFrom('EUR', 'USD', 'JPY'),
            retries: fc.integer({ min: 0, max: 2 }),
          }),
          { minLength: 1, maxLength: 6 },
        ),
        async (entries) => {
          run++;
          const currencies = ['EUR', 'USD', 'JPY'];
          const before = new Map<string, LedgerBalances>();
          for (const currency of currencies)
            before.set(currency, await ledgerBalances(t.http, financeKey, currency));
          // What the entries move, worked out here: per currency, the receivable by the gross,
          // the payee by the gross less the fee, the platform's commission by the fee.
          const expected = new Map<string, Record<string, number>>(
            currencies.map((currency) => [currency, {}]),
          );
          const add = (currency: string, account: string, amount: bigint) => {
            const moved = expected.get(currency)!;
            moved[account] = (moved[account] ?? 0) + Number(amount);
            if (moved[account] === 0) delete moved[account];
          };
          for (const [i, { gross, feeShare, currency, retries }] of entries.entries()) {
            const fee = (gross * BigInt(feeShare)) / 10_000n;
            const at = (key: AccountKey) => ({ ...key, currency });
            // A posting of zero moves nothing (the ledger refuses it): leave it out.
            const postings = [
              { account: at(receivable), amount: gross },
              { account: at(payable), amount: -(gross - fee) },
              { account: at(commission), amount: -fee },
            ].filter((posting) => posting.amount !== 0n);
            const entry = {
              idempotencyKey: `prop-${stamp}-${run}-${i}`,
              reason: 'property',
              refs: {},
              postings,
            };
            const first = await ledger.postNow(entry);
            expect(first.replayed).toBe(false);
            for (let retry = 0; retry < retries; retry++)
              expect(await ledger.postNow(entry)).toEqual({ ...first, replayed: true });
            add(currency, `licensee-receivable:${licensee.id}`, gross);
            add(currency, `payee-payable:${payee.id}`, gross - fee);
            add(currency, 'platform-commission:platform', fee);
          }
          for (const currency of currencies)
            expect(
              await ledgerChangesSince(t.http, financeKey, currency, before.get(currency)!),
            ).toEqual(expected.get(currency));
          const [{ posted }] = await t.sql<{ posted: number }>(
            `SELECT count(*)::int AS posted FROM ledger_transactions WHERE idempotency_key LIKE $1`,
            [`prop-${stamp}-${run}-%`],
          );
          expect(posted).toBe(entries.length);
          const verified = await t.http.get('/v1/ledger/verify', financeKey);
          expect(verified.body).toMatchObject({ ok: true, firstBreak: null });
        },
      ),
      { numRuns: 12 },
    );
  });
});
