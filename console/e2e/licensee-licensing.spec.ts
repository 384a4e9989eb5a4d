import { expect, test, type Page } from '@playwright/test';
import { ApiClient, type Json } from '../../demo/api-client';
import { expectAccessible, openPage, screenshot, seeded, signIn, sql } from './fixtures';

/**
 * A licensee's licensing in the browser: it browses the offers, accepts one (the agreement's
 * terms are exactly the offer's, as the API gives them), accepts the publisher's amendment and
 * terminates the agreement. The offer (2031 terms) and its amendment are made here through the
 * API, so the spec stands alone; the seeded 2027 agreements are only looked at.
 */
const world = seeded();
const publisher = world.publishers[0];
const api = new ApiClient(world.baseURL);
const suffix = Math.random().toString(36).slice(2, 8);
const title = `Answer engine licence 2031 ${suffix}`;

test.describe.configure({ mode: 'serial' });

let page: Page;
let offer: Json;
let agreementId: string;

test.beforeAll(async ({ browser }) => {
  offer = await api.ok('POST', '/v1/licence-offers', publisher.key, {
    title,
    scope: { type: 'all' },
    usages: ['ai-input'],
    prohibits: ['ai-train'],
    territories: ['DE', 'FR'],
    term: { start: '2031-01-01', end: '2031-12-31' },
    currency: 'EUR',
    pricing: {
      rates: [{ usage: 'ai-input', unit: 'request', per: 1000, rate: '7.25' }],
      flatFee: { amount: 50000, period: 'month' },
    },
    attributionRequired: true,
  });
  page = await (await browser.newContext()).newPage();
  await signIn(page, world.licensee.key);
});

test('the offers open to the licensee, one publisher at a time', async () => {
  await openPage(page, 'Offers');
  const row = page.getByRole('row', { name: `Offer ${title}` });
  await expect(row).toContainText(publisher.name);
  await expect(row).toContainText('Rate ai-input 7.25 per 1,000 requests');
  await expectAccessible(page);
  await screenshot(page, 'licensee-offers');

  await row.getByRole('link', { name: `Only offers of ${publisher.name}` }).click();
  await expect(page).toHaveURL(new RegExp(`publisherId=${publisher.organizationId}`));
  await expect(page.getByText('Showing one publisher’s offers.')).toBeVisible();
  const theirs = await api.ok(
    'GET',
    `/v1/licence-offers?limit=50&publisherId=${publisher.organizationId}`,
    world.licensee.key,
  );
  await expect(page.locator('tbody tr')).toHaveCount(theirs.data.length);
  await expect(page.getByRole('row', { name: 'Offer AI training 2027' })).toHaveCount(1);
});

