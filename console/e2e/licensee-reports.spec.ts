/// <reference lib="dom" />
import { expect, request, test, type APIRequestContext, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiClient } from '../../demo/api-client';
import { offerCatalogues } from '../../demo/story';
import { expectAccessible, openPage, screenshot, seeded, signIn } from './fixtures';

/**
 * The licensee (Acme AI) accepts an offer of a publisher made here (ai-train, worldwide, 2027,
 * 200 EUR minor units per 1,000 tokens, four works), checks licences, uploads a
 * usage report of 100,000 lines for September 2027 (June 2027 is the other specs' period),
 * corrects a small one, and reads its invoices. Expected figures come from the inputs made here or
 * from the API's own answers, never from the page.
 */
const world = seeded();
const run = Date.now().toString(36);
const PERIOD = { periodStart: '2027-09-01', periodEnd: '2027-09-30' };
/**
 * Works and an agreement of this spec's own — a publisher of its own, whose offer the seeded
 * licensee accepts — so that what other specs do to the seeded agreements (or the seeded
 * publishers' figures) and what this one does never meet.
 */
let works: { id: string }[] = [];
const known = [1, 2, 3, 4].map((n) => `ext:reports-${run}-${n}`);

test.describe.configure({ mode: 'serial', timeout: 300_000 });

let page: Page;
let api: APIRequestContext;
let dir: string;
const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function apiJson<T = Record<string, unknown>>(
  method: 'GET' | 'POST',
  path: string,
  key: string,
  body?: unknown,
): Promise<T> {
  const response =
    method === 'GET'
      ? await api.get(path, { headers: auth(key) })
      : await api.post(path, { headers: auth(key), data: body });
  expect(response.ok(), `${method} ${path}: ${await response.text()}`).toBe(true);
  return (await response.json()) as T;
}

/** Waits until the report leaves received/processing, through the API. */
async function settled(id: string, key = world.licensee.key): Promise<Record<string, unknown>> {
  for (let i = 0; i < 120; i++) {
    const report = await apiJson('GET', `/v1/usage-reports/${id}`, key);
    if (report.status !== 'received' && report.status !== 'processing') return report;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`report ${id} did not settle`);
}

/** "EUR 6,000.00" as the console shows an amount of minor units in en-GB (any space after the code). */
function eur(minor: number): RegExp {
  const digits = String(Math.abs(minor)).padStart(3, '0');
  const whole = digits.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const text = `${minor < 0 ? '-' : ''}EUR ${whole}.${digits.slice(-2)}`;
  return new RegExp(text.replace(/[.,]/g, (c) => `\\${c}`).replace(' ', '\\s'));
}

const grouped = (n: number) => n.toLocaleString('en');

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  api = await request.newContext({ baseURL: world.baseURL });
  dir = mkdtempSync(join(tmpdir(), 'licensee-reports-'));
  const press = await apiJson<{ apiKey: { key: string } }>(
    'POST',
    '/v1/organizations',
    world.adminKey,
    { name: `Reports Press ${run}`, kind: 'publisher', principal: { name: 'Reports desk' } },
  );
  const key = press.apiKey.key;
  const house = (await apiJson<{ data: { id: string }[] }>('GET', '/v1/payees', key)).data[0];
  works = [];
  for (const identifier of known) {
    const value = identifier.slice('ext:'.length);
    works.push(
      await apiJson<{ id: string }>('POST', '/v1/works', key, {
        externalId: value,
        title: `Report fixture ${value}`,
        kind: 'book',
        identifiers: [{ scheme: 'ext', value }],
        splits: [{ payeeId: house.id, shareBps: 10000 }],
      }),
    );
  }
  // The demo's offer (ai-train, worldwide, 2027, 200 EUR minor units per 1,000 tokens).
  const [offer] = await offerCatalogues(
    new ApiClient(world.baseURL),
    [{ name: `Reports Press ${run}`, key, organizationId: '', payees: [], works: [] }],
    () => undefined,
  );
  await apiJson('POST', '/v1/agreements', world.licensee.key, { offerId: offer.id as string });
  await signIn(page, world.licensee.key);
});

test.afterAll(async () => {
  await page.context().close();
  await api.dispose();
  rmSync(dir, { recursive: true, force: true });
});

