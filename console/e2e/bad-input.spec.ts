/// <reference lib="dom" />
import { expect, test } from '@playwright/test';
import { randomUUID } from 'node:crypto';
import { expectAccessible, screenshot, seeded, signIn, sql } from './fixtures';

/** What a person can get wrong, or what can go wrong around them, in the browser. */
const world = seeded();

test('a wrong key is refused beside the field, and nothing is signed in', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByLabel('API key').fill('rlk_not-a-key-of-this-platform-0123456789abcdef');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('The API key is unknown or revoked')).toBeVisible();
  // The message is the field's own description (its id in the input's aria-describedby).
  const describedBy = await page.getByLabel('API key').getAttribute('aria-describedby');
  await expect(page.locator(`[id="${describedBy}"]`)).toHaveText(
    'The API key is unknown or revoked',
  );
  await expect(page).toHaveURL(/\/sign-in$/);
  expect((await page.context().cookies()).filter((c) => c.name === 'rl_session')).toEqual([]);
  await expectAccessible(page);
  await screenshot(page, 'sign-in-refused');
});

test('an expired session returns to sign-in, then to the page the user was on', async ({
  page,
}) => {
  await signIn(page, world.operator.alice, '/finance/invoices?status=all');
  await expect(page).toHaveURL(/\/finance\/invoices\?status=all$/);
  await page.waitForLoadState('networkidle'); // the page's own requests answered before it ages
  // Idle past SESSION_IDLE_TIMEOUT_SECONDS (12 h): aged in the database, as time would.
  const aged = await sql(
    `UPDATE console_sessions s SET last_seen_at = now() - interval '13 hours'
       FROM principals p
      WHERE p.id = s.principal_id AND p.name = 'Alice (finance)' AND s.ended_at IS NULL
      RETURNING s.id`,
  );
  expect(aged.length).toBeGreaterThanOrEqual(1);
  // The next request finds it ended: opening another page from the navigation (a DOM click:
  // no waiting for the link to be 'stable' while the page may already be moving).
  await page.evaluate(() =>
    (document.querySelector('nav a[href="/finance/statements"]') as HTMLAnchorElement).click(),
  );
  await expect(page).toHaveURL(/\/sign-in\?expired=1&next=%2Ffinance%2Fstatements$/);
  await expect(page.getByText('Your session ended')).toBeVisible();
  await expectAccessible(page);
  await screenshot(page, 'sign-in-expired');
  await page.getByLabel('API key').fill(world.operator.alice);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/finance\/statements$/);
  await expect(page.getByRole('heading', { name: 'Statements' })).toBeVisible();

  // A reload with the ended cookie says so too.
  await sql(
    `UPDATE console_sessions SET last_seen_at = now() - interval '13 hours' WHERE ended_at IS NULL`,
  );
  await page.reload();
  await expect(page).toHaveURL(/\/sign-in\?expired=1&next=%2Ffinance%2Fstatements$/);
});

test('an id that is not there (or not yours) shows the Not found page', async ({ page }) => {
  await signIn(page, world.operator.alice);
  for (const [path, what] of [
    [`/finance/royalty-runs/${randomUUID()}`, 'royalty run'],
    [`/finance/payout-runs/${randomUUID()}`, 'payout run'],
    [`/finance/statements/${randomUUID()}`, 'statement'],
  ]) {
    await page.goto(path);
    await expect(page.getByRole('heading', { name: 'Not found' })).toBeVisible();
    await expect(page.getByText(`No ${what} with this id exists for you.`)).toBeVisible();
  }
  await expectAccessible(page);
  await screenshot(page, 'finance-not-found');
  await page.goto('/finance/no-such-page');
  await expect(page.getByText('There is no page at this address.')).toBeVisible();
});

test("a publisher's session sees no finance data", async ({ page }) => {
  const [publisher] = world.publishers;
  await signIn(page, publisher.key);
  await expect(page).toHaveURL(/\/publisher$/);
  await expect(page.getByRole('navigation', { name: 'Workspace' }).getByRole('link')).toHaveText([
    'Home',
    'Catalogue',
    'Imports',
    'Payees',
    'Offers',
    'Agreements',
    'Usage',
    'Statements',
  ]);
  await page.goto('/finance/invoices');
  await expect(page.getByText('There is no page at this address.')).toBeVisible();
  await expect(page.locator('table')).toHaveCount(0);
});
