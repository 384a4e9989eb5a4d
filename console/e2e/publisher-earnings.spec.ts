/// <reference lib="dom" />
/* eslint-disable @typescript-eslint/no-explicit-any -- response bodies are asserted, not typed */
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectAccessible, openPage, screenshot, seeded, signIn } from './fixtures';

/**
 * The publisher sees what its works earned, their usage and its payees' statements, on the
 * service serve.ts seeded (demo/story.ts): Acme AI reported 1 and 2 million tokens of Northwind
 * Press's two works for June 2027 at EUR 2.00 per 1,000 tokens; each work is split 70 % to
 * Ada Lovelace, 30 % to Northwind Press; commission 10 %. By hand: EUR 6,000.00 invoiced, 600.00
 * commission, 5,400.00 to the payees — Ada Lovelace 3,780.00, Northwind Press 1,620.00.
 *
 * Works alone and after finance-story: June 2027 is calculated and posted here through the API
 * as finance unless a posted run for it exists already; whatever finance did since (payments,
 * payouts) moves the money between the figures, which are compared with the API's and with sums
 * of the statements the publisher reads.
 */
const world = seeded();
const northwind = world.publishers[0];
const harbour = world.publishers[1];

let api: APIRequestContext;
let page: Page;

/** GET as a principal, by its key (not the browser's session). */
async function get<T = any>(path: string, key: string): Promise<T> {
  const response = await api.get(path, { headers: { authorization: `Bearer ${key}` } });
  expect(response.status(), `${path} ${await response.text()}`).toBe(200);
  return (await response.json()) as T;
}

async function post<T = any>(path: string, key: string, data: unknown): Promise<T> {
  const response = await api.post(path, {
    headers: {
      authorization: `Bearer ${key}`,
      'idempotency-key': `publisher-earnings-${path}-${Date.now()}`,
    },
    data,
  });
  expect(response.status(), `${path} ${await response.text()}`).toBeLessThan(300);
  return (await response.json()) as T;
}

/**
 * Minor units as the console shows them in en-GB — "EUR 5,400.00", any space after the code —
 * worked out here from the integer, not by the console's formatter.
 */
function eur(minor: number | bigint): RegExp {
  const value = BigInt(minor);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  const whole = (abs / 100n).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const cents = (abs % 100n).toString().padStart(2, '0');
  return new RegExp(`${sign}EUR\\s${whole.replace(/,/g, '\\,')}\\.${cents}`);
}

/** Every page of a list, following its cursors. */
async function all<T>(path: string, key: string): Promise<T[]> {
  const rows: T[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const body: { data: T[]; nextCursor: string | null } = await get(
      `${path}${separator}limit=200${cursor ? `&cursor=${cursor}` : ''}`,
      key,
    );
    rows.push(...body.data);
    cursor = body.nextCursor;
  } while (cursor);
  return rows;
}

test.describe.configure({ mode: 'serial' });

test.beforeAll(async ({ browser }) => {
  api = await request.newContext({ baseURL: world.baseURL });
  const finance = world.operator.alice;
  // June 2027 posted, once: by finance-story already, or here.
  const runs = await all<any>('/v1/royalty-runs', finance);
  const june = runs.filter((r) => r.periodStart === '2027-06-01' && r.periodEnd === '2027-06-30');
  if (!june.some((r) => r.status === 'posted')) {
    let run = june.find((r) => r.status === 'calculated' || r.status === 'calculating');
    run ??= await post('/v1/royalty-runs', finance, {
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
    });
    await expect
      .poll(async () => (run = await get(`/v1/royalty-runs/${run.id}`, finance)).status, {
        timeout: 60_000,
        intervals: [250, 500, 1000],
      })
      .toBe('calculated');
    const posted = await post(`/v1/royalty-runs/${run.id}/post`, finance, {
      calculationHash: run.calculationHash,
    });
    expect(posted.status).toBe('posted');
  }
  // Unlicensed use to pursue: Acme AI's July report of an ai-index use that its agreement
  // (ai-train) does not cover — sent once, whatever ran before.
  const unlicensed = await get(
    `/v1/usage?status=out-of-scope&workId=${northwind.works[0].id}&usage=ai-index`,
    northwind.key,
  );
  if (unlicensed.data.length === 0) {
    const report = await post('/v1/usage-reports', world.licensee.key, {
      reportId: `publisher-earnings-unlicensed-${Date.now()}`,
      periodStart: '2027-07-01',
      periodEnd: '2027-07-31',
      lines: [
        {
          lineId: 'index-1',
          workId: northwind.works[0].id,
          usage: 'ai-index',
          units: '250000',
          unit: 'token',
        },
      ],
      totals: { lineCount: 1, units: '250000' },
    });
    await expect
      .poll(async () => (await get(`/v1/usage-reports/${report.id}`, world.licensee.key)).status, {
        timeout: 30_000,
      })
      .toBe('accepted');
  }
  page = await (await browser.newContext()).newPage();
  await signIn(page, northwind.key);
});