test('a licence check of one identifier names the agreement and rate the API gives', async () => {
  await openPage(page, 'Licence check');
  await expectAccessible(page);
  const expected = await apiJson<{
    licensed: boolean;
    agreementId: string;
    workId: string;
    rate: { unit: string; per: number; rate: string; currency: string };
  }>(
    'GET',
    `/v1/licence-check?identifier=${known[0]}&usage=ai-train&at=2027-09-15`,
    world.licensee.key,
  );
  expect(expected.licensed).toBe(true);
  expect(expected.rate).toEqual({ unit: 'token', per: 1000, rate: '200', currency: 'EUR' });

  await page.getByLabel('Identifiers').fill(known[0]);
  await page.getByLabel('Day of use').fill('2027-09-15');
  await page.getByRole('button', { name: 'Check licence', exact: true }).click();
  const answers = page.getByRole('table', { name: 'Licence answers' });
  const row = answers.locator('tbody tr');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(known[0]);
  await expect(row.getByText('licensed', { exact: true })).toBeVisible();
  // 200 minor units per 1,000 tokens, shown as agreed and in euros.
  await expect(row).toContainText('EUR 2.00 per 1,000 tokens');
  await expect(row).toContainText('200 EUR minor units per 1,000 tokens');
  await expect(
    row.getByRole('link', { name: `Agreement ${expected.agreementId}` }),
  ).toHaveAttribute('href', `/licensee/agreements/${expected.agreementId}`);
  await expect(row.locator(`[title="${expected.workId}"]`)).toBeVisible();
});

test('a pasted list of 300 identifiers: each answered, counts equal the API’s; 1,001 refused before sending', async () => {
  // Every third line one of the four seeded works, the rest identifiers nobody registered.
  const lines = Array.from({ length: 300 }, (_, i) =>
    i % 3 === 0 ? known[(i / 3) % 4] : `ext:nobody-${run}-${i}`,
  );
  const { answers } = await apiJson<{ answers: { licensed: boolean; reason?: string }[] }>(
    'POST',
    '/v1/licence-check',
    world.licensee.key,
    { questions: lines.map((identifier) => ({ identifier, usage: 'ai-train', at: '2027-09-15' })) },
  );
  const licensed = answers.filter((a) => a.licensed).length;
  expect(licensed).toBe(100);
  expect(answers.filter((a) => a.reason === 'unknown-work')).toHaveLength(200);

  await page.getByLabel('Identifiers').fill(lines.join('\n'));
  await expect(page.getByText('300 identifiers', { exact: true })).toBeVisible();
  await page.getByRole('button', { name: 'Check licences' }).click();
  await expect(page.getByRole('group', { name: 'Checked' })).toContainText('300');
  await expect(page.getByRole('group', { name: 'Licensed', exact: true })).toContainText(
    grouped(licensed),
  );
  await expect(page.getByRole('group', { name: 'Not licensed', exact: true })).toContainText(
    grouped(300 - licensed),
  );
  const rows = page.getByRole('table', { name: 'Licence answers' }).locator('tbody tr');
  await expect(rows).toHaveCount(100);
  await expect(page.getByText('Lines 1–100 of 300')).toBeVisible();
  await expect(rows.first()).toContainText('EUR 2.00 per 1,000 tokens');
  await expectAccessible(page);
  await screenshot(page, 'licensee-licence-check');
  await page.getByLabel('Answers to show').getByText('Not licensed', { exact: true }).click();
  await expect(page.getByText('Lines 1–100 of 200')).toBeVisible();
  await expect(rows.first()).toContainText('No work in the catalogue carries this identifier');

  // 1,001 lines: refused in the form, nothing sent.
  let sent = 0;
  const count = (r: { url: () => string; method: () => string }) => {
    if (r.method() === 'POST' && r.url().includes('/v1/licence-check')) sent += 1;
  };
  page.on('request', count);
  const many = Array.from({ length: 1001 }, (_, i) => `ext:many-${i}`).join('\n');
  await page.getByLabel('Identifiers').fill(many);
  await page.getByRole('button', { name: 'Check licences' }).click();
  await expect(
    page.getByText('1,001 identifiers: one check takes at most 1,000. Split the list'),
  ).toBeVisible();
  page.off('request', count);
  expect(sent).toBe(0);
  // The API refuses the same, in its own words.
  const refused = await api.post('/v1/licence-check', {
    headers: auth(world.licensee.key),
    data: {
      questions: Array.from({ length: 1001 }, () => ({ identifier: known[0], usage: 'ai-train' })),
    },
  });
  expect(refused.status()).toBe(400);
});

