/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are read, not typed */
import { createHmac } from 'node:crypto';
import { hmacPads } from '../src/receipts/receipt-citations';
import { createWork, freshIsbn } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { calculatedRun } from './factories/royalties.factory';
import { settledReport, usageReport } from './factories/usage.factory';
import {
  payee,
  PayeeFixture,
  PayoutsHarness,
  settledRun,
  startPayouts,
  waitFor,
} from './support/payouts';

/**
 * Usage lines citing licence receipts, end to end: the licence check gives the receipts, a
 * report cites them (genuine, another licensee's, for another work, use or day, tampered, made
 * with a secret that does not exist), matching keeps the genuine ones and refuses the others
 * with their reasons, and a receipt leads to where its lines are in the report, the charge, the
 * statement line and the payout item that paid for it. May 2026: a month no other test's runs count.
 */
describe('usage lines citing licence receipts', () => {
  let h: PayoutsHarness;
  let publisher: OrganizationFixture;
  let otherPublisher: OrganizationFixture;
  let licensee: OrganizationFixture;
  let otherLicensee: OrganizationFixture;
  let author: PayeeFixture;
  let workA: { id: string };
  const isbnA = freshIsbn().isbn13;
  const isbnB = freshIsbn().isbn13;
  /** Registered only after the report: its line waits in suspense. */
  const isbnLater = freshIsbn().isbn13;
  const receipts: Record<string, string> = {};
  let reportId: string;

  const check = async (isbn: string, usage: string, day: string, key = licensee.key) => {
    const answer = await h.t.http.get(
      `/v1/licence-check?identifier=isbn:${isbn}&usage=${usage}&at=${day}`,
      key,
    );
    expect(answer.body).toMatchObject({ licensed: true });
    return answer.body.receipt.id as string;
  };

  /** A genuine id with one byte changed (its bytes: version, day, then the tags). */
  const withByte = (id: string, index: number, value: number) => {
    const bytes = Buffer.from(id.slice(5), 'base64url');
    bytes[index] = value;
    return `rcpt_${bytes.toString('base64url')}`;
  };

  beforeAll(async () => {
    // Two invalid lines of fifteen are asked for; the platform's Stripe balance pays the author.
    h = await startPayouts({ USAGE_MAX_INVALID_BPS: '5000' }, { balance: { eur: 1_000_000 } });
    const http = h.t.http;
    publisher = await createOrganization(http);
    otherPublisher = await createOrganization(http);
    licensee = await createOrganization(http, { kind: 'licensee' });
    otherLicensee = await createOrganization(http, { kind: 'licensee' });
    author = await payee(h, publisher);
    const splits = [{ payeeId: author.id, shareBps: 10000 }];
    workA = await createWork(http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbnA }],
      splits,
    });
    await createWork(http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbnB }],
      splits,
    });
    const terms = {
      usages: ['ai-train', 'ai-input'],
      term: { start: '2026-01-01', end: '2026-12-31' },
      pricing: {
        rates: [
          { usage: 'ai-train', unit: 'token', per: 1, rate: '2' },
          { usage: 'ai-input', unit: 'request', per: 1, rate: '5' },
        ],
      },
    };
    await agreedOffer(http, publisher.key, licensee.key, terms);
    await agreedOffer(http, publisher.key, otherLicensee.key, terms);
    receipts.a10 = await check(isbnA, 'ai-train', '2026-05-10');
    receipts.a11 = await check(isbnA, 'ai-train', '2026-05-11');
    receipts.b10 = await check(isbnB, 'ai-train', '2026-05-10');
    receipts.input10 = await check(isbnA, 'ai-input', '2026-05-10');
    receipts.theirs = await check(isbnA, 'ai-train', '2026-05-10', otherLicensee.key);
    // The whole subject's tag (bytes 15–24) changed: the licensee, work and use still agree.
    receipts.tampered = withByte(
      receipts.a10,
      20,
      Buffer.from(receipts.a10.slice(5), 'base64url')[20] ^ 1,
    );
    receipts.unknownSecret = withByte(receipts.a10, 0, 9);

    const line = (lineId: string, fields: Record<string, unknown>) => ({
      lineId,
      workId: workA.id,
      usage: 'ai-train',
      unit: 'token',
      ...fields,
    });
    const sent = await http.post(
      '/v1/usage-reports',
      licensee.key,
      usageReport(
        [
          line('l1', { units: 1000, receiptId: receipts.a10 }),
          line('l3', { units: 200, receiptId: receipts.a11, occurredOn: '2026-05-11' }),
          line('l4', { units: 300, occurredOn: '2026-05-12' }),
          // The receipt's second line, fourth in the upload: the trail names lines 1 to 4.
          line('l2', { units: 500, receiptId: receipts.a10, occurredOn: '2026-05-10' }),
          line('l5', { units: 70, receiptId: receipts.theirs }),
          line('l6', { units: 60, receiptId: receipts.b10 }),
          line('l7', { units: 50, receiptId: receipts.input10 }),
          line('l8', { units: 40, receiptId: receipts.a11, occurredOn: '2026-05-10' }),
          line('l9', { units: 30, receiptId: receipts.tampered }),
          line('l10', { units: 20, receiptId: receipts.unknownSecret }),
          line('l11', {
            usage: 'ai-input',
            unit: 'request',
            units: 4,
            receiptId: receipts.input10,
          }),
          line('l12', { units: 9, receiptId: 'rcpt_short' }),
          {
            lineId: 'l13',
            identifier: `isbn:${isbnLater}`,
            usage: 'ai-train',
            unit: 'token',
            units: 8,
            receiptId: receipts.a10,
          },
        ],
        { reportId: 'cites-2026-05', periodStart: '2026-05-01', periodEnd: '2026-05-31' },
      ),
    );
    expect(sent.status).toBe(202);
    reportId = sent.body.id;
    expect((await settledReport(h.t, licensee.key, reportId)).body.status).toBe('accepted');
  });
  afterAll(() => h.close());

  const issues = async () =>
    Object.fromEntries(
      (
        (await h.t.http.get(`/v1/usage-reports/${reportId}/issues?limit=100`, licensee.key)).body
          .data as any[]
      ).map((issue) => [issue.lineId, [issue.status, issue.reason, issue.receiptId]]),
    );

  it('matches the lines whose receipt stands for them, refuses the others with the reason, and never counts them', async () => {
    const report = (await h.t.http.get(`/v1/usage-reports/${reportId}`, licensee.key)).body;
    expect(report.counts).toEqual({ matched: 5, unmatched: 1, outOfScope: 6, invalid: 1 });
    expect(await issues()).toEqual({
      l5: ['out-of-scope', 'receipt-not-licensee', receipts.theirs],
      l6: ['out-of-scope', 'receipt-other-work', receipts.b10],
      l7: ['out-of-scope', 'receipt-other-usage', receipts.input10],
      l8: ['out-of-scope', 'receipt-other-day', receipts.a11],
      l9: ['out-of-scope', 'receipt-other-agreement', receipts.tampered],
      l10: ['out-of-scope', 'receipt-malformed', receipts.unknownSecret],
      l12: [
        'invalid',
        "receiptId must be a licence receipt's id (rcpt_ and 34 base64url characters)",
        null,
      ],
      l13: ['unmatched', 'unknown-work', receipts.a10],
    });
    // Matched units: 1,000 + 500 + 200 + 300 tokens and 4 requests; the refused lines' 270
    // tokens are out of scope, counted nowhere as licensed.
    const aggregates = await h.t.sql<{ status: string; usage: string; units: string }>(
      `SELECT status, usage, sum(units)::text AS units FROM usage_aggregates
        WHERE report_id = $1 GROUP BY status, usage ORDER BY status, usage`,
      [reportId],
    );
    expect(aggregates).toEqual([
      { status: 'matched', usage: 'ai-input', units: '4' },
      { status: 'matched', usage: 'ai-train', units: '2000' },
      { status: 'out-of-scope', usage: 'ai-train', units: '270' },
      { status: 'unmatched', usage: 'ai-train', units: '8' },
    ]);
    // Counted on upload: the valid lines citing a receipt (not l12, invalid), so matching knows
    // there are citations to check.
    expect(
      await h.t.sql(`SELECT lines_citing::int AS n FROM usage_reports WHERE id = $1`, [reportId]),
    ).toEqual([{ n: 11 }]);
    // The undated line is dated by its receipt, as kept.
    const [kept] = await h.t.sql<{ occurred_on: string; receipt_id: string }>(
      `SELECT occurred_on::text, receipt_id FROM usage_report_lines WHERE report_id = $1 AND line_id = 'l1'`,
      [reportId],
    );
    expect(kept).toEqual({ occurred_on: '2026-05-10', receipt_id: receipts.a10 });
    expect(
      await h.t.sql(
        `SELECT receipt_id, work_id, usage, unit, day::text, lines::int, units::text
           FROM usage_receipt_citations WHERE report_id = $1 ORDER BY day, usage`,
        [reportId],
      ),
    ).toEqual(
      [
        {
          receipt_id: receipts.input10,
          usage: 'ai-input',
          unit: 'request',
          day: '2026-05-10',
          lines: 1,
          units: '4',
        },
        {
          receipt_id: receipts.a10,
          usage: 'ai-train',
          unit: 'token',
          day: '2026-05-10',
          lines: 2,
          units: '1500',
        },
        {
          receipt_id: receipts.a11,
          usage: 'ai-train',
          unit: 'token',
          day: '2026-05-11',
          lines: 1,
          units: '200',
        },
      ].map((row) => ({ ...row, work_id: workA.id })),
    );
  });

  it('checks a suspended line’s receipt when its work becomes known: another work’s receipt is refused then too', async () => {
    const later = await createWork(h.t.http, publisher.key, {
      identifiers: [{ scheme: 'isbn', value: isbnLater }],
    });
    const counts = await waitFor(
      async () => (await h.t.http.get(`/v1/usage-reports/${reportId}`, licensee.key)).body.counts,
      (c) => c.unmatched === 0,
    );
    expect(counts).toEqual({ matched: 5, unmatched: 0, outOfScope: 7, invalid: 1 });
    expect((await issues()).l13).toEqual(['out-of-scope', 'receipt-other-work', receipts.a10]);
    expect(
      await h.t.sql(`SELECT count(*)::int AS n FROM usage_receipt_citations WHERE work_id = $1`, [
        later.id,
      ]),
    ).toEqual([{ n: 0 }]);
  });

  it('a receipt leads to where its lines are in the report, the charge, the statement line and the payout item that paid it', async () => {
    const http = h.t.http;
    const run = await calculatedRun(h.t, h.finance[0], '2026-05-01', '2026-05-31');
    expect(run.body.status).toBe('calculated');
    expect((await http.post(`/v1/royalty-runs/${run.body.id}/post`, h.finance[1])).status).toBe(
      200,
    );
    const [invoice] = (await http.get(`/v1/invoices?runId=${run.body.id}`, h.finance[0])).body.data;
    // 2,000 tokens × 2 + 4 requests × 5; 10 % commission.
    expect(invoice).toMatchObject({ licenseeId: licensee.id, amount: 4020, commission: 402 });

    const [statement] = (await http.get(`/v1/statements?runId=${run.body.id}`, publisher.key)).body
      .data;
    const lines = (await http.get(`/v1/statements/${statement.id}`, publisher.key)).body.lines;
    expect(lines.map((l: any) => [l.kind, l.usage, l.units, l.gross, l.receiptIds])).toEqual(
      [
        ['per-unit', 'ai-input', '4', 20, [receipts.input10]],
        ['per-unit', 'ai-train', '2000', 4000, [receipts.a10, receipts.a11].sort()],
      ].sort((x, y) => String(x[1]).localeCompare(String(y[1]))),
    );
    const csv = await http.get(`/v1/statements/${statement.id}?format=csv`, publisher.key);
    const rows = csv.text.trim().split('\n');
    expect(rows[0].split(',').at(-1)).toBe('receiptIds');
    expect(
      rows
        .slice(1, 3)
        .map((row) => row.split(',').at(-1))
        .sort(),
    ).toEqual([receipts.input10, [receipts.a10, receipts.a11].sort().join(' ')].sort());

    // Paid in full: 3,618 released to the author, then paid out.
    expect(
      (
        await http.post(`/v1/invoices/${invoice.id}/payments`, h.finance[0], {
          amount: 4020,
          receivedOn: '2026-06-15',
        })
      ).status,
    ).toBe(201);
    const draft = await http.post('/v1/payout-runs', h.finance[0], {
      currency: 'EUR',
      minimumAmount: 1,
      payeeIds: [author.id],
    });
    expect(draft.body.totals).toMatchObject({ items: 1, amount: 3618 });
    await http.post(`/v1/payout-runs/${draft.body.id}/approve`, h.finance[1]);
    const settled = await settledRun(h, draft.body.id);
    expect(settled.status).toBe('completed');

    const trail = await http.get(`/v1/licence-receipts/${receipts.a10}`, publisher.key);
    expect(trail.status).toBe(200);
    const [transfer] = h.emulator.transfers();
    expect(trail.body).toEqual({
      id: receipts.a10,
      day: '2026-05-10',
      citations: [
        {
          reportId,
          licenseeId: licensee.id,
          publisherId: publisher.id,
          workId: workA.id,
          agreementId: invoice.agreementId,
          agreementVersion: 1,
          usage: 'ai-train',
          unit: 'token',
          lines: 2,
          units: '1500',
          firstLineNo: 1,
          lastLineNo: 4,
          charges: [
            {
              runId: run.body.id,
              runStatus: 'posted',
              invoiceId: invoice.id,
              chargeLineNo: expect.any(Number),
              kind: 'per-unit',
              units: '2000',
              gross: 4000,
              statements: [
                {
                  statementId: statement.id,
                  payeeId: author.id,
                  payoutItems: [
                    {
                      id: expect.any(String),
                      payoutRunId: draft.body.id,
                      amount: 3618,
                      status: 'paid',
                      transferId: transfer.id,
                    },
                  ],
                },
              ],
            },
          ],
        },
      ],
    });
    // The licensee sees its side: the lines and its invoice's charge, not the publisher's payees.
    const mine = await http.get(`/v1/licence-receipts/${receipts.a10}`, licensee.key);
    expect(mine.status).toBe(200);
    expect(mine.body.citations[0].charges[0]).toMatchObject({ gross: 4000, statements: null });
    expect((await http.get(`/v1/licence-receipts/${receipts.a10}`, h.finance[0])).status).toBe(200);
  });

  it('another organization, a refused or forged receipt, or an id that is not one: 404, nothing told', async () => {
    const http = h.t.http;
    for (const [id, key] of [
      [receipts.a10, otherLicensee.key],
      [receipts.a10, otherPublisher.key],
      [receipts.theirs, licensee.key],
      [receipts.theirs, otherLicensee.key],
      [receipts.tampered, publisher.key],
      ['rcpt_short', publisher.key],
      ['not-a-receipt', publisher.key],
    ]) {
      const response = await http.get(`/v1/licence-receipts/${encodeURIComponent(id)}`, key);
      expect({ id, status: response.status, type: response.body.type }).toEqual({
        id,
        status: 404,
        type: expect.stringMatching(/not-found$/),
      });
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await http.get(`/v1/licence-receipts/${receipts.a10}`)).status).toBe(401);
  });

  it('NDJSON and CSV lines cite receipts too', async () => {
    const http = h.t.http;
    const april = await check(isbnA, 'ai-train', '2026-04-03');
    const ndjson = [
      JSON.stringify({
        lineId: 'n1',
        workId: workA.id,
        usage: 'ai-train',
        units: 7,
        unit: 'token',
        receiptId: april,
      }),
      JSON.stringify({
        lineId: 'n2',
        workId: workA.id,
        usage: 'ai-train',
        units: 3,
        unit: 'token',
        receiptId: receipts.a10,
      }),
    ].join('\n');
    const stream = (query: string, payload: string, contentType: string) =>
      http.request('POST', `/v1/usage-reports?${query}`, {
        key: licensee.key,
        rawBody: payload,
        headers: { 'content-type': contentType },
      });
    const sentNdjson = await stream(
      'reportId=cites-ndjson&periodStart=2026-04-01&periodEnd=2026-04-30&lineCount=2&units=10',
      ndjson,
      'application/x-ndjson',
    );
    expect(sentNdjson.status).toBe(202);
    const csv = `lineId,workId,usage,units,unit,receiptId\nc1,${workA.id},ai-train,11,token,${april}\n`;
    const sentCsv = await stream(
      'reportId=cites-csv&periodStart=2026-04-01&periodEnd=2026-04-30&lineCount=1&units=11',
      csv,
      'text/csv',
    );
    expect(sentCsv.status).toBe(202);
    for (const [sent, counts] of [
      // n2 is undated and cites a May receipt: dated by it, outside April — invalid.
      [sentNdjson, { matched: 1, unmatched: 0, outOfScope: 0, invalid: 1 }],
      [sentCsv, { matched: 1, unmatched: 0, outOfScope: 0, invalid: 0 }],
    ] as const) {
      expect((await settledReport(h.t, licensee.key, sent.body.id)).body.counts).toEqual(counts);
    }
    expect(
      await h.t.sql(
        `SELECT lines_citing::int AS n FROM usage_reports WHERE id IN ($1, $2) ORDER BY id`,
        [sentNdjson.body.id, sentCsv.body.id],
      ),
    ).toEqual([{ n: 1 }, { n: 1 }]);
    const cited = await h.t.sql<{ report_id: string; units: string }>(
      `SELECT report_id, units::text FROM usage_receipt_citations WHERE receipt_id = $1 ORDER BY report_id`,
      [april],
    );
    expect(cited).toEqual([
      { report_id: sentNdjson.body.id, units: '7' },
      { report_id: sentCsv.body.id, units: '11' },
    ]);
  });

  it('the SQL HMAC is receipt-id.ts’s HMAC', async () => {
    const secret = Buffer.from('an id secret of thirty-two bytes', 'utf8');
    const { inner, outer } = hmacPads(secret);
    const message = 'A\nlicensee\nwork\nai-train\n2026-05-10\nagreement\n1';
    const [row] = await h.t.sql<{ mac: Buffer }>(
      `SELECT sha256($2::bytea || sha256($1::bytea || convert_to($3, 'UTF8'))) AS mac`,
      [inner, outer, message],
    );
    expect(row.mac.toString('hex')).toBe(
      createHmac('sha256', secret).update(message).digest('hex'),
    );
  });
});