test('an offer accepted after a confirmation restating its terms; one agreement however often clicked', async () => {
  await page.getByRole('row', { name: `Offer ${title}` }).click();
  await expect(page.getByRole('heading', { level: 2, name: title })).toBeVisible();
  const pricing = page.getByRole('table', { name: 'Terms: pricing' });
  await expect(pricing).toContainText('7.25 per 1,000 requests');
  await expect(pricing).toContainText(/EUR\s500\.00/);
  await expectAccessible(page);
  await screenshot(page, 'licensee-offer');

  await page.getByRole('button', { name: 'Accept this offer' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(`You agree to version 1 of these terms`);
  await expect(dialog).toContainText('Uses: ai-input; prohibited: ai-train');
  await expect(dialog).toContainText('Territories: DE, FR');
  await expect(dialog).toContainText('Term: 2031-01-01 to 2031-12-31');
  await expect(dialog).toContainText(
    'Rate for ai-input: 7.25 per 1,000 requests (minor units of EUR)',
  );
  await expect(dialog).toContainText(/Flat fee: EUR\s500\.00 \(per month\)/);
  await expect(dialog).toContainText('Attribution required');
  await dialog
    .getByRole('button', { name: 'Accept and make the agreement' })
    .dblclick({ force: true });
  await expect(
    page.getByRole('heading', { level: 2, name: `Agreement with ${publisher.name}` }),
  ).toBeVisible();
  agreementId = page.url().split('/').pop()!;

  const made = await sql(`SELECT id FROM agreements WHERE offer_id = $1`, [offer.id]);
  expect(made).toEqual([{ id: agreementId }]);
  const agreement = await api.ok('GET', `/v1/agreements/${agreementId}`, world.licensee.key);
  expect(agreement).toMatchObject({
    status: 'active',
    publisherName: publisher.name,
    licenseeName: world.licensee.name,
    offerId: offer.id,
    offerVersion: 1,
    termsHash: offer.termsHash,
    startsOn: '2031-01-01',
    endsOn: '2031-12-31',
    terminatedOn: null,
    pendingAmendment: null,
  });
  expect(agreement.terms).toEqual(offer.terms);
  await expect(page.getByLabel('Agreement', { exact: true })).toContainText('2031-12-31');
});

test("the publisher's amendment is accepted after a confirmation", async () => {
  await api.ok('PUT', `/v1/licence-offers/${offer.id as string}`, publisher.key, {
    ...offer.terms,
    pricing: {
      ...offer.terms.pricing,
      rates: [{ usage: 'ai-input', unit: 'request', per: 1000, rate: '8' }],
    },
  });
  const proposed = await api.ok('POST', `/v1/agreements/${agreementId}/amendments`, publisher.key, {
    effectiveOn: '2031-07-01',
  });
  expect(proposed).toMatchObject({ version: 2, status: 'proposed' });

  await openPage(page, 'Agreements');
  const row = page.getByRole('row', { name: `Agreement with ${publisher.name} on ${title}` });
  await expect(row).toContainText('amendment 2 awaits you');
  await expect(
    page.getByRole('row', { name: `Agreement with ${publisher.name} on AI training 2027` }),
  ).toContainText('active');
  await expectAccessible(page);
  await screenshot(page, 'licensee-agreements');

  await row.click();
  await expect(page.getByText('An amendment waits for you')).toBeVisible();
  await expect(page.getByText(`proposes version 2 of the terms from 2031-07-01`)).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'licensee-agreement');

  await page.getByRole('button', { name: 'Accept amendment 2' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('From 2031-07-01');
  await expect(dialog).toContainText(
    'Rate for ai-input: 8 per 1,000 requests (minor units of EUR)',
  );
  await dialog.getByRole('button', { name: 'Accept amendment 2' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByText('An amendment waits for you')).toBeHidden();
  await expect(
    page.getByRole('heading', { name: /Terms in force: version 2, from 2031-07-01/ }),
  ).toBeVisible();
  const versions = await api.ok(
    'GET',
    `/v1/agreements/${agreementId}/versions`,
    world.licensee.key,
  );
  expect(
    versions.data.map((v: Json) => [
      v.version,
      v.status,
      v.effectiveOn,
      v.terms.pricing.rates[0].rate,
    ]),
  ).toEqual([
    [1, 'accepted', '2031-01-01', '7.25'],
    [2, 'accepted', '2031-07-01', '8'],
  ]);
});

test('the agreement is terminated from a date, refused first before its start', async () => {
  await page.getByRole('button', { name: 'Terminate' }).click();
  const dialog = page.getByRole('dialog');
  const date = dialog.getByRole('textbox', { name: 'Last day in scope' });
  await date.fill('2030-12-31');
  await dialog.getByRole('button', { name: 'Terminate agreement' }).click();
  await expect(dialog).toContainText('effectiveOn is before the agreement starts (2031-01-01)');
  await date.fill('2031-09-30');
  await dialog.getByRole('button', { name: 'Terminate agreement' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel('Agreement', { exact: true })).toContainText('terminated');
  await expect(page.getByRole('button', { name: 'Terminate' })).toBeHidden();
  const ended = await api.ok('GET', `/v1/agreements/${agreementId}`, world.licensee.key);
  expect(ended).toMatchObject({ status: 'terminated', terminatedOn: '2031-09-30' });
  // The seeded agreements are untouched.
  const seededAgreements = await api.ok('GET', '/v1/agreements?status=active', world.licensee.key);
  expect(
    seededAgreements.data.filter((a: Json) => a.terms.title === 'AI training 2027'),
  ).toHaveLength(2);
});

test("another licensee's agreement and a retired offer are not found", async () => {
  const admin = world.adminKey;
  const rival = await api.ok('POST', '/v1/organizations', admin, {
    name: `Rival AI ${suffix}`,
    kind: 'licensee',
    principal: { name: 'Rival data team' },
  });
  const theirs = await api.ok('POST', '/v1/agreements', rival.apiKey.key as string, {
    offerId: offer.id,
  });
  const retired = await api.ok('POST', '/v1/licence-offers', publisher.key, {
    ...offer.terms,
    title: `Withdrawn ${suffix}`,
  });
  await api.ok('POST', `/v1/licence-offers/${retired.id as string}/retire`, publisher.key);

  await page.goto(`/licensee/agreements/${theirs.id as string}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No agreement with this id exists for you.')).toBeVisible();
  await page.goto(`/licensee/offers/${retired.id as string}`);
  await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
  await expect(page.getByText('No offer with this id exists for you.')).toBeVisible();
  await expectAccessible(page);
});