/** 100,000 lines: 99,880 matched, 60 unknown works, 20 uses no agreement covers, 40 invalid. */
function bigReport(): { path: string; lines: number; units: bigint; issues: number } {
  const out: string[] = [];
  let units = 0n;
  for (let i = 1; i <= 100_000; i++) {
    const u = (i % 997) + 1;
    units += BigInt(u);
    let line: Record<string, unknown>;
    if (i % 1000 === 7 && i <= 40_000) {
      // 40 lines with a usage type that is no token: invalid (their units still count).
      line = {
        lineId: `l${i}`,
        workId: works[i % 4].id,
        usage: 'not a usage',
        units: u,
        unit: 'token',
      };
    } else if (i % 1000 === 500 && i <= 60_000) {
      // 60 identifiers nobody registered: unmatched, held in suspense.
      line = {
        lineId: `l${i}`,
        identifier: `ext:unknown-${run}-${i}`,
        usage: 'ai-train',
        units: u,
        unit: 'token',
      };
    } else if (i % 1000 === 900 && i <= 20_000) {
      // 20 uses the agreements do not permit (ai-input): out of scope.
      line = {
        lineId: `l${i}`,
        workId: works[i % 4].id,
        usage: 'ai-input',
        units: u,
        unit: 'request',
      };
    } else {
      line = {
        lineId: `l${i}`,
        workId: works[i % 4].id,
        usage: 'ai-train',
        units: u,
        unit: 'token',
      };
    }
    out.push(JSON.stringify(line));
  }
  const path = join(dir, `acme-${run}-2027-09.ndjson`);
  writeFileSync(path, `${out.join('\n')}\n`);
  return { path, lines: 100_000, units, issues: 120 };
}

