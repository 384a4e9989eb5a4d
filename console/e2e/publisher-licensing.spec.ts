import { expect, test, type Page } from '@playwright/test';
import { ApiClient } from '../../demo/api-client';
import { expectAccessible, openPage, screenshot, seeded, signIn } from './fixtures';

/**
 * A publisher's licensing in the browser: an offer created through the form (refused once, in
 * the API's words), revised into version 2, an RSL document imported into a draft and published,
 * an offer retired, and an amendment proposed to the seeded licensee. Everything destructive is
 * done on offers and agreements this spec makes (2030 terms), never on the seeded 2027 ones.
 */
const world = seeded();
const publisher = world.publishers[1];
const other = world.publishers[0];
const api = new ApiClient(world.baseURL);
const suffix = Math.random().toString(36).slice(2, 8);
const title = `Retrieval and search 2030 ${suffix}`;

test.describe.configure({ mode: 'serial' });

let page: Page;
let offerId: string;
let agreementId: string;

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page, publisher.key);
});

/** Picks an option of a Mantine Select (a combobox) by its label. */
async function choose(label: string, option: string) {
  await page.getByRole('combobox', { name: label, exact: true }).click();
  await page.getByRole('option', { name: option, exact: true }).click();
}

/** A text input by its label (Mantine marks a required one's label with an asterisk). */
const field = (label: string) => page.getByRole('textbox', { name: label, exact: true });

async function addTag(label: string, value: string) {
  const input = page.getByRole('combobox', { name: label, exact: true });
  await input.fill(value);
  await input.press('Enter');
}

test('the offers list shows the seeded offer and the public RSL address', async () => {
  await openPage(page, 'Offers');
  await expect(page.getByRole('row', { name: 'Offer AI training 2027' })).toContainText('active');
  const address = `${world.baseURL}/rsl/${publisher.organizationId}.xml`;
  await expect(page.getByRole('link', { name: address })).toBeVisible();
  const rsl = await fetch(address);
  expect(rsl.status).toBe(200);
  expect(rsl.headers.get('content-type')).toContain('application/rsl+xml');
  await expectAccessible(page);
  await screenshot(page, 'publisher-offers');
});