test('Home shows the earnings the API answers, equal to the statements the publisher reads', async () => {
  await expect(page).toHaveURL(/\/publisher$/);
  await expect(page.getByRole('heading', { level: 2, name: 'Home' })).toBeVisible();
  const earnings = await get('/v1/earnings', northwind.key);
  const eurFigures = earnings.currencies.find((c: any) => c.currency === 'EUR');
  // Independently: the net of the publisher's statements (posted runs only), and the June run's
  // statements as worked out by hand.
  const statements = await all<any>('/v1/statements', northwind.key);
  const euros = statements.filter((s) => s.currency === 'EUR');
  const net = euros.reduce((sum, s) => sum + BigInt(s.net), 0n);
  expect(BigInt(eurFigures.earned)).toBe(net);
  const june = euros.filter((s) => s.periodStart === '2027-06-01');
  expect(Object.fromEntries(june.map((s) => [s.payeeName, s.net]))).toEqual({
    'Ada Lovelace': 378000,
    'Northwind Press': 162000,
  });
  expect(
    eurFigures.awaitingCollection + eurFigures.payable + eurFigures.inPayment + eurFigures.paidOut,
  ).toBe(eurFigures.earned);

  const figures: [string, number][] = [
    ['Earned', eurFigures.earned],
    ['Accrued', eurFigures.accrued],
    ['Awaiting collection', eurFigures.awaitingCollection],
    ['Payable', eurFigures.payable],
    ['In payment', eurFigures.inPayment],
    ['Paid out', eurFigures.paidOut],
  ];
  for (const [label, minor] of figures) {
    await expect(page.getByRole('group', { name: label, exact: true })).toContainText(eur(minor));
  }
  const payees = page.getByRole('table', { name: 'Earnings by payee, EUR' });
  await expect(payees.locator('tbody tr')).toHaveCount(eurFigures.payees.length);
  for (const payee of eurFigures.payees) {
    const row = payees.locator('tbody tr', { hasText: payee.payeeName });
    await expect(row.locator('td').nth(1)).toHaveText(eur(payee.earned));
    const statementsNet = euros
      .filter((s) => s.payeeId === payee.payeeId)
      .reduce((sum, s) => sum + BigInt(s.net), 0n);
    expect(BigInt(payee.earned)).toBe(statementsNet);
  }

  await expect(page.getByRole('img', { name: /Earnings by period, EUR/ })).toBeVisible();
  const byPeriod = page.getByRole('table', { name: /^Earnings by period and usage type/ });
  await expect(byPeriod.locator('tbody tr', { hasText: 'Jun 2027' })).toContainText(
    eur(june.reduce((sum, s) => sum + s.net, 0)),
  );
  const topWorks = page.getByRole('table', { name: /^Top works/ });
  for (const work of northwind.works) {
    await expect(topWorks).toContainText(work.title);
  }
  await expect(page.getByRole('table', { name: /^Top licensees/ })).toContainText(
    world.licensee.name,
  );
  await expectAccessible(page);
  await screenshot(page, 'publisher-home');
});

