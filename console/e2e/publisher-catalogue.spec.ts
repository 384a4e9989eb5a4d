import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectAccessible, openPage, screenshot, seeded, signIn } from './fixtures';

/**
 * The publisher's catalogue in the browser (as the demo's Northwind Press): register a work with
 * two payees (refused first), find it three ways, edit it, withdraw another, import a catalogue
 * file of 10,000 lines, and meet a not-found page for another publisher's work and import.
 */
const world = seeded();
const publisher = world.publishers[0];
const [ada, house] = publisher.payees;
const run = Date.now().toString(36);

// Axe and screenshots on a shared, busy machine: a test may take minutes.
test.describe.configure({ mode: 'serial', timeout: 240_000 });

/** The API's answer with the publisher's key: the figures the pages must show. */
async function apiCall<T = Record<string, unknown>>(
  method: string,
  path: string,
  body?: unknown,
  key = publisher.key,
): Promise<T> {
  const response = await fetch(`${world.baseURL}${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok)
    throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

/** An ISBN-13 (978) that no other test registers, and the same book's ISBN-10. */
function freshIsbn(): { isbn13: string; isbn10: string } {
  const body = `978${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
  const sum13 = [...body].reduce((sum, d, i) => sum + Number(d) * (i % 2 ? 3 : 1), 0);
  const isbn13 = `${body}${(10 - (sum13 % 10)) % 10}`;
  const core = body.slice(3);
  const sum10 = [...core].reduce((sum, d, i) => sum + Number(d) * (10 - i), 0);
  const check10 = (11 - (sum10 % 11)) % 11;
  return { isbn13, isbn10: `${core}${check10 === 10 ? 'X' : String(check10)}` };
}

const { isbn13, isbn10 } = freshIsbn();
const title = `The Difference Engine ${run}`;
const externalId = `NWP-CAT-${run}`;
let workId = '';

let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page, publisher.key);
});

async function search(text: string): Promise<void> {
  await page.getByLabel('Find a work').fill(text);
  await expect.poll(() => new URL(page.url()).searchParams.get('search')).toBe(text);
}

