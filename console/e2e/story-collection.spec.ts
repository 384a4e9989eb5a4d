/// <reference lib="dom" />
import { expect, test } from '@playwright/test';
import type { Json } from '../../demo/api-client';
import { api, expectAccessible, openPage, screenshot, seeded, signIn } from './fixtures';

/**
 * Collection through Stripe in the browser, for a publisher and two AI firms of their own (so no
 * other spec's state matters): Lighthouse Press offers one work at EUR 2.00 per 1,000 tokens;
 * Babbage AI sets its billing profile in the console (bad input first) and reports 600,000 tokens
 * of March 2028 (EUR 1,200.00); Curie Labs 250,000 tokens of April 2028 (EUR 500.00). Finance
 * posts each month through the API; Stripe sends Babbage its invoice, and refuses Curie's once
 * (a fault of the emulator's), which finance issues again from the Invoices page. Then both are
 * overdue twelve days after their due day.
 *
 * March and April 2028: periods no other spec reports or runs royalties for.
 */
const world = seeded();
const run = Date.now().toString(36);
const MARCH = { start: '2028-03-01', end: '2028-03-31' };
const APRIL = { start: '2028-04-01', end: '2028-04-30' };

/** An amount as the console shows it in en-GB: "EUR 1,200.00" (any space after the code). */
const eur = (figure: string) => new RegExp(`EUR\\s${figure.replace(/[.,]/g, (c) => `\\${c}`)}`);

interface Firm {
  name: string;
  key: string;
  id: string;
}

let publisherKey = '';
let workId = '';
let babbage: Firm;
let curie: Firm;
let babbageInvoice: Json;
let curieInvoice: Json;

async function firm(name: string, offerId: string): Promise<Firm> {
  const created = await api().ok('POST', '/v1/organizations', world.adminKey, {
    name,
    kind: 'licensee',
    principal: { name: `${name} data team` },
  });
  const key = created.apiKey.key as string;
  await api().ok('POST', '/v1/agreements', key, { offerId });
  return { name, key, id: created.organization.id as string };
}

async function report(who: Firm, period: { start: string; end: string }, units: number) {
  const lines = [{ lineId: 'l-1', workId, usage: 'ai-train', units: String(units), unit: 'token' }];
  const sent = await api().ok('POST', '/v1/usage-reports', who.key, {
    reportId: `${who.name}-${period.start}-${run}`,
    periodStart: period.start,
    periodEnd: period.end,
    lines,
    totals: { lineCount: 1, units: String(units) },
  });
  const settled = await api().until(
    `/v1/usage-reports/${sent.id}`,
    who.key,
    (r) => r.status !== 'received' && r.status !== 'processing',
  );
  expect(settled.status).toBe('accepted');
}

/** Finance calculates and posts the month through the API; its one invoice. */
async function post(period: { start: string; end: string }): Promise<Json> {
  const alice = world.operator.alice;
  const created = await api().ok('POST', '/v1/royalty-runs', alice, {
    periodStart: period.start,
    periodEnd: period.end,
  });
  const calculated = await api().until(
    `/v1/royalty-runs/${created.id}`,
    alice,
    (r) => r.status !== 'calculating',
  );
  await api().ok('POST', `/v1/royalty-runs/${created.id}/post`, alice, {
    calculationHash: calculated.calculationHash as string,
  });
  const invoices = await api().ok('GET', `/v1/invoices?runId=${created.id}&status=all`, alice);
  expect(invoices.data).toHaveLength(1);
  return invoices.data[0] as Json;
}

const collectionOf = (invoiceId: string, done: (c: Json) => boolean) =>
  api().until(`/v1/invoices/${invoiceId}/collection`, world.operator.alice, done);

const dayAfter = (date: string, days: number) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + days * 86400_000).toISOString().slice(0, 10);

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  const publisher = await api().ok('POST', '/v1/organizations', world.adminKey, {
    name: 'Lighthouse Press',
    kind: 'publisher',
    principal: { name: 'Lighthouse rights desk' },
  });
  publisherKey = publisher.apiKey.key as string;
  const house = (await api().ok('GET', '/v1/payees', publisherKey)).data[0] as Json;
  const work = await api().ok('POST', '/v1/works', publisherKey, {
    externalId: `lighthouse-${run}`,
    title: 'Lighthouse: Tides and Lamps',
    kind: 'book',
    identifiers: [{ scheme: 'ext', value: `lighthouse-${run}` }],
    splits: [{ payeeId: house.id, shareBps: 10000 }],
  });
  workId = work.id as string;
  const offer = await api().ok('POST', '/v1/licence-offers', publisherKey, {
    title: 'AI training 2028',
    scope: { type: 'all' },
    usages: ['ai-train'],
    territories: ['worldwide'],
    term: { start: '2028-01-01', end: '2028-12-31' },
    currency: 'EUR',
    pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '200' }] },
  });
  babbage = await firm('Babbage AI', offer.id as string);
  curie = await firm('Curie Labs', offer.id as string);
  await api().ok('PUT', '/v1/billing-profile', curie.key, {
    name: 'Curie Labs SAS',
    email: 'factures@curie.example',
    address: { line1: '4 rue Pierre', city: 'Paris', country: 'FR' },
  });
});