test('Usage shows licensed use beside the unlicensed, as the API answers it', async () => {
  await openPage(page, 'Usage');
  const matched = await get('/v1/usage?status=matched&limit=50', northwind.key);
  const outOfScope = await get('/v1/usage?status=out-of-scope&limit=200', northwind.key);
  expect(outOfScope.data.length).toBeGreaterThan(0);
  const licensed = page.getByRole('table', { name: /^Licensed use/ });
  const unlicensed = page.getByRole('table', { name: /^Unlicensed use/ });
  await expect(licensed.locator('tbody tr')).toHaveCount(matched.data.length);
  await expect(unlicensed.locator('tbody tr')).toHaveCount(Math.min(outOfScope.data.length, 50));
  for (const row of matched.data.slice(0, 5)) {
    const shown = licensed.locator('tbody tr', { hasText: row.workTitle }).filter({
      hasText: row.licenseeName,
    });
    await expect(shown.first()).toContainText(row.usage);
  }
  // The seeded June usage: 1M and 2M tokens of the two works by Acme AI, licensed.
  for (const [work, units] of [
    [northwind.works[0], '1,000,000 token'],
    [northwind.works[1], '2,000,000 token'],
  ] as const) {
    await expect(
      licensed.locator('tbody tr', { hasText: work.title }).filter({ hasText: 'ai-train' }),
    ).toContainText(units);
  }
  const alert = page.getByTestId('unlicensed-alert');
  await expect(alert).toContainText(
    `${outOfScope.nextCursor ? '200 or more' : outOfScope.data.length} unlicensed use`,
  );
  await expect(alert).toContainText('a claim to pursue');
  await expect(unlicensed.locator('tbody tr', { hasText: 'ai-index' }).first()).toContainText(
    northwind.works[0].title,
  );
  await expectAccessible(page);
  await screenshot(page, 'publisher-usage');

  // Filters live in the URL and are the API's: a period without use shows none.
  await page.getByLabel('Period').fill('2026-01');
  await expect(page).toHaveURL(/period=2026-01/);
  await expect(page.getByText('No licensed use matches these filters.')).toBeVisible();
  await page.goto('/publisher/usage?usage=ai-index');
  await expect(licensed.locator('tbody tr')).toHaveCount(0);
  await expect(unlicensed.locator('tbody tr', { hasText: 'ai-index' }).first()).toBeVisible();
});

test("Statements lists each payee's statements and shows one line by line, with its CSV", async () => {
  await openPage(page, 'Statements');
  const statements = await all<any>('/v1/statements', northwind.key);
  const list = page.getByRole('table', { name: 'Statements' });
  await expect(list.locator('tbody tr')).toHaveCount(Math.min(statements.length, 50));
  await expectAccessible(page);
  await screenshot(page, 'publisher-statements');

  const ada = statements.find(
    (s) => s.payeeName === 'Ada Lovelace' && s.periodStart === '2027-06-01' && s.currency === 'EUR',
  );
  await list.getByRole('row', { name: /^Statement of Ada Lovelace, June 2027 \(EUR\)/ }).click();
  await expect(page).toHaveURL(new RegExp(`/publisher/statements/${ada.id}$`));
  await expect(page.getByRole('heading', { name: /Ada Lovelace/ })).toBeVisible();
  await expect(page.getByLabel('Statement', { exact: true })).toContainText(eur(378000));
  const detail = await get(`/v1/statements/${ada.id}`, northwind.key);
  const lines = page.getByRole('table', { name: /^Lines of the statement/ });
  await expect(lines.locator('tbody tr')).toHaveCount(detail.lines.length);
  for (const [i, line] of detail.lines.entries()) {
    const row = lines.locator('tbody tr').nth(i);
    await expect(row.locator('td').nth(0)).toHaveText(String(line.lineNo));
    await expect(row).toContainText(eur(line.net));
  }
  // Ada's lines by hand: 70 % of EUR 2,000.00 and 4,000.00, 10 % commission.
  const figures = detail.lines.map((l: any) => [l.gross, l.commission, l.net]);
  expect(figures.sort((a: number[], b: number[]) => a[0] - b[0])).toEqual([
    [140000, 14000, 126000],
    [280000, 28000, 252000],
  ]);
  await expectAccessible(page);
  await screenshot(page, 'publisher-statement');

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  const header = csv[0].split(',');
  const rows = csv.slice(1).map((line) => line.split(','));
  const column = (name: string) => header.indexOf(name);
  const csvLines = rows.filter((row) => row[0] !== 'total');
  expect(csvLines.map((row) => Number(row[column('net')]))).toEqual(
    detail.lines.map((l: any) => l.net),
  );
  expect(csvLines.map((row) => row[column('workId')])).toEqual(
    detail.lines.map((l: any) => l.workId),
  );
  const total = rows.find((row) => row[0] === 'total')!;
  expect(total[column('net')]).toBe('378000');
});

test("another publisher's statement is not found, and nothing of it shows", async () => {
  const theirs = await all<any>('/v1/statements', harbour.key);
  expect(theirs.length).toBeGreaterThan(0);
  await page.goto(`/publisher/statements/${theirs[0].id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText(theirs[0].payeeName)).toHaveCount(0);
  await expectAccessible(page);
});