test('registers a work with two payees: refused while the shares do not add up, kept as typed', async () => {
  await openPage(page, 'Catalogue');
  await expect(page.getByRole('row', { name: /Work Ada Lovelace: Collected Notes/ })).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'publisher-catalogue');

  await page.getByRole('link', { name: 'Register a work' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'Register a work' })).toBeVisible();
  await page.getByLabel(/^Title/).fill(title);
  await page.getByLabel(/^External id/).fill(externalId);
  await page.getByRole('button', { name: 'Add an identifier' }).click();
  await page.getByLabel('Identifier 1', { exact: true }).fill(isbn13);

  await page.getByRole('button', { name: 'Add a payee' }).click();
  await page.getByRole('combobox', { name: 'Payee 1', exact: true }).fill('Ada');
  await page.getByRole('option', { name: ada.name }).click();
  await page.getByLabel('Share of payee 1 (bps)').fill('6000');
  await page.getByRole('button', { name: 'Add a payee' }).click();
  await page.getByRole('combobox', { name: 'Payee 2', exact: true }).click();
  await page.getByRole('option', { name: `${house.name} (the publisher itself)` }).click();
  await page.getByLabel('Share of payee 2 (bps)').fill('3000');
  await expect(page.getByRole('status', { name: 'Sum of shares' })).toHaveText(
    'Sum of shares: 9,000 bps (90.00 %) — must be 10,000 bps',
  );

  // The page does not refuse it; the API does, in its own words, beside the splits.
  await page.getByRole('button', { name: 'Register the work' }).click();
  await expect(
    page.getByText('shares sum to 9000 bps; they must sum to exactly 10000'),
  ).toBeVisible();
  await expect(
    page.getByRole('alert').filter({ hasText: 'Request validation failed' }),
  ).toBeVisible();
  await expect(page.getByLabel(/^Title/)).toHaveValue(title);
  await expect(page.getByLabel(/^External id/)).toHaveValue(externalId);
  await expect(page.getByLabel('Identifier 1', { exact: true })).toHaveValue(isbn13);
  await expect(page.getByLabel('Share of payee 1 (bps)')).toHaveValue('6000');
  await expect(page.getByRole('combobox', { name: 'Payee 2', exact: true })).toHaveValue(
    `${house.name} (the publisher itself)`,
  );
  await expectAccessible(page);
  await page
    .getByRole('alert')
    .filter({ hasText: 'Request validation failed' })
    .scrollIntoViewIfNeeded();
  await screenshot(page, 'publisher-work-form-refused');
  const none = await apiCall<{ data: unknown[] }>(
    'GET',
    `/v1/works?externalId=${encodeURIComponent(externalId)}`,
  );
  expect(none.data).toEqual([]);

  await page.getByLabel('Share of payee 2 (bps)').fill('4000');
  await expect(page.getByRole('status', { name: 'Sum of shares' })).toHaveText(
    'Sum of shares: 10,000 bps (100.00 %)',
  );
  await page.getByRole('button', { name: 'Register the work' }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  workId = page.url().split('/').pop()!;

  const work = await apiCall<{
    externalId: string;
    identifiers: unknown[];
    splits: { payeeId: string; shareBps: number }[];
  }>('GET', `/v1/works/${workId}`);
  expect(work.externalId).toBe(externalId);
  expect(work.identifiers).toEqual([{ scheme: 'isbn', value: isbn13 }]);
  expect([...work.splits].sort((a, b) => b.shareBps - a.shareBps)).toEqual([
    { payeeId: ada.id, shareBps: 6000 },
    { payeeId: house.id, shareBps: 4000 },
  ]);
  const splits = page.getByRole('table', { name: `Split versions of ${title}` });
  await expect(
    splits.getByRole('row', { name: new RegExp(`${ada.name}.*60\\.00 %`) }),
  ).toBeVisible();
  await expect(
    splits.getByRole('row', { name: new RegExp(`${house.name}.*40\\.00 %`) }),
  ).toBeVisible();
  await expect(page.getByRole('table', { name: `Identifiers of ${title}` })).toContainText(isbn13);
  await expectAccessible(page);
});

test("a seeded work's page shows its splits and the usage the API reports for it", async () => {
  const seededWork = publisher.works[0];
  const usage = await apiCall<{
    data: { usage: string; unit: string; status: string; units: string; lines: number }[];
  }>('GET', `/v1/usage?workId=${seededWork.id}`);
  expect(usage.data.length).toBeGreaterThan(0);
  await page.goto(`/publisher/works/${seededWork.id}`);
  await expect(page.getByRole('heading', { level: 2, name: seededWork.title })).toBeVisible();
  const rows = page
    .getByRole('table', { name: `Usage of ${seededWork.title}` })
    .locator('tbody tr');
  await expect(rows).toHaveCount(usage.data.length);
  for (const [index, row] of usage.data.entries()) {
    const units = `${BigInt(row.units).toLocaleString('en-GB')} ${row.unit}`;
    await expect(rows.nth(index)).toContainText(row.usage);
    await expect(rows.nth(index)).toContainText(units);
  }
  const splits = page.getByRole('table', { name: `Split versions of ${seededWork.title}` });
  await expect(
    splits.getByRole('row', { name: new RegExp(`${ada.name}.*70\\.00 %`) }),
  ).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'publisher-work');
});