test('Babbage AI sets its billing profile: bad input is shown beside its fields, kept as typed', async ({
  page,
}) => {
  await signIn(page, babbage.key);
  await openPage(page, 'Billing');
  const form = page.getByRole('form', { name: 'Billing profile' });
  // Nothing set yet: the profile starts with the organization's name, paid by invoice.
  await expect(form.getByLabel('Name on invoices')).toHaveValue('Babbage AI');
  await expect(page.getByText('No payment method on file')).toBeVisible();
  await expect(page.getByText('No tax id')).toBeVisible();
  await expectAccessible(page);

  await form.getByLabel('Name on invoices').fill('Babbage AI Ltd');
  await form.getByLabel('Billing email').fill('not-an-email');
  await form.getByLabel('Address line 1').fill('1 Engine Street');
  await form.getByLabel('City').fill('London');
  await form.getByLabel('Country').fill('XX');
  await form.getByRole('button', { name: 'Add a tax id' }).click();
  await form.getByLabel('Tax id 1', { exact: true }).fill('GB 123!');
  await form.getByRole('button', { name: 'Save billing profile' }).click();

  // The API's field errors, each beside its field (Mantine links them by aria-describedby).
  await expect(form.getByLabel('Billing email')).toHaveAccessibleDescription(/email/i);
  await expect(form.getByLabel('Country')).toHaveAccessibleDescription(/country/i);
  await expect(form.getByLabel('Tax id 1', { exact: true })).toHaveAccessibleDescription(
    /value must be 2–40 letters/,
  );
  await expect(form.getByRole('alert')).toContainText('Request validation failed');
  await expect(form.getByLabel('Billing email')).toHaveValue('not-an-email');
  await expect(form.getByLabel('Country')).toHaveValue('XX');
  await expectAccessible(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'licensee-billing-refused');
  const refused = await api().ok('GET', '/v1/billing-profile', babbage.key);
  expect(refused.name).toBe('Babbage AI');

  // Automatic collection needs a payment method on file: the API says so, beside the choice.
  await form.getByLabel('Billing email').fill('accounts-payable@babbage.example');
  await form.getByLabel('Country').fill('GB');
  await form.getByLabel('Tax id 1', { exact: true }).fill('GB123456789');
  await form.getByLabel('Automatically').check();
  await form.getByRole('button', { name: 'Save billing profile' }).click();
  await expect(form.getByRole('radiogroup', { name: 'How you pay' })).toHaveAccessibleDescription(
    /attach one first/,
  );
  await form.getByLabel('By invoice').check();
  await form.getByRole('button', { name: 'Save billing profile' }).click();
  await expect(page.getByText('Billing profile saved')).toBeVisible();
  await expect(page.getByRole('definition').filter({ hasText: 'synced' })).toBeVisible();
  const saved = await api().ok('GET', '/v1/billing-profile', babbage.key);
  expect(saved).toMatchObject({
    name: 'Babbage AI Ltd',
    email: 'accounts-payable@babbage.example',
    address: { line1: '1 Engine Street', city: 'London', country: 'GB' },
    taxIds: [{ type: 'gb_vat', value: 'GB123456789' }],
    collectionMethod: 'invoice',
    syncedWithStripe: true,
  });
  await expect(page.getByText(saved.stripeCustomerId as string)).toBeVisible();
});