test('a 100,000-line report uploads with progress, is accepted with exact counts, issues page by page', async () => {
  const report = bigReport();
  await openPage(page, 'Usage reports');
  await page.getByRole('link', { name: 'Upload a report' }).click();
  await expect(page.getByRole('heading', { name: 'Upload a usage report' })).toBeVisible();
  await expectAccessible(page);

  // Refused in the form first: nothing typed.
  await page.getByRole('button', { name: 'Upload report' }).click();
  await expect(page.getByText('Enter your id for this report')).toBeVisible();
  await expect(page.getByText('Choose the report file')).toBeVisible();

  const reportId = `acme-${run}-2027-09`;
  await page.getByRole('textbox', { name: 'Report ID' }).fill(reportId);
  await page.getByLabel('Period start').fill(PERIOD.periodStart);
  await page.getByLabel('Period end').fill(PERIOD.periodEnd);
  await page.getByLabel('Currency').fill('EUR');
  await page.getByRole('textbox', { name: 'Lines', exact: true }).fill(String(report.lines));
  await page.getByRole('textbox', { name: 'Units', exact: true }).fill(String(report.units));
  await page.locator('#usage-file').setInputFiles(report.path);

  // Slow the upload down (about 4 MB/s) so its progress can be seen, and record what it showed.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: 4 * 1024 * 1024,
  });
  await page.evaluate(() => {
    const seen: string[] = [];
    (window as unknown as { progressSeen: string[] }).progressSeen = seen;
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="upload-progress"]')?.textContent;
      if (text && seen[seen.length - 1] !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Upload report' }).click();
  await expect(page.getByTestId('upload-progress')).toContainText(
    /MB of \d+\.\d MB sent \(\d+ %\)/,
  );
  await page.screenshot({
    path: join(__dirname, '..', '..', 'docs', 'console', 'licensee-usage-report-upload.png'),
  });
  await expect(page).toHaveURL(/\/licensee\/usage-reports\/[0-9a-f-]{36}$/, { timeout: 60_000 });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  const seen = await page.evaluate(
    () => (window as unknown as { progressSeen: string[] }).progressSeen,
  );
  expect(seen.some((s) => / sent \((\d|[1-9]\d) %\)/.test(s))).toBe(true);
  expect(seen.some((s) => s.includes('sent (100 %)'))).toBe(true);

  const id = page.url().split('/').pop()!;
  await expect(page.getByRole('heading', { name: `Usage report ${reportId}` })).toBeVisible();
  await expect(page.getByRole('heading', { name: `Usage report ${reportId}` })).toContainText(
    'accepted',
    {
      timeout: 60_000,
    },
  );
  const api100k = await settled(id);
  expect(api100k.counts).toEqual({ matched: 99_880, unmatched: 60, outOfScope: 20, invalid: 40 });
  await expect(page.getByRole('group', { name: 'Matched', exact: true })).toContainText('99,880');
  await expect(page.getByRole('group', { name: 'Unmatched', exact: true })).toContainText('60');
  await expect(page.getByRole('group', { name: 'Out of scope' })).toContainText('20');
  await expect(page.getByRole('group', { name: 'Invalid' })).toContainText('40');
  await expect(page.getByText(`${grouped(100_000)} / ${grouped(100_000)}`)).toBeVisible();
  await expect(
    page.getByText(`${report.units.toLocaleString('en')} / ${report.units.toLocaleString('en')}`),
  ).toBeVisible();

  // Its 120 issues, 50 a page: 50, 50, 20, in line order.
  const issues = page.getByRole('table', { name: 'Issues of this report' }).locator('tbody tr');
  await expect(issues).toHaveCount(50);
  await expect(issues.first()).toContainText('l7');
  await expect(page.getByText('Page 1 · 50 rows')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'licensee-usage-report');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Page 2 · 50 rows')).toBeVisible();
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(page.getByText('Page 3 · 20 rows')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();
  await expect(issues.last()).toContainText(`ext:unknown-${run}-59500`);

  // One kind at a time: the 40 invalid lines, 7, 1007, …, 39007.
  await page.getByLabel('Issues to show').getByText('Invalid (40)').click();
  await expect(page).toHaveURL(/issues=invalid/);
  await expect(page.getByText('Page 1 · 40 rows')).toBeVisible();
  await expect(issues.first()).toContainText('l7');
  await expect(issues.last()).toContainText('l39007');
  await expect(issues.filter({ hasText: 'unmatched' })).toHaveCount(0);
  await page.getByLabel('Issues to show').getByText('Out of scope (20)').click();
  await expect(page.getByText('Page 1 · 20 rows')).toBeVisible();
  await expect(issues.last()).toContainText('l19900');

  // The list shows it with the same counts.
  await openPage(page, 'Usage reports');
  const row = page.locator('tbody tr', { hasText: reportId });
  await expect(row).toContainText('99,880');
  await expect(row).toContainText('accepted');
  await expectAccessible(page);
  await screenshot(page, 'licensee-usage-reports');
  await page.getByLabel('Reports to show').getByText('Rejected', { exact: true }).click();
  await expect(page).toHaveURL(/status=rejected/);
  await expect(page.locator('tbody tr', { hasText: reportId })).toHaveCount(0);
});

test('a small report is superseded by a correction sent from its page', async () => {
  const reportId = `acme-${run}-small`;
  const small = await apiJson<{ id: string }>('POST', '/v1/usage-reports', world.licensee.key, {
    reportId,
    ...PERIOD,
    lines: [{ lineId: 'a', workId: works[0].id, usage: 'ai-train', units: 1000, unit: 'token' }],
    totals: { lineCount: 1, units: 1000 },
  });
  await settled(small.id);
  await page.goto(`/licensee/usage-reports/${small.id}`);
  await page.getByRole('link', { name: 'Submit a correction' }).click();
  await expect(page.getByRole('heading', { name: 'Submit a correction' })).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Report ID' })).toHaveValue(
    `${reportId}-correction`,
  );
  await expect(page.getByLabel('Period start')).toHaveValue(PERIOD.periodStart);
  await expect(page.getByLabel('Period end')).toHaveValue(PERIOD.periodEnd);

  const file = join(dir, 'correction.ndjson');
  writeFileSync(
    file,
    `${JSON.stringify({ lineId: 'a', workId: works[0].id, usage: 'ai-train', units: 1500, unit: 'token' })}\n`,
  );
  await page.getByRole('textbox', { name: 'Lines', exact: true }).fill('1');
  await page.getByRole('textbox', { name: 'Units', exact: true }).fill('1500');
  await page.locator('#usage-file').setInputFiles(file);

  // The small report's own id with other content: refused beside the field, the form kept.
  await page.getByRole('textbox', { name: 'Report ID' }).fill(reportId);
  await page.getByRole('button', { name: 'Send the correction' }).click();
  await expect(page.getByText(/already received with other content/)).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'Open the report sent under this id' }),
  ).toHaveAttribute('href', `/licensee/usage-reports/${small.id}`);
  await expect(page.getByRole('textbox', { name: 'Units', exact: true })).toHaveValue('1500');
  await expectAccessible(page);

  // The answer to the first send is lost on the way back (the report was stored): the page
  // says so, the form is kept, and sending again returns the same report, not a second one.
  await page.getByRole('textbox', { name: 'Report ID' }).fill(`${reportId}-correction`);
  let lost = '';
  await page.route('**/v1/usage-reports?*', async (route) => {
    // Playwright does not pass on a File body by itself: the same bytes, from the same file.
    const answer = await route.fetch({ postData: readFileSync(file) });
    lost = ((await answer.json()) as { id: string }).id;
    await route.abort('connectionreset');
  });
  await page.getByRole('button', { name: 'Send the correction' }).click();
  await expect(page.getByText('The service cannot be reached')).toBeVisible();
  await page.unrouteAll();
  expect(lost).toMatch(/^[0-9a-f-]{36}$/);
  await expect(page.getByRole('textbox', { name: 'Units', exact: true })).toHaveValue('1500');
  await page.getByRole('button', { name: 'Send the correction' }).click();
  await expect(page).toHaveURL(/\/licensee\/usage-reports\/[0-9a-f-]{36}$/);
  const correctionId = page.url().split('/').pop()!;
  expect(correctionId).toBe(lost);
  const mine = await apiJson<{ data: { reportId: string }[] }>(
    'GET',
    '/v1/usage-reports?limit=100',
    world.licensee.key,
  );
  expect(mine.data.filter((r) => r.reportId === `${reportId}-correction`)).toHaveLength(1);
  expect(correctionId).not.toBe(small.id);
  await expect(
    page.getByRole('heading', { name: `Usage report ${reportId}-correction` }),
  ).toContainText('accepted');
  const earlier = await apiJson<{ supersededBy: string; counting: boolean }>(
    'GET',
    `/v1/usage-reports/${small.id}`,
    world.licensee.key,
  );
  expect(earlier).toMatchObject({ supersededBy: correctionId, counting: false });

  await page.getByRole('link', { name: `…${small.id.slice(-8)}` }).click();
  await expect(page.getByRole('heading', { name: `Usage report ${reportId}` })).toContainText(
    'superseded',
  );
  await expect(page.getByRole('link', { name: 'Submit a correction' })).toHaveCount(0);
});

