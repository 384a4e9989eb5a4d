import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, openPage, screenshot, seeded, signIn, sql } from './fixtures';

/**
 * The publisher's payees: a payee registered (after one refusal, in the API's words), edited,
 * onboarded to Stripe (the link is the API's), held and released, an advance recorded exactly; a
 * hold finance placed cannot be lifted by the publisher; another publisher's payee is not found.
 * The payee is this spec's own: the seeded payees other specs rely on are never held or changed.
 */
const world = seeded();
const [publisher, otherPublisher] = world.publishers;
// Each run starts on a fresh service (e2e/serve.ts): these names are this spec's alone.
const NAME = 'Octavia Butler';
const EDITED = 'Octavia E. Butler';

test.describe.configure({ mode: 'serial' });

let page: Page;
let payeeId = '';

async function apiGet<T>(path: string, key = publisher.key): Promise<T> {
  const response = await fetch(`${world.baseURL}${path}`, {
    headers: { Authorization: `Bearer ${key}` },
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function apiPost(path: string, key: string, body: unknown = {}): Promise<Response> {
  return fetch(`${world.baseURL}${path}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

interface PayeeView {
  name: string;
  email: string | null;
  country: string | null;
  currency: string | null;
  version: number;
  hold: { reason: string; heldByRole: string } | null;
  stripeAccountId: string | null;
  payoutsEnabled: boolean;
}

test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page, publisher.key);
});

test('registers a payee after a refusal shown in the API’s words', async () => {
  await openPage(page, 'Payees');
  // The seeded payees are listed with whether each can receive payouts (demo: all onboarded).
  for (const seededPayee of publisher.payees) {
    await expect(page.getByRole('row', { name: `Payee ${seededPayee.name}` })).toContainText(
      'Can receive payouts',
    );
  }
  await expectAccessible(page);

  await page.getByRole('button', { name: 'Register a payee' }).click();
  const dialog = page.getByRole('dialog', { name: 'Register a payee' });
  await dialog.getByLabel('Name').fill(NAME);
  await dialog.getByLabel('Email').fill('octavia@');
  await dialog.getByLabel('Currency').fill('ABC');
  let created = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/v1/payees') {
      created += 1;
    }
  });
  await dialog.getByRole('button', { name: 'Register payee' }).click();
  // The API's refusal, each message beside its field; the form keeps what was typed.
  await expect(dialog.getByText('email must be an email')).toBeVisible();
  await expect(
    dialog.getByText('currency must be an ISO 4217 currency code in capitals, e.g. EUR'),
  ).toBeVisible();
  await expect(dialog.getByLabel('Currency')).toHaveAttribute('aria-invalid', 'true');
  await expect(dialog.getByLabel('Name')).toHaveValue(NAME);
  await expectAccessible(page);

  await dialog.getByLabel('Email').fill('octavia@example.com');
  await dialog.getByLabel('Country').fill('us');
  await dialog.getByLabel('Currency').fill('eur');
  await dialog.getByRole('button', { name: 'Register payee' }).click();
  await expect(page.getByRole('heading', { level: 2, name: NAME })).toBeVisible();
  expect(created).toBe(2);
  payeeId = /\/publisher\/payees\/([0-9a-f-]{36})$/.exec(page.url())![1];
  expect(await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).toMatchObject({
    name: NAME,
    email: 'octavia@example.com',
    country: 'US',
    currency: 'EUR',
    version: 1,
    hold: null,
    stripeAccountId: null,
  });
});

test('edits the payee', async () => {
  await page.getByRole('button', { name: 'Edit' }).click();
  const dialog = page.getByRole('dialog', { name: `Edit ${NAME}` });
  await dialog.getByLabel('Name').fill(EDITED);
  await dialog.getByLabel('Country').fill('GB');
  await dialog.getByLabel('Email').fill('');
  await dialog.getByRole('button', { name: 'Save changes' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 2, name: EDITED })).toBeVisible();
  expect(await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).toMatchObject({
    name: EDITED,
    email: null,
    country: 'GB',
    currency: 'EUR',
    version: 2,
  });
});

test('starts Stripe onboarding: the link is the API’s, in a new tab; the status follows Stripe', async () => {
  await expect(page.getByText('Cannot be paid until onboarded to Stripe')).toBeVisible();
  const answer = page.waitForResponse(
    (response) =>
      response.request().method() === 'POST' &&
      new URL(response.url()).pathname === `/v1/payees/${payeeId}/stripe-account`,
  );
  await page.getByRole('button', { name: 'Start Stripe onboarding' }).click();
  const body = (await (await answer).json()) as {
    stripeAccountId: string;
    onboardingUrl: string;
  };
  expect(body.onboardingUrl.startsWith(`${world.stripeUrl}/setup/e/${body.stripeAccountId}/`)).toBe(
    true,
  );
  const link = page.getByRole('link', { name: 'Open Stripe onboarding' });
  await expect(link).toHaveAttribute('href', body.onboardingUrl);
  await expect(link).toHaveAttribute('target', '_blank');
  await expect(link).toHaveAttribute('rel', /\bnoopener\b/);
  await expect(page.getByText('Stripe onboarding not finished')).toBeVisible();
  await expect(page.getByText(body.stripeAccountId, { exact: true })).toBeVisible();

  // The payee finishes onboarding at Stripe (the emulator): account.updated reaches the service.
  const onboarded = await fetch(
    `${world.stripeUrl}/_emulator/accounts/${body.stripeAccountId}/onboard`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: true }),
    },
  );
  expect(onboarded.status).toBe(200);
  await expect
    .poll(async () => (await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).payoutsEnabled)
    .toBe(true);
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByText('Can receive payouts')).toBeVisible();
});

test('holds the payee with a reason and releases it', async () => {
  await page.getByRole('button', { name: 'Hold payouts' }).click();
  const dialog = page.getByRole('dialog', { name: `Hold payouts to ${EDITED}` });
  await dialog.getByLabel('Reason').fill('Contract under review');
  await expectAccessible(page);
  await dialog.getByRole('button', { name: 'Hold payouts' }).click();
  await expect(dialog).toBeHidden();
  await expect(
    page.getByRole('alert').filter({ hasText: 'On hold — placed by you' }),
  ).toContainText('Contract under review');
  expect((await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).hold).toMatchObject({
    reason: 'Contract under review',
    heldByRole: 'publisher',
  });

  await page.getByRole('button', { name: 'Release hold' }).click();
  const confirm = page.getByRole('dialog', { name: `Release hold on ${EDITED}` });
  await expect(confirm).toContainText('Held by you');
  await confirm.getByRole('button', { name: 'Release hold' }).click();
  await expect(confirm).toBeHidden();
  await expect(page.getByRole('button', { name: 'Hold payouts' })).toBeVisible();
  expect((await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).hold).toBeNull();
});

test('a hold finance placed is shown as such, and its release refused in the API’s words', async () => {
  const held = await apiPost(`/v1/payees/${payeeId}/hold`, world.operator.alice, {
    reason: 'KYC review',
  });
  expect(held.status).toBe(201);
  try {
    await page.reload();
    await expect(
      page.getByRole('alert').filter({ hasText: 'On hold — placed by finance' }),
    ).toContainText('Only finance can release this hold.');
    await page.getByRole('button', { name: 'Release hold' }).click();
    const confirm = page.getByRole('dialog', { name: `Release hold on ${EDITED}` });
    await confirm.getByRole('button', { name: 'Release hold' }).click();
    await expect(confirm.getByRole('alert')).toContainText('only finance can release it');
    await confirm.getByRole('button', { name: 'Back' }).click();
    expect((await apiGet<PayeeView>(`/v1/payees/${payeeId}`)).hold).toMatchObject({
      heldByRole: 'finance',
    });
  } finally {
    const released = await apiPost(`/v1/payees/${payeeId}/release`, world.operator.alice);
    expect(released.status).toBe(200);
  }
  await page.reload();
  await expect(page.getByRole('button', { name: 'Hold payouts' })).toBeVisible();
});

test('records an advance of EUR 1,234.56 — exactly 123456 minor units — after refusals', async () => {
  let advances = 0;
  page.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith(`/v1/payees/${payeeId}/advances`)) {
      advances += 1;
    }
  });
  await page.getByRole('button', { name: 'Record an advance' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog.getByLabel('Currency')).toHaveValue('EUR');
  // A bad amount is refused before anything is sent.
  await dialog.getByLabel('Amount (EUR)').fill('1,234.567');
  await dialog.getByRole('button', { name: 'Review' }).click();
  await expect(
    dialog.getByText('Enter an amount of EUR with at most 2 decimals, e.g. 1,234.50'),
  ).toBeVisible();
  expect(advances).toBe(0);

  // A currency the API does not know: its refusal beside the field, the form as filled.
  await dialog.getByLabel('Amount (EUR)').fill('1,234.56');
  await dialog.getByLabel('Currency').fill('ABC');
  await dialog.getByRole('button', { name: 'Review' }).click();
  await dialog.getByRole('button', { name: 'Record advance' }).click();
  await expect(
    dialog.getByText('currency must be an ISO 4217 currency code in capitals, e.g. EUR'),
  ).toBeVisible();
  await expect(dialog.getByLabel('Amount (ABC)')).toHaveValue('1,234.56');
  await expectAccessible(page);

  await dialog.getByLabel('Currency').fill('EUR');
  await dialog.getByLabel('Reference').fill('Signing advance, contract 2027-004');
  await dialog.getByRole('button', { name: 'Review' }).click();
  // Intl separates the code from the figure with a no-break space: \s matches either.
  await expect(dialog).toContainText(/Record an advance of EUR\s1,234\.56 paid to Octavia E\./);
  await expect(dialog).toContainText(`${EDITED} today (Signing advance, contract 2027-004).`);
  await dialog.getByRole('button', { name: 'Record advance' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('alert').filter({ hasText: 'Advance recorded' })).toContainText(
    /EUR\s1,234\.56 paid on \d{4}-\d{2}-\d{2} \(Signing advance, contract 2027-004\)\. Outstanding in EUR: EUR\s1,234\.56\./,
  );
  expect(advances).toBe(2);

  const balances = await apiGet<{ data: { type: string; currency: string; balance: number }[] }>(
    `/v1/balances?ownerId=${payeeId}`,
  );
  expect(balances.data).toEqual([
    expect.objectContaining({ type: 'payee-advance', currency: 'EUR', balance: 123456 }),
  ]);
  expect(
    await sql(`SELECT amount::text, currency, reference FROM payee_advances WHERE payee_id = $1`, [
      payeeId,
    ]),
  ).toEqual([
    { amount: '123456', currency: 'EUR', reference: 'Signing advance, contract 2027-004' },
  ]);

  const row = page.locator('tbody tr', { hasText: 'Advances not yet repaid' });
  await expect(row).toContainText(/EUR\s1,234\.56/);
  await expectAccessible(page);
  await screenshot(page, 'publisher-payee');

  await row.getByRole('button', { name: 'Entries of payee-advance EUR' }).click();
  const entries = page.getByRole('dialog');
  await expect(entries.locator('tbody tr')).toHaveCount(1);
  await expect(entries.locator('tbody tr')).toContainText(/EUR\s1,234\.56/);
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(entries).toBeHidden();
});

test('the list shows each payee as it now is; search finds one', async () => {
  // A second payee of this spec's, registered and held through the API, never onboarded.
  const created = await apiPost('/v1/payees', publisher.key, {
    name: 'Grace Hopper',
    country: 'US',
    currency: 'USD',
  });
  expect(created.status).toBe(201);
  const grace = (await created.json()) as { id: string };
  const held = await apiPost(`/v1/payees/${grace.id}/hold`, publisher.key, {
    reason: 'Awaiting the signed contract',
  });
  expect(held.status).toBe(201);

  await openPage(page, 'Payees');
  const graceRow = page.getByRole('row', { name: 'Payee Grace Hopper' });
  await expect(graceRow).toContainText('Cannot be paid until onboarded to Stripe');
  await expect(graceRow).toContainText('by you');
  await expect(graceRow).toContainText('Awaiting the signed contract');
  await expectAccessible(page);
  await screenshot(page, 'publisher-payees');

  await page.getByLabel('Name').fill('octavia');
  await expect(page).toHaveURL(/q=/);
  const rows = page.locator('tbody tr');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(EDITED);
  await expect(rows).toContainText('Can receive payouts');
  await page.getByLabel('Name').fill('');
  await expect(page).not.toHaveURL(/q=/);
  await expect(page.getByRole('row', { name: 'Payee Grace Hopper' })).toBeVisible();
  await page.getByText('On hold', { exact: true }).click();
  await expect(page).toHaveURL(/held=true/);
  await expect(page.getByRole('row', { name: `Payee ${EDITED}` })).toHaveCount(0);
  await expect(page.getByRole('row', { name: 'Payee Grace Hopper' })).toBeVisible();
});

test("another publisher's payee is not found, and nothing of it shows", async () => {
  const foreign = otherPublisher.payees[0];
  await page.goto(`/publisher/payees/${foreign.id}`);
  await expect(page.getByText('No payee with this id exists for you.')).toBeVisible();
  await expect(page.getByText(foreign.name)).toHaveCount(0);
  await expectAccessible(page);
  await page.goto('/publisher/payees/not-an-id');
  await expect(page.getByText('No payee with this id exists for you.')).toBeVisible();
});