test('it attaches a payment method by its id (a bad id refused in words), removes it, attaches it again', async ({
  page,
}) => {
  await signIn(page, babbage.key, '/licensee/billing');
  const attach = page.getByRole('form', { name: 'Attach a payment method' });
  await attach.getByLabel('Stripe payment method id').fill('card_4242');
  await attach.getByRole('button', { name: 'Attach payment method' }).click();
  await expect(attach.getByLabel('Stripe payment method id')).toHaveAccessibleDescription(
    /paymentMethodId must be a Stripe pm_… id/,
  );
  await expect(attach.getByLabel('Stripe payment method id')).toHaveValue('card_4242');

  await attach.getByLabel('Stripe payment method id').fill('pm_card_visa');
  await attach.getByRole('button', { name: 'Attach payment method' }).click();
  await expect(page.getByText('visa •••• 4242')).toBeVisible();
  await page.getByRole('button', { name: 'Remove payment method' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Remove visa •••• 4242 from file');
  await dialog.getByRole('button', { name: 'Remove payment method' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('No payment method on file')).toBeVisible();
  expect((await api().ok('GET', '/v1/billing-profile', babbage.key)).paymentMethod).toBeNull();

  await page.getByLabel('Stripe payment method id').fill('pm_card_visa');
  await page.getByRole('button', { name: 'Attach payment method' }).click();
  await expect(page.getByText('visa •••• 4242')).toBeVisible();
  expect((await api().ok('GET', '/v1/billing-profile', babbage.key)).paymentMethod).toMatchObject({
    brand: 'visa',
    last4: '4242',
    type: 'card',
  });
  await expectAccessible(page);
  await page.evaluate(() => window.scrollTo(0, 0));
  await screenshot(page, 'licensee-billing');
});

test('March is posted; Babbage AI sees its invoice as Stripe sent it, and only its own', async ({
  page,
}) => {
  await report(babbage, MARCH, 600_000);
  babbageInvoice = await post(MARCH);
  expect(babbageInvoice.amount).toBe(120000);
  const collection = await collectionOf(babbageInvoice.id as string, (c) => c.status === 'open');
  expect(collection).toMatchObject({ outstanding: 120000, failure: null });

  const asked: string[] = [];
  page.on('request', (r) => {
    if (r.url().includes('/v1/collection/invoices')) asked.push(r.url());
  });
  await signIn(page, babbage.key);
  await openPage(page, 'Invoices');
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  const row = rows.first();
  await expect(row).toContainText('Lighthouse Press');
  await expect(row).toContainText('March 2028');
  await expect(row).toContainText(eur('1,200.00'));
  await expect(row).toContainText('open');
  await expect(row).toContainText(collection.number as string);
  await expect(row).toContainText(collection.dueOn as string);
  await expect(
    row.getByRole('link', { name: `Pay invoice ${collection.number as string} on Stripe` }),
  ).toHaveAttribute('href', collection.hostedInvoiceUrl as string);
  await expect(
    row.getByRole('link', { name: `PDF of invoice ${collection.number as string}` }),
  ).toHaveAttribute('href', collection.invoicePdf as string);
  // One request for the page's collection, naming the page's invoices.
  expect(asked).toHaveLength(1);
  expect(new URL(asked[0]).searchParams.get('ids')).toBe(babbageInvoice.id);
  await expectAccessible(page);
  await screenshot(page, 'licensee-invoices');
});

test('Stripe refuses April’s invoice to Curie Labs; finance sees why and issues it again', async ({
  page,
}) => {
  await report(curie, APRIL, 250_000);
  const fault = await fetch(`${world.stripeUrl}/_emulator/faults`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      method: 'POST',
      path: '/v1/invoices',
      kind: '400',
      message: 'Customer has no valid tax location',
      times: 1,
    }),
  });
  expect(fault.status).toBe(200);
  curieInvoice = await post(APRIL);
  await collectionOf(curieInvoice.id as string, (c) => c.failure !== null);

  await signIn(page, world.operator.alice);
  await openPage(page, 'Invoices');
  const curieRow = page.locator('tbody tr', { hasText: 'Curie Labs' });
  await expect(curieRow).toContainText('April 2028');
  await expect(curieRow).toContainText(eur('500.00'));
  await expect(curieRow).toContainText('refused');
  await expect(curieRow.getByTestId('collection-failure')).toContainText(
    'Customer has no valid tax location',
  );
  const babbageRow = page.locator('tbody tr', { hasText: 'Babbage AI' });
  await expect(babbageRow).toContainText('open');
  await expect(babbageRow.getByRole('button', { name: /^Issue again/ })).toHaveCount(0);
  await expectAccessible(page);
  await screenshot(page, 'finance-invoices');

  await curieRow.getByRole('button', { name: /^Issue again invoice/ }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByTestId('issue-again-summary')).toHaveText(
    /^Issue again: invoice to Curie Labs for April 2028 \(Lighthouse Press\), EUR\s500\.00\.$/,
  );
  await expect(dialog).toContainText('Stripe refused it: ');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: /^Issue EUR\s500\.00 again$/ }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('Sent to Stripe again')).toBeVisible();
  // The page follows Stripe's answer: the invoice is open, the reason and the action gone.
  await expect(curieRow).toContainText('open', { timeout: 30_000 });
  await expect(curieRow.getByTestId('collection-failure')).toHaveCount(0);
  await expect(curieRow.getByRole('button', { name: /^Issue again/ })).toHaveCount(0);
  const reissued = await collectionOf(curieInvoice.id as string, (c) => c.status === 'open');
  expect(reissued).toMatchObject({ failure: null, outstanding: 50000 });
});