test('finds the work by its title, its external id, and the ISBN-10 of its ISBN-13', async () => {
  await openPage(page, 'Catalogue');
  const rows = page.locator('tbody tr');
  for (const text of [title.toLowerCase(), externalId, isbn10]) {
    await search(text);
    await expect(rows).toHaveCount(1);
    await expect(rows.first()).toHaveAccessibleName(`Work ${title} (${externalId})`);
  }
  await expect(page.getByText(`Searching by identifier isbn:${isbn10}`)).toBeVisible();
  // Ten digits with a wrong check digit are no ISBN: the API says why, and the text is searched
  // as a title or external id instead.
  await search('0306406153');
  await expect(page.getByText(/^Not a valid identifier \(.*check digit/)).toBeVisible();
  await expect(page.getByText('No work matches')).toBeVisible();
  // The ISBN-10 typed with hyphens is the same identifier.
  await search(
    `${isbn10.slice(0, 1)}-${isbn10.slice(1, 4)}-${isbn10.slice(4, 9)}-${isbn10.slice(9)}`,
  );
  await expect(rows).toHaveCount(1);
  await expectAccessible(page);
});

test('edits the work: a new title and a new split version from a date', async () => {
  await page.goto(`/publisher/works/${workId}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Edit ${title}` })).toBeVisible();
  await expect(page.getByRole('combobox', { name: 'Payee 1', exact: true })).not.toHaveValue('');
  await expectAccessible(page);
  await page.getByLabel(/^Title/).fill(`${title} (2nd ed.)`);
  const shares = { [ada.id]: '7000', [house.id]: '3000' };
  const current = await apiCall<{ splits: { payeeId: string }[] }>('GET', `/v1/works/${workId}`);
  for (const [index, split] of current.splits.entries()) {
    await page
      .getByLabel(`Share of payee ${index + 1} (bps)`, { exact: true })
      .fill(shares[split.payeeId]);
  }
  await page.getByLabel('New splits take effect from').fill('2027-01-01');
  await expect(page.getByRole('status', { name: 'Sum of shares' })).toHaveText(
    'Sum of shares: 10,000 bps (100.00 %)',
  );
  await page.getByRole('heading', { level: 2 }).scrollIntoViewIfNeeded();
  await screenshot(page, 'publisher-work-form');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `${title} (2nd ed.)` })).toBeVisible();

  const work = await apiCall<{ version: number; splitVersion: number; title: string }>(
    'GET',
    `/v1/works/${workId}`,
  );
  expect(work).toMatchObject({ version: 2, splitVersion: 2, title: `${title} (2nd ed.)` });
  const versions = await apiCall<{ data: { effectiveFrom: string }[] }>(
    'GET',
    `/v1/works/${workId}/split-versions`,
  );
  expect(versions.data.map((v) => v.effectiveFrom)).toEqual(['0001-01-01', '2027-01-01']);
  const splits = page.getByRole('table', { name: `Split versions of ${title} (2nd ed.)` });
  await expect(splits).toContainText('2027-01-01');
  await expect(
    splits.getByRole('row', { name: new RegExp(`${ada.name}.*70\\.00 %`) }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: `Versions of ${title} (2nd ed.)`, exact: true })
      .locator('tbody tr'),
  ).toHaveCount(2);
});

test('withdraws another fresh work after a confirmation', async () => {
  const fresh = await apiCall<{ id: string; title: string }>('POST', '/v1/works', {
    externalId: `NWP-WD-${run}`,
    title: `Withdrawn pamphlet ${run}`,
    kind: 'article',
  });
  await page.goto(`/publisher/works/${fresh.id}`);
  await expect(page.getByRole('heading', { level: 2, name: /Withdrawn pamphlet/ })).toContainText(
    'active',
  );
  await page.getByRole('button', { name: 'Withdraw' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`NWP-WD-${run} can no longer be licensed for new use`);
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Withdraw the work' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 2, name: /Withdrawn pamphlet/ })).toContainText(
    'withdrawn',
  );
  await expect(page.getByRole('button', { name: 'Withdraw' })).toBeHidden();
  const withdrawn = await apiCall<{ status: string }>('GET', `/v1/works/${fresh.id}`);
  expect(withdrawn.status).toBe('withdrawn');
});

