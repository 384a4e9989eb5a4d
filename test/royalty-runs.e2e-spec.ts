import { calculated, calculatedRun } from './factories/royalties.factory';
import { createPayee, createWork, freshIsbn } from './factories/catalogue.factory';
import { offerTerms } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import { ledgerBalances, ledgerChangesSince } from './support/ledger-changes';
import { ADMIN_KEY, startTestApp, TestApp } from './support/test-app';

const PROBLEM = 'https://rights-ledger.dev/problems/';

// Runs cover every licensee's usage: this file keeps to 2029, which no other test reports in.
describe('royalty runs', () => {
  let t: TestApp;
  let publisher: OrganizationFixture;
  let otherPublisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let finance: string;
  let payees: { id: string; name: string }[];
  let defaultPayee: string;
  let defaultPayeeName: string;
  let w1: { id: string };
  let w2: { id: string };
  let agreementId: string;

  beforeAll(async () => {
    t = await startTestApp({ PLATFORM_COMMISSION_BPS: '1000' });
    publisher = await createOrganization(t.http);
    otherPublisher = await createOrganization(t.http);
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
    payees = [];
    for (let i = 0; i < 3; i++) payees.push(await createPayee(t.http, publisher.key));
    w1 = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
      splits: [
        { payeeId: payees[0].id, shareBps: 3333 },
        { payeeId: payees[1].id, shareBps: 3333 },
        { payeeId: payees[2].id, shareBps: 3334 },
      ],
    });
    w2 = await createWork(t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: freshIsbn().isbn13 }],
    });
    [{ id: defaultPayee, name: defaultPayeeName }] = await t.sql<{ id: string; name: string }>(
      `SELECT id, name FROM payees WHERE organization_id = $1 AND is_default`,
      [publisher.id],
    );
    const offer = await t.http.post(
      '/v1/licence-offers',
      publisher.key,
      offerTerms({
        usages: ['ai-train'],
        term: { start: '2029-01-01', end: '2029-12-31' },
        pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
      }),
    );
    agreementId = (await t.http.post('/v1/agreements', licensee.key, { offerId: offer.body.id }))
      .body.id;
    await report('june', '2029-06-01', '2029-06-30');
  });
  afterAll(() => t.close());

  /** The month's usage: the same three lines each time (an invoice of 27,932). */
  const report = async (reportId: string, periodStart: string, periodEnd: string) => {
    const sent = await t.http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          { lineId: 'a', workId: w1.id, usage: 'ai-train', units: '1234567890', unit: 'token' },
          { lineId: 'b', workId: w2.id, usage: 'ai-train', units: '600000000', unit: 'token' },
          { lineId: 'c', workId: w2.id, usage: 'ai-train', units: '400000000', unit: 'token' },
        ],
        { reportId, periodStart, periodEnd },
      ),
    );
    expect((await settledReport(t, licensee.key, sent.body.id)).body.counts.matched).toBe(3);
  };

  it('calculates sub-cent rates on billions of tokens, rounds once, splits 1/3-1/3-1/3 exactly, posts once', async () => {
    const created = await t.http.post(
      '/v1/royalty-runs',
      finance,
      { periodStart: '2029-06-01', periodEnd: '2029-06-30' },
      { 'idempotency-key': 'run-june' },
    );
    expect(created.status).toBe(202);
    expect(created.body.status).toBe('calculating');
    const run = await calculated(t, finance, created.body.id);
    expect(run.body).toMatchObject({
      status: 'calculated',
      commissionBps: 1000,
      summary: {
        statements: 4,
        byCurrency: [
          { currency: 'EUR', invoices: 1, invoiced: 27932, commission: 2793, payees: 25139 },
        ],
      },
    });
    const invoices = await t.http.get(`/v1/invoices?runId=${created.body.id as string}`, finance);
    // 1,234,567,890 × 0.0125 / 1000 + 1,000,000,000 × 0.0125 / 1000 = 27,932.098625 cents → 27,932
    expect(invoices.body.data).toEqual([
      expect.objectContaining({
        agreementId,
        exactTotal: expect.stringMatching(/^27932\.098625(0*)$/),
        amount: 27932,
        commission: 2793,
        payeeTotal: 25139,
        licenseeId: licensee.id,
        licenseeName: licensee.name,
        publisherId: publisher.id,
        publisherName: publisher.name,
        // A preview is issued to nobody: nothing is owed on it yet.
        paid: 0,
        outstanding: 0,
        paymentStatus: 'not-issued',
      }),
    ]);
    const issued = (status: string) =>
      t.http
        .get(`/v1/invoices?runId=${created.body.id as string}&status=${status}`, finance)
        .then((r) => r.body.data as { id: string }[]);
    expect(await issued('outstanding')).toEqual([]);
    expect(await issued('paid')).toEqual([]);
    expect(await issued('all')).toEqual(invoices.body.data);
    // Nothing is visible to the parties, nor in the ledger, before posting.
    expect((await t.http.get('/v1/statements', publisher.key)).body.data).toEqual([]);
    expect((await t.http.get('/v1/invoices', licensee.key)).body.data).toEqual([]);
    const charges = await t.sql<{ work_id: string; gross: string; commission: string }>(
      `SELECT work_id, gross, commission FROM royalty_charges WHERE run_id = $1 ORDER BY line_no`,
      [created.body.id],
    );
    const byWork = Object.fromEntries(charges.map((c) => [c.work_id, [c.gross, c.commission]]));
    expect(byWork).toEqual({ [w1.id]: ['15432', '1543'], [w2.id]: ['12500', '1250'] });

    // Recalculating the same data gives the same figures, byte for byte.
    const again = await t.http.post(
      `/v1/royalty-runs/${created.body.id as string}/recalculate`,
      finance,
    );
    expect(again.status).toBe(202);
    const recalculated = await calculated(t, finance, created.body.id);
    expect(recalculated.body.calculationHash).toBe(run.body.calculationHash);

    // Posting what was seen: figures confirmed from another calculation post nothing.
    const path = `/v1/royalty-runs/${created.body.id as string}/post`;
    const stale = await t.http.post(path, finance, { calculationHash: 'ab'.repeat(32) });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({
      type: 'https://rights-ledger.dev/problems/calculation-changed',
      calculationHash: run.body.calculationHash,
      state: 'calculated',
    });
    const malformed = await t.http.post(path, finance, { calculationHash: 'not-a-hash' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.errors).toEqual([
      { field: 'calculationHash', messages: ['calculationHash must be 64 lowercase hex digits'] },
    ]);
    const unknown = await t.http.post(path, finance, { hash: run.body.calculationHash });
    expect(unknown.status).toBe(400);
    const untouched = await t.sql(
      `SELECT r.status, (SELECT count(*)::int FROM ledger_transactions WHERE refs->>'royaltyRunId' = r.id::text) AS postings
         FROM royalty_runs r WHERE r.id = $1`,
      [created.body.id],
    );
    expect(untouched).toEqual([{ status: 'calculated', postings: 0 }]);

    const beforePosting = await ledgerBalances(t.http, finance, 'EUR');
    const posted = await t.http.post(path, finance, {
      calculationHash: run.body.calculationHash,
    });
    expect(posted.status).toBe(200);
    expect(posted.body.status).toBe('posted');
    const twice = await t.http.post(`/v1/royalty-runs/${created.body.id as string}/post`, finance);
    expect(twice.body).toEqual(posted.body);
    const late = await t.http.post(
      `/v1/royalty-runs/${created.body.id as string}/recalculate`,
      finance,
    );
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({
      type: 'https://rights-ledger.dev/problems/invalid-transition',
      status: 409,
      state: 'posted',
    });
    const transactions = await t.sql(
      `SELECT id FROM ledger_transactions WHERE refs->>'royaltyRunId' = $1`,
      [created.body.id],
    );
    expect(transactions).toHaveLength(1);

    expect(await issued('outstanding')).toEqual([
      expect.objectContaining({ amount: 27932, paid: 0, outstanding: 27932 }),
    ]);
    expect((await issued('outstanding'))[0]).toMatchObject({ paymentStatus: 'outstanding' });

    const statements = await t.http.get('/v1/statements', publisher.key);
    // Each statement names its payee and publisher.
    const names = Object.fromEntries(
      (
        statements.body.data as {
          payeeId: string;
          payeeName: string;
          publisherId: string;
          publisherName: string;
        }[]
      ).map((s) => [s.payeeId, [s.payeeName, s.publisherId, s.publisherName]]),
    );
    expect(names).toEqual({
      [payees[0].id]: [payees[0].name, publisher.id, publisher.name],
      [payees[1].id]: [payees[1].name, publisher.id, publisher.name],
      [payees[2].id]: [payees[2].name, publisher.id, publisher.name],
      [defaultPayee]: [defaultPayeeName, publisher.id, publisher.name],
    });
    // Finance filters by publisher (and by run and payee together).
    const byPublisher = (query: string) =>
      t.http.get(`/v1/statements?${query}`, finance).then((r) => r.body.data as { id: string }[]);
    const ids = (rows: { id: string }[]) => rows.map((row) => row.id).sort();
    expect(ids(await byPublisher(`publisherId=${publisher.id}`))).toEqual(
      ids(statements.body.data),
    );
    expect(await byPublisher(`publisherId=${otherPublisher.id}`)).toEqual([]);
    expect(
      await byPublisher(
        `publisherId=${publisher.id}&runId=${created.body.id as string}&payeeId=${payees[1].id}`,
      ),
    ).toEqual([expect.objectContaining({ payeeId: payees[1].id, payeeName: payees[1].name })]);
    const net = Object.fromEntries(
      (
        statements.body.data as {
          payeeId: string;
          net: number;
          gross: number;
          commission: number;
        }[]
      ).map((s) => [s.payeeId, [s.gross, s.commission, s.net]]),
    );
    // W1's 15,432 (commission 1,543) by 3333/3333/3334 bps, the spare cent to the larger
    // remainder (the first payee on a tie); W2's 12,500 (commission 1,250) to the default payee.
    expect(net).toEqual({
      [payees[0].id]: [5144, 514, 4630],
      [payees[1].id]: [5143, 514, 4629],
      [payees[2].id]: [5145, 515, 4630],
      [defaultPayee]: [12500, 1250, 11250],
    });
    for (const summary of statements.body.data as {
      id: string;
      net: number;
      gross: number;
      payeeName: string;
    }[]) {
      const full = await t.http.get(`/v1/statements/${summary.id}`, publisher.key);
      expect(full.body).toMatchObject({
        payeeName: summary.payeeName,
        publisherId: publisher.id,
        publisherName: publisher.name,
      });
      const lines = full.body.lines as { net: number; gross: number }[];
      expect(lines.reduce((s, l) => s + l.net, 0)).toBe(summary.net);
      expect(lines.reduce((s, l) => s + l.gross, 0)).toBe(summary.gross);
      expect(full.body.linesNextCursor).toBeNull();
      // The same lines a page of one at a time, by cursor, to a last page without one.
      const paged: unknown[] = [];
      let cursor: string | null = null;
      do {
        const page: { body: { data: unknown[]; nextCursor: string | null } } = await t.http.get(
          `/v1/statements/${summary.id}/lines?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
          publisher.key,
        );
        paged.push(...page.body.data);
        cursor = page.body.nextCursor;
      } while (cursor && paged.length <= lines.length);
      expect(paged).toEqual(lines);
    }
    const csv = await t.http.get(
      `/v1/statements/${statements.body.data[0].id as string}`,
      publisher.key,
      {
        accept: 'text/csv',
      },
    );
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text.split('\n')[0]).toBe(
      'lineNo,kind,agreementId,workId,usage,unit,units,rate,per,shareBps,gross,commission,net,' +
        'adjustsPeriodStart,adjustsPeriodEnd,adjustsRunId,adjustsReportIds,receiptIds',
    );
    const rows = csv.text.trim().split('\n');
    expect(rows[1].split(',')).toHaveLength(18);
    expect(rows[1].split(',')[1]).toBe('per-unit');
    expect(rows[rows.length - 1].split(',')).toHaveLength(18);
    // The same CSV by URL (a browser's download link), whatever the Accept header says.
    const statementUrl = `/v1/statements/${statements.body.data[0].id as string}`;
    const byLink = await t.http.get(`${statementUrl}?format=csv`, publisher.key);
    expect(byLink.status).toBe(200);
    expect(byLink.headers['content-type']).toContain('text/csv');
    expect(byLink.headers['content-disposition']).toBe(
      `attachment; filename="statement-${statements.body.data[0].id as string}.csv"`,
    );
    expect(byLink.text).toBe(csv.text);
    const asJson = await t.http.get(`${statementUrl}?format=json`, publisher.key, {
      accept: 'text/csv',
    });
    expect(asJson.headers['content-type']).toContain('application/json');
    expect(asJson.body.id).toBe(statements.body.data[0].id);
    for (const query of ['format=xml', 'format=', 'download=1']) {
      const refused = await t.http.get(`${statementUrl}?${query}`, publisher.key);
      expect(refused.status).toBe(400);
      expect(refused.headers['content-type']).toContain('application/problem+json');
    }
    expect((await t.http.get(`${statementUrl}?format=csv`, otherPublisher.key)).status).toBe(404);
    expect(
      (await t.http.get('/v1/statements/00000000-0000-4000-8000-000000000000?format=csv', finance))
        .status,
    ).toBe(404);
    expect((await t.http.get('/v1/statements', otherPublisher.key)).body.data).toEqual([]);
    expect(
      (
        await t.http.get(
          `/v1/statements/${statements.body.data[0].id as string}`,
          otherPublisher.key,
        )
      ).status,
    ).toBe(404);
    expect((await t.http.get('/v1/invoices', licensee.key)).body.data).toHaveLength(1);

    const balances = await t.http.get('/v1/balances', publisher.key);
    expect(
      Object.fromEntries(
        (balances.body.data as { ownerId: string; type: string; balance: number }[]).map((b) => [
          `${b.type}:${b.ownerId}`,
          b.balance,
        ]),
      ),
    ).toEqual({
      [`payee-awaiting-collection:${payees[0].id}`]: 4630,
      [`payee-awaiting-collection:${payees[1].id}`]: 4629,
      [`payee-awaiting-collection:${payees[2].id}`]: 4630,
      [`payee-awaiting-collection:${defaultPayee}`]: 11250,
    });
    // The posting moved the invoice, its commission and the earnings, and nothing else.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', beforePosting)).toEqual({
      [`licensee-receivable:${licensee.id}`]: 27932,
      'platform-commission:platform': 2793,
      [`payee-awaiting-collection:${payees[0].id}`]: 4630,
      [`payee-awaiting-collection:${payees[1].id}`]: 4629,
      [`payee-awaiting-collection:${payees[2].id}`]: 4630,
      [`payee-awaiting-collection:${defaultPayee}`]: 11250,
    });

    // A statement's lines derive from the charges and its totals by invoice: none may change.
    await expect(
      t.sql(`UPDATE statement_invoices SET gross = 0, net = -commission WHERE statement_id = $1`, [
        statements.body.data[0].id,
      ]),
    ).rejects.toThrow('posted royalty run');
    await expect(
      t.sql(`UPDATE royalty_charges SET split_version = 1 WHERE run_id = $1`, [created.body.id]),
    ).rejects.toThrow('posted royalty run');
    await expect(
      t.sql(`UPDATE royalty_runs SET summary = '{}' WHERE id = $1`, [created.body.id]),
    ).rejects.toThrow('is posted');
    // References are checked per statement (set-based triggers), as strictly as foreign keys.
    const invoice = (
      await t.sql<{ id: string }>(`SELECT id FROM invoices WHERE run_id = $1`, [created.body.id])
    )[0].id;
    await expect(
      t.sql(
        `INSERT INTO statement_lines (statement_id, line_no, invoice_id, charge_line_no, kind,
                agreement_id, share_bps, gross, commission, net)
         SELECT gen_random_uuid(), 1, $1, 1, 'per-unit', agreement_id, 10000, 1, 0, 1
           FROM invoices WHERE id = $1`,
        [invoice],
      ),
    ).rejects.toThrow('refers to a statement that does not exist');
    await expect(
      t.sql(
        `INSERT INTO royalty_charges (run_id, invoice_id, line_no, kind, agreement_id, exact, gross,
                commission)
         SELECT gen_random_uuid(), $1, 99, 'flat-fee', agreement_id, 1, 1, 0
           FROM invoices WHERE id = $1`,
        [invoice],
      ),
    ).rejects.toThrow('no partition of relation "royalty_charges" found for row');
    // Charges are partitioned by run: within the run's own, another run's invoice is refused.
    const other = (
      await t.sql<{ id: string }>(`SELECT id FROM invoices WHERE run_id <> $1 LIMIT 1`, [
        created.body.id,
      ])
    )[0];
    await expect(
      t.sql(
        `INSERT INTO royalty_charges (run_id, invoice_id, line_no, kind, agreement_id, exact, gross,
                commission)
         SELECT $1, COALESCE($2::uuid, gen_random_uuid()), 99, 'flat-fee', agreement_id, 1, 1, 0
           FROM invoices WHERE id = $3`,
        [created.body.id, other?.id ?? null, invoice],
      ),
    ).rejects.toThrow('does not exist in its run');
    await expect(
      t.sql(
        `INSERT INTO royalty_run_usage (run_id, period_run_id, report_id, agreement_id,
                agreement_version, licensee_id, publisher_id, work_id, usage, unit, units, revenue)
         SELECT run_id, run_id, gen_random_uuid(), agreement_id, 1, licensee_id, publisher_id,
                gen_random_uuid(), 'ai-train', 'token', 1, 0
           FROM invoices WHERE id = $1`,
        [invoice],
      ),
    ).rejects.toThrow('does not exist');
    const overlapping = await t.http.post('/v1/royalty-runs', finance, {
      periodStart: '2029-06-15',
      periodEnd: '2029-07-15',
    });
    expect(overlapping.status).toBe(409);
    expect(overlapping.body).toMatchObject({
      type: `${PROBLEM}period-already-posted`,
      postedRunId: created.body.id,
    });
    const replay = await t.http.post(
      '/v1/royalty-runs',
      finance,
      { periodStart: '2029-06-01', periodEnd: '2029-06-30' },
      { 'idempotency-key': 'run-june' },
    );
    expect(replay.body.id).toBe(created.body.id);
  });

  it('pay when paid: payments move earnings from awaiting collection to payable, never more than owed', async () => {
    // A month of its own (August), whatever the other tests did with theirs.
    const before = await ledgerBalances(t.http, finance, 'EUR');
    await report('august', '2029-08-01', '2029-08-31');
    const run = await calculatedRun(t, finance, '2029-08-01', '2029-08-31');
    expect(run.body.status).toBe('calculated');
    const runId = run.body.id as string;
    expect((await t.http.post(`/v1/royalty-runs/${runId}/post`, finance)).body.status).toBe(
      'posted',
    );
    const [invoice, ...others] = (await t.http.get(`/v1/invoices?runId=${runId}`, licensee.key))
      .body.data as { id: string; amount: number }[];
    expect(others).toEqual([]);
    expect(invoice.amount).toBe(27932);
    const pay = (body: Record<string, unknown>, headers?: Record<string, string>) =>
      t.http.post(`/v1/invoices/${invoice.id}/payments`, finance, body, headers);
    for (const amount of [0, -1, 1.5, '10']) {
      expect((await pay({ amount })).status).toBe(400);
    }
    expect(
      (await t.http.post(`/v1/invoices/${invoice.id}/payments`, publisher.key, { amount: 1 }))
        .status,
    ).toBe(403);
    expect((await pay({ amount: 1, receivedOn: '2029-02-30' })).status).toBe(400);

    const first = await pay(
      { amount: 10000, receivedOn: '2029-07-15', reference: 'SEPA 1' },
      { 'idempotency-key': 'pay-1' },
    );
    expect(first.status).toBe(201);
    // 25,139 × 10,000 / 27,932 = 9,000 released, spread by what each payee awaits
    // (default 11,250, then 4,630 / 4,629 / 4,630).
    expect(first.body).toMatchObject({ amount: 10000, outstanding: 17932, reference: 'SEPA 1' });
    const listed = (status: string) =>
      t.http
        .get(`/v1/invoices?agreementId=${agreementId}&runId=${runId}&status=${status}`, finance)
        .then((r) => r.body.data as { id: string }[]);
    expect(await listed('outstanding')).toEqual([
      expect.objectContaining({
        id: invoice.id,
        amount: 27932,
        paid: 10000,
        outstanding: 17932,
        paymentStatus: 'partially-paid',
      }),
    ]);
    expect(await listed('paid')).toEqual([]);
    const released = (first.body.released as { payeeId: string; amount: number }[]).map((r) => [
      r.payeeId,
      r.amount,
    ]);
    expect(Object.fromEntries(released)).toEqual({
      [defaultPayee]: 4028,
      [payees[0].id]: 1658,
      [payees[1].id]: 1657,
      [payees[2].id]: 1657,
    });
    const retry = await pay(
      { amount: 10000, receivedOn: '2029-07-15', reference: 'SEPA 1' },
      { 'idempotency-key': 'pay-1' },
    );
    expect(retry.body).toEqual(first.body);
    const over = await pay({ amount: 17933 });
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ type: `${PROBLEM}overpayment`, outstanding: 17932 });

    const last = await pay({ amount: 17932 });
    expect(last.body.outstanding).toBe(0);
    expect(last.body.released.reduce((s: number, r: { amount: number }) => s + r.amount, 0)).toBe(
      25139 - 9000,
    );
    expect((await pay({ amount: 1 })).status).toBe(409);
    expect(await listed('outstanding')).toEqual([]);
    expect(await listed('paid')).toEqual([
      expect.objectContaining({
        id: invoice.id,
        paid: 27932,
        outstanding: 0,
        paymentStatus: 'paid',
      }),
    ]);
    // The licensee reads the same figures on its own invoice.
    expect(
      (await t.http.get(`/v1/invoices?runId=${runId}&status=paid`, licensee.key)).body.data,
    ).toEqual([expect.objectContaining({ id: invoice.id, paid: 27932, outstanding: 0 })]);

    // The run and both payments moved, in all: the commission; the cash received, into
    // Stripe clearing; each payee's earnings, payable now. The licensee owes nothing more and
    // nothing awaits collection.
    expect(await ledgerChangesSince(t.http, finance, 'EUR', before)).toEqual({
      'platform-commission:platform': 2793,
      'platform-stripe-clearing:platform': 27932,
      [`payee-payable:${defaultPayee}`]: 11250,
      [`payee-payable:${payees[0].id}`]: 4630,
      [`payee-payable:${payees[1].id}`]: 4629,
      [`payee-payable:${payees[2].id}`]: 4630,
    });
    expect((await t.http.get('/v1/ledger/verify', finance)).body.ok).toBe(true);
    const payments = await t.sql(
      `SELECT amount FROM invoice_payments WHERE invoice_id = $1 ORDER BY recorded_at`,
      [invoice.id],
    );
    expect(payments).toEqual([{ amount: '10000' }, { amount: '17932' }]);
  });

  it('refuses bad input and the wrong roles', async () => {
    expect(
      (
        await t.http.post('/v1/royalty-runs', publisher.key, {
          periodStart: '2029-07-01',
          periodEnd: '2029-07-31',
        })
      ).status,
    ).toBe(403);
    const bad = await t.http.post('/v1/royalty-runs', finance, {
      periodStart: '2029-07-31',
      periodEnd: '2029-07-01',
      extra: 1,
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['extra']);
    const backwards = await t.http.post('/v1/royalty-runs', finance, {
      periodStart: '2029-07-31',
      periodEnd: '2029-07-01',
    });
    expect(backwards.body.errors).toEqual([
      { field: 'periodEnd', messages: ['periodEnd is before periodStart'] },
    ]);
    expect((await t.http.get('/v1/royalty-runs/not-a-run', finance)).status).toBe(404);
    expect((await t.http.get('/v1/royalty-runs', publisher.key)).status).toBe(403);
    expect((await t.http.get('/v1/statements', licensee.key)).status).toBe(403);
    expect((await t.http.get('/v1/invoices', publisher.key)).status).toBe(403);
    for (const query of [
      'status=owed',
      'status=',
      'adjusted=yes',
      'adjusted=1',
      'runId=not-a-run',
      'licenseeName=x',
    ]) {
      const refused = await t.http.get(`/v1/invoices?${query}`, finance);
      expect([query, refused.status]).toEqual([query, 400]);
    }
    for (const query of ['publisherId=not-a-publisher', 'publisherId=1', 'payeeName=x']) {
      const refused = await t.http.get(`/v1/statements?${query}`, finance);
      expect([query, refused.status]).toEqual([query, 400]);
    }
    // A foreign or unknown publisher: an empty list, as for any other filter.
    expect(
      (await t.http.get('/v1/statements?publisherId=00000000-0000-4000-8000-000000000000', finance))
        .body,
    ).toEqual({ data: [], nextCursor: null });
    const empty = await t.http.post('/v1/royalty-runs', finance, {
      periodStart: '2029-07-01',
      periodEnd: '2029-07-31',
    });
    const july = await calculated(t, finance, empty.body.id);
    const runs = await t.http.get('/v1/royalty-runs?limit=1', finance);
    expect(runs.status).toBe(200);
    expect(runs.body.data).toEqual([expect.objectContaining({ id: empty.body.id })]);
    expect(
      (
        await t.http.post('/v1/invoices/00000000-0000-4000-8000-000000000000/payments', finance, {
          amount: 1,
        })
      ).status,
    ).toBe(404);
    expect(july.body.failure).toBeNull();
    expect(july.body).toMatchObject({
      status: 'calculated',
      summary: { statements: 0, byCurrency: [] },
    });
  });
});