test('finance reads what is overdue as of a day, per licensee and then invoice by invoice', async ({
  page,
}) => {
  const babbageDue = await collectionOf(babbageInvoice.id as string, () => true);
  const curieDue = await collectionOf(curieInvoice.id as string, () => true);
  const asOf = dayAfter(babbageDue.dueOn as string, 12);
  const curieDays = Math.round(
    (Date.parse(asOf) - Date.parse(curieDue.dueOn as string)) / 86400_000,
  );

  await signIn(page, world.operator.alice);
  await openPage(page, 'Overdue');
  // Today nothing is due yet (Stripe gives 30 days).
  await expect(
    page.getByText(/^Nothing overdue as of \d{4}-\d{2}-\d{2}: every invoice/),
  ).toBeVisible();
  await expect(page.getByText(/^Nothing overdue as of .* — invoices appear here/)).toBeVisible();
  await expectAccessible(page);

  await page.getByRole('textbox', { name: 'As of' }).fill(asOf);
  await page.getByRole('textbox', { name: 'As of' }).press('Escape');
  await expect(page).toHaveURL(new RegExp(`asOf=${asOf}`));
  const byLicensee = page.getByRole('table', { name: `Overdue by licensee as of ${asOf}` });
  const babbageTotal = byLicensee.locator('tbody tr', { hasText: 'Babbage AI' });
  await expect(babbageTotal.locator('td')).toHaveText([
    'Babbage AI',
    'EUR',
    '1',
    eur('1,200.00'),
    '12',
    /Show invoices/,
  ]);
  await expect(byLicensee.locator('tbody tr', { hasText: 'Curie Labs' })).toContainText(
    eur('500.00'),
  );
  const invoices = page.getByRole('table', { name: `Overdue invoices as of ${asOf}` });
  const babbageLate = invoices.locator('tbody tr', { hasText: 'Babbage AI' });
  await expect(babbageLate).toContainText(babbageDue.number as string);
  await expect(babbageLate).toContainText(babbageDue.dueOn as string);
  await expect(babbageLate.locator('td').nth(3)).toHaveText('12');
  await expect(babbageLate.locator('td').nth(5)).toHaveText(eur('1,200.00'));
  await expect(
    babbageLate.getByRole('link', { name: `Invoice ${babbageDue.number as string} on Stripe` }),
  ).toHaveAttribute('href', babbageDue.hostedInvoiceUrl as string);
  await expect(
    invoices.locator('tbody tr', { hasText: 'Curie Labs' }).locator('td').nth(3),
  ).toHaveText(String(curieDays));
  await expectAccessible(page);
  await screenshot(page, 'finance-overdue');

  await babbageTotal.getByRole('button', { name: "Show Babbage AI's overdue invoices" }).click();
  await expect(page).toHaveURL(new RegExp(`licenseeId=${babbage.id}`));
  await expect(invoices.locator('tbody tr')).toHaveCount(1);
  await expect(invoices.locator('tbody tr')).toContainText('Babbage AI');
  await page.getByRole('button', { name: 'Show every licensee' }).click();
  await expect(invoices.locator('tbody tr', { hasText: 'Curie Labs' })).toHaveCount(1);
});

test('each licensee sees only its own invoices and their collection; neither sees Overdue', async ({
  page,
}) => {
  await signIn(page, curie.key);
  await openPage(page, 'Invoices');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr')).toContainText('April 2028');
  await expect(page.locator('tbody tr')).not.toContainText('March 2028');
  const babbageNumber = (await collectionOf(babbageInvoice.id as string, () => true)).number;
  await expect(page.locator('main')).not.toContainText(babbageNumber as string);
  // The other's invoice is not among the collections a licensee may read.
  const theirs = await api().ok(
    'GET',
    `/v1/collection/invoices?ids=${babbageInvoice.id as string},${curieInvoice.id as string}`,
    curie.key,
  );
  expect((theirs.data as Json[]).map((c) => c.invoiceId)).toEqual([curieInvoice.id]);
  expect(
    (await api().call('GET', `/v1/invoices/${babbageInvoice.id as string}/collection`, curie.key))
      .__status,
  ).toBe(404);
  await page.goto('/finance/overdue');
  await expect(page.getByText('There is no page at this address.')).toBeVisible();
});