test('a new offer covering every pricing component: refused once in the API’s words, then published', async () => {
  await page.getByRole('link', { name: 'New offer' }).click();
  await expect(page.getByRole('heading', { level: 2, name: 'New offer' })).toBeVisible();
  await field('Title').fill(title);
  await addTag('Permitted uses', 'ai-input');
  await field('Start').fill('2030-01-01');
  await field('End').fill('2030-12-31');
  await choose('Rate 1: usage', 'search');
  await field('Rate 1: rate').fill('12.5');
  await field('Rate 1: per').fill('1000');
  await choose('Rate 1: unit', 'request');
  await page.getByRole('checkbox', { name: 'Flat fee' }).check();
  await field('Flat fee: amount (EUR)').fill('1,250.50');
  await page.getByRole('checkbox', { name: 'Minimum guarantee' }).check();
  await field('Minimum guarantee: amount (EUR)').fill('3000');
  await choose('Minimum guarantee: per', 'quarter');
  await page.getByRole('checkbox', { name: 'Revenue share' }).check();
  await field('Revenue share in basis points').fill('1500');
  await page.getByRole('checkbox', { name: 'Advance' }).check();
  await field('Advance: amount (EUR)').fill('10000');
  await page.getByRole('checkbox', { name: 'Attribution required' }).check();

  // "search" is priced but not permitted: the API refuses, and says so beside the rate's usage.
  const expected = {
    title,
    scope: { type: 'all' },
    usages: ['ai-input'],
    prohibits: [],
    territories: ['worldwide'],
    userTypes: [],
    term: { start: '2030-01-01', end: '2030-12-31' },
    currency: 'EUR',
    pricing: {
      rates: [{ usage: 'search', unit: 'request', per: 1000, rate: '12.5' }],
      flatFee: { amount: 125050, period: 'month' },
      minimumGuarantee: { amount: 300000, period: 'quarter' },
      revenueShareBps: 1500,
      advance: { amount: 1000000 },
    },
    attributionRequired: true,
  };
  const refusal = await api.call('POST', '/v1/licence-offers', publisher.key, expected);
  expect(refusal.__status).toBe(400);
  const message = (refusal.errors as { field: string; messages: string[] }[]).find(
    (e) => e.field === 'pricing.rates.0.usage',
  )!.messages[0];
  expect(message).toBe('search is priced but not permitted by usages');
  const before = await api.ok('GET', '/v1/licence-offers?limit=200', publisher.key);
  await page.getByRole('button', { name: 'Publish offer' }).click();
  await expect(page.getByText(message)).toBeVisible();
  await expect(page.getByRole('alert').filter({ hasText: 'Request' })).toBeVisible();
  // Nothing was made, and the form kept what was typed.
  const after = await api.ok('GET', '/v1/licence-offers?limit=200', publisher.key);
  expect(after.data).toHaveLength(before.data.length);
  await expect(field('Flat fee: amount (EUR)')).toHaveValue('1,250.50');
  await expectAccessible(page);
  await screenshot(page, 'publisher-offer-form');

  await addTag('Permitted uses', 'search');
  await page.getByRole('button', { name: 'Publish offer' }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  offerId = page.url().split('/').pop()!;
  const created = await api.ok('GET', `/v1/licence-offers/${offerId}`, publisher.key);
  expect(created.terms).toEqual({ ...expected, usages: ['ai-input', 'search'] });
  expect(created.version).toBe(1);
  // The page shows the pricing components with the API's units.
  const pricing = page.getByRole('table', { name: /Current terms.*pricing/ });
  await expect(pricing).toContainText('12.5 per 1,000 requests');
  await expect(pricing).toContainText(/EUR\s1,250\.50/);
  await expect(pricing).toContainText(/EUR\s3,000\.00/);
  await expect(pricing).toContainText('15.00 % (1500 bps)');
  await expect(pricing).toContainText(/EUR\s10,000\.00/);
});

test('the seeded licensee accepts it; editing the offer makes version 2', async () => {
  const agreement = await api.ok('POST', '/v1/agreements', world.licensee.key, { offerId });
  agreementId = agreement.id as string;

  await page.getByRole('link', { name: 'Edit terms' }).click();
  await expect(page.getByRole('heading', { level: 2, name: `Edit “${title}”` })).toBeVisible();
  await field('Rate 1: rate').fill('15');
  await page.getByRole('button', { name: 'Save as version 2' }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  await expect(page.getByText('Version 2 ·')).toBeVisible();
  const revised = await api.ok('GET', `/v1/licence-offers/${offerId}`, publisher.key);
  expect(revised.version).toBe(2);
  expect(revised.terms.pricing.rates).toEqual([
    { usage: 'search', unit: 'request', per: 1000, rate: '15' },
  ]);
  const versions = await api.ok('GET', `/v1/licence-offers/${offerId}/versions`, publisher.key);
  expect(versions.data.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  await expect(page.getByRole('button', { name: /Version 1/ })).toBeVisible();
  await page.getByRole('button', { name: /Version 1/ }).click();
  await expect(page.getByRole('table', { name: 'Terms of version 1: pricing' })).toContainText(
    '12.5 per 1,000 requests',
  );
  await expectAccessible(page);
  await screenshot(page, 'publisher-offer');
});

test('an RSL document is read into a draft offer, published, then retired', async () => {
  const rsl = `<?xml version="1.0" encoding="UTF-8"?>
<rsl xmlns="https://rslstandard.org/rsl" xmlns:rl="https://rights-ledger.dev/ns/rsl/1">
  <content url="https://harbour.example/books">
    <license rl:title="Imported crawl licence ${suffix}" rl:scope="all" rl:start="2032-01-01" rl:end="2032-12-31">
      <permits type="usage">train-ai ai-index</permits>
      <payment type="training" rl:component="rate" rl:usage="ai-train" rl:unit="token" rl:per="1000">
        <amount currency="EUR">0.002</amount>
      </payment>
      <payment type="subscription" rl:component="flat-fee" rl:period="year">
        <amount currency="EUR">2400.00</amount>
      </payment>
    </license>
  </content>
</rsl>`;
  const read = await fetch(`${world.baseURL}/v1/licence-offers/import-rsl`, {
    method: 'POST',
    headers: { authorization: `Bearer ${publisher.key}`, 'content-type': 'application/rsl+xml' },
    body: rsl,
  });
  expect(read.status).toBe(200);
  const imported = (await read.json()) as {
    offers: Record<string, unknown>[];
    warnings: { message: string }[];
  };
  expect(imported.offers).toHaveLength(1);

  await openPage(page, 'Offers');
  await page.getByRole('button', { name: 'Import RSL' }).click();
  const dialog = page.getByRole('dialog', { name: 'Import an RSL document' });
  await dialog.getByRole('textbox', { name: 'Or paste the document' }).fill(rsl);
  await dialog.getByRole('button', { name: 'Read document' }).click();
  await expect(dialog.getByText('1 draft offer read')).toBeVisible();
  for (const warning of imported.warnings) await expect(dialog).toContainText(warning.message);
  await dialog.getByRole('button', { name: 'Review draft 1' }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: 'New offer from an RSL document' }),
  ).toBeVisible();
  await expect(field('Title')).toHaveValue(`Imported crawl licence ${suffix}`);
  await page.getByRole('button', { name: 'Publish offer' }).click();
  await expect(
    page.getByRole('heading', { level: 2, name: `Imported crawl licence ${suffix}` }),
  ).toBeVisible();
  const importedId = page.url().split('/').pop()!;
  const published = await api.ok('GET', `/v1/licence-offers/${importedId}`, publisher.key);
  expect(published.terms).toEqual(imported.offers[0]);

  await page.getByRole('button', { name: 'Retire offer' }).click();
  const confirm = page.getByRole('dialog');
  await expect(confirm).toContainText('No licensee can accept this offer any more');
  await confirm.getByRole('button', { name: 'Retire offer' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByLabel('Offer', { exact: true })).toContainText('retired');
  await expect(page.getByRole('button', { name: 'Edit terms' })).toBeHidden();
  const retired = await api.ok('GET', `/v1/licence-offers/${importedId}`, publisher.key);
  expect(retired.status).toBe('retired');

  await openPage(page, 'Offers');
  await page
    .getByRole('radiogroup', { name: 'Offers to show' })
    .getByText('Retired', { exact: true })
    .click();
  await expect(page).toHaveURL(/status=retired/);
  await expect(
    page.getByRole('row', { name: `Offer Imported crawl licence ${suffix}` }),
  ).toBeVisible();
  await expect(page.getByRole('row', { name: 'Offer AI training 2027' })).toBeHidden();
});

test('an amendment is proposed to the seeded licensee, and waits for it', async () => {
  await openPage(page, 'Agreements');
  const row = page.getByRole('row', { name: `Agreement with ${world.licensee.name} on ${title}` });
  await expect(row).toContainText('active');
  await expect(
    page.getByRole('row', { name: `Agreement with ${world.licensee.name} on AI training 2027` }),
  ).toContainText('2027-12-31');
  await expectAccessible(page);
  await row.click();
  await expect(
    page.getByRole('heading', { level: 2, name: `Agreement with ${world.licensee.name}` }),
  ).toBeVisible();

  await page.getByRole('button', { name: 'Propose an amendment' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('The amendment proposes version 2');
  await expect(dialog).toContainText('15 per 1,000 requests');
  // A day before the agreement starts: refused beside the date, in the API's words.
  await dialog.getByRole('textbox', { name: 'In force from' }).fill('2029-12-31');
  await dialog.getByRole('button', { name: 'Propose amendment' }).click();
  await expect(dialog).toContainText('effectiveOn is before the agreement starts (2030-01-01)');
  await dialog.getByRole('textbox', { name: 'In force from' }).fill('2030-07-01');
  await dialog.getByRole('button', { name: 'Propose amendment' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Waiting for the licensee')).toBeVisible();

  const versions = await api.ok('GET', `/v1/agreements/${agreementId}/versions`, publisher.key);
  expect(
    versions.data.map((v: Record<string, unknown>) => [
      v.version,
      v.status,
      v.effectiveOn,
      v.offerVersion,
    ]),
  ).toEqual([
    [1, 'accepted', '2030-01-01', 1],
    [2, 'proposed', '2030-07-01', 2],
  ]);
  await expect(page.getByRole('button', { name: /Version 2/ })).toContainText('proposed');
  await expectAccessible(page);
  await screenshot(page, 'publisher-agreement');

  await openPage(page, 'Agreements');
  await expect(
    page.getByRole('row', { name: `Agreement with ${world.licensee.name} on ${title}` }),
  ).toContainText('amendment 2 awaits licensee');
  await screenshot(page, 'publisher-agreements');
});

test("another publisher's offer and agreement are not found", async () => {
  const theirOffers = await api.ok('GET', '/v1/licence-offers', other.key);
  const theirAgreements = await api.ok('GET', '/v1/agreements', other.key);
  await page.goto(`/publisher/offers/${theirOffers.data[0].id as string}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No offer with this id exists for you.')).toBeVisible();
  await page.goto(`/publisher/offers/${theirOffers.data[0].id as string}/edit`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await page.goto(`/publisher/agreements/${theirAgreements.data[0].id as string}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No agreement with this id exists for you.')).toBeVisible();
  await expectAccessible(page);
});