test("another licensee's report is not found", async () => {
  const other = await apiJson<{ apiKey: { key: string } }>(
    'POST',
    '/v1/organizations',
    world.adminKey,
    {
      name: `Other AI ${run}`,
      kind: 'licensee',
      principal: { name: 'Other data team' },
    },
  );
  const theirs = await apiJson<{ id: string }>('POST', '/v1/usage-reports', other.apiKey.key, {
    reportId: 'other-2027-09',
    ...PERIOD,
    lines: [
      { lineId: 'x', identifier: 'ext:whatever', usage: 'ai-train', units: 5, unit: 'token' },
    ],
    totals: { lineCount: 1, units: 5 },
  });
  await page.goto(`/licensee/usage-reports/${theirs.id}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No usage report with this id exists for you.')).toBeVisible();
  await expect(page.getByText('other-2027-09')).toHaveCount(0);
  await expectAccessible(page);
});

test('invoices and their collection through Stripe equal the API’s', async () => {
  const { data } = await apiJson<{
    data: {
      id: string;
      publisherName: string;
      amount: number;
      paid: number;
      outstanding: number;
      paymentStatus: string;
      agreementId: string;
    }[];
  }>('GET', '/v1/invoices?status=all&limit=50', world.licensee.key);
  await openPage(page, 'Invoices');
  if (data.length === 0) {
    // Run alone, no royalty run is posted yet: nothing is invoiced.
    await expect(page.getByText(/No invoices yet/)).toBeVisible();
  } else {
    const rows = page.locator('tbody tr');
    await expect(rows).toHaveCount(data.length);
    const collections = await apiJson<{
      data: { invoiceId: string; status: string; failure: string | null; dueOn: string | null }[];
    }>('GET', `/v1/collection/invoices?ids=${data.map((i) => i.id).join(',')}`, world.licensee.key);
    for (const invoice of data) {
      const row = page.locator('tbody tr').filter({ has: page.locator(`[title="${invoice.id}"]`) });
      await expect(row).toContainText(invoice.publisherName);
      const cells = row.locator('td');
      await expect(cells.nth(3)).toHaveText(eur(invoice.amount));
      await expect(cells.nth(4)).toHaveText(eur(invoice.paid));
      await expect(cells.nth(5)).toHaveText(eur(invoice.outstanding));
      await expect(cells.nth(6)).toHaveText(invoice.paymentStatus.replace(/-/g, ' '));
      // Stripe's side (Acme AI pays by invoice; June is paid by hand in finance-story, which
      // the service tells Stripe as paid out of band).
      const collection = collections.data.find((c) => c.invoiceId === invoice.id);
      if (collection) {
        await expect(cells.nth(7)).toContainText(
          collection.status === 'issuing' && collection.failure ? 'refused' : collection.status,
        );
        await expect(cells.nth(8)).toHaveText(collection.dueOn ?? '—');
      }
      await expect(
        row.getByRole('link', { name: `Agreement ${invoice.agreementId}` }),
      ).toBeVisible();
    }
  }
  await expectAccessible(page);
});