test('imports a file of 10,000 lines: 9,975 created, 25 rejected and listed page by page', async () => {
  const directory = mkdtempSync(join(tmpdir(), 'catalogue-'));
  const file = join(directory, `catalogue-${run}.ndjson`);
  // Every 400th line (from the 7th) carries an ISBN with a wrong check digit: 25 of 10,000.
  const bad = new Set<number>();
  const lines: string[] = [];
  for (let lineNo = 1; lineNo <= 10_000; lineNo++) {
    const isBad = lineNo % 400 === 7;
    if (isBad) bad.add(lineNo);
    lines.push(
      JSON.stringify({
        externalId: `IMP-${run}-${lineNo}`,
        title: `Imported work ${lineNo}`,
        kind: 'book',
        ...(isBad ? { identifiers: ['isbn:9780306406158'] } : {}),
        splits: [
          { payeeId: ada.id, shareBps: 5000 },
          { payeeId: house.id, shareBps: 5000 },
        ],
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
  expect(bad.size).toBe(25);

  try {
    await openPage(page, 'Imports');
    await expect(page.getByText(/Files up to 4 GiB/)).toBeVisible();
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.getByRole('button', { name: 'Upload and import' }).click();
    await expect(page.getByRole('heading', { level: 2, name: /^Import of/ })).toContainText(
      'completed',
      { timeout: 90_000 },
    );
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
  const importId = page.url().split('/').pop()!;
  const done = await apiCall<Record<string, unknown>>('GET', `/v1/catalogue-imports/${importId}`);
  expect(done).toMatchObject({
    status: 'completed',
    linesRead: 10_000,
    linesProcessed: 10_000,
    created: 9_975,
    updated: 0,
    unchanged: 0,
    rejected: 25,
  });
  await expect(page.getByRole('group', { name: 'Created' })).toContainText('9,975');
  await expect(page.getByRole('group', { name: 'Rejected' })).toContainText('25');
  await expect(page.getByLabel('Lines processed of lines read')).toHaveText(
    '10,000 of 10,000 lines (100.0 %)',
  );

  const expected = [...bad].sort((a, b) => a - b);
  const rows = page
    .getByRole('table', { name: 'Rejected lines of the import' })
    .locator('tbody tr');
  await expect(rows).toHaveCount(20);
  await expect(rows.first()).toContainText(String(expected[0]));
  await expect(rows.first()).toContainText(`IMP-${run}-${expected[0]}`);
  await expect(rows.first()).toContainText('wrong check digit');
  await expectAccessible(page);
  await screenshot(page, 'publisher-import');
  await page.getByRole('button', { name: 'Next' }).click();
  await expect(rows).toHaveCount(5);
  const second = (await rows.locator('td:first-child').allTextContents()).map((t) =>
    Number(t.replace(/,/g, '')),
  );
  expect(second).toEqual(expected.slice(20));
  await expect(page.getByRole('button', { name: 'Next' })).toBeDisabled();

  await openPage(page, 'Imports');
  await expect(page.locator('tbody tr').first()).toContainText('9,975');
  await expectAccessible(page);
  await screenshot(page, 'publisher-imports');
});

test("another publisher's work and import are not found, and nothing of them shows", async () => {
  const other = world.publishers[1];
  await page.goto(`/publisher/works/${other.works[0].id}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No work with this id exists for you.')).toBeVisible();
  await expect(page.getByText(other.works[0].title)).toHaveCount(0);
  await expectAccessible(page);

  await page.goto(`/publisher/works/${other.works[0].id}/edit`);
  await expect(page.getByRole('heading', { level: 2, name: 'Not found' })).toBeVisible();

  const response = await fetch(`${world.baseURL}/v1/catalogue-imports`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${other.key}`, 'Content-Type': 'application/x-ndjson' },
    body: JSON.stringify({ externalId: `HB-${run}`, title: 'Theirs', kind: 'book' }),
  });
  expect(response.status).toBe(202);
  const theirs = (await response.json()) as { id: string };
  await page.goto(`/publisher/imports/${theirs.id}`);
  await expect(page.getByRole('heading', { level: 2, name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No import with this id exists for you.')).toBeVisible();
});
