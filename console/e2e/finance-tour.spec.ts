import { expect, test, type Page } from '@playwright/test';
import { expectAccessible, screenshot, seeded, signIn, sql, openPage } from './fixtures';

/**
 * Every other page of the finance and admin workspaces, after the story (finance-story.spec.ts)
 * closed June 2027: each opened, checked with axe and photographed, and its own action tried.
 */
const world = seeded();

test.describe.configure({ mode: 'serial' });

let page: Page;
test.beforeAll(async ({ browser }) => {
  page = await (await browser.newContext()).newPage();
  await signIn(page, world.operator.bob);
});

test('royalty runs, statements and payout runs list what the story did', async () => {
  await openPage(page, 'Royalty runs');
  await expect(page.getByRole('row', { name: 'Royalty run June 2027' })).toContainText('posted');
  await expectAccessible(page);
  await screenshot(page, 'finance-royalty-runs');

  await openPage(page, 'Statements');
  await expect(page.locator('tbody tr')).toHaveCount(4);
  await expectAccessible(page);
  await screenshot(page, 'finance-statements');

  await openPage(page, 'Payout runs');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expect(page.locator('tbody tr')).toContainText('completed');
  await expectAccessible(page);
  await screenshot(page, 'finance-payout-runs');
});

test('a payee is held with a reason, then released', async () => {
  await openPage(page, 'Payee holds');
  await page.getByRole('button', { name: 'Hold payouts to Mary Shelley' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('Tax form W-8BEN missing');
  await dialog.getByRole('button', { name: 'Hold payouts' }).click();
  await expect(dialog).toBeHidden();
  const mary = page.locator('tbody tr', { hasText: 'Mary Shelley' });
  await expect(mary).toContainText('Tax form W-8BEN missing');
  await expectAccessible(page);
  await screenshot(page, 'finance-payee-holds');
  const [hold] = await sql(
    `SELECT h.reason FROM payee_holds h JOIN payees p ON p.id = h.payee_id
      WHERE p.name = 'Mary Shelley' AND h.released_at IS NULL`,
  );
  expect(hold).toEqual({ reason: 'Tax form W-8BEN missing' });

  await page.getByRole('button', { name: 'Release hold on Mary Shelley' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Release hold' }).click();
  await expect(page.getByRole('dialog')).toBeHidden();
  await expect(page.getByRole('button', { name: 'Hold payouts to Mary Shelley' })).toBeVisible();
});

test('the reconciliations list shows the clean one', async () => {
  await openPage(page, 'Reconciliation');
  await expect(page.locator('tbody tr')).toHaveCount(1);
  await expectAccessible(page);
  await screenshot(page, 'finance-reconciliations');
});

test('the ledger balances, its chain verifies, and an account shows its entries', async () => {
  await openPage(page, 'Ledger');
  // EUR: 20,000.00 invoiced and collected, 18,000.00 paid out — every posting's debit has its credit.
  await expect(page.getByRole('tabpanel')).toContainText(/EUR/);
  await expectAccessible(page);
  await screenshot(page, 'finance-ledger');

  await page.getByRole('tab', { name: 'Chain verification' }).click();
  await page.getByRole('button', { name: 'Verify the ledger' }).click();
  await expect(page.getByText('The ledger checks out')).toBeVisible();

  await page.getByRole('tab', { name: 'Account balances' }).click();
  const commission = page.getByRole('row', { name: /^Account platform-commission EUR/ });
  await expect(commission).toContainText(/EUR\s2,000\.00/);
  await commission.click();
  await expect(page).toHaveURL(/\/finance\/ledger\/accounts\/[0-9a-f-]{36}/);
  await expect(page.locator('tbody tr')).toHaveCount(2); // 600.00 + 1,400.00, one per invoice
  await expectAccessible(page);
  await screenshot(page, 'finance-ledger-account');
});

test("the admin's audit log pages through 100,000 events one page at a time", async ({
  browser,
}) => {
  // A long history: 100,000 events written straight to the table (append-only; ids in order).
  await sql(
    `INSERT INTO audit_events (id, occurred_at, action, resource_type, resource_id, details)
     SELECT ('00000000-0000-7000-8000-' || lpad(to_hex(n), 12, '0'))::uuid,
            now() - make_interval(secs => n), 'history.imported', 'history', 'h-' || n, '{}'
       FROM generate_series(1, 100000) AS n`,
  );
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, world.adminKey);
  await expect(admin).toHaveURL(/\/admin\/audit-events$/);
  await expect(admin.locator('tbody tr').first()).toBeVisible();
  // One page on screen, whatever the length of the log.
  const rows = await admin.locator('tbody tr').count();
  expect(rows).toBeGreaterThan(0);
  expect(rows).toBeLessThanOrEqual(100);
  const first = await admin.locator('tbody tr').first().textContent();
  await admin.getByRole('button', { name: 'Next' }).click();
  await expect(admin.getByText(/^Page 2/)).toBeVisible();
  await expect(admin.locator('tbody tr').first()).not.toHaveText(first!);
  await admin.getByRole('button', { name: 'Previous' }).click();
  await expect(admin.getByText(/^Page 1/)).toBeVisible();
  await expectAccessible(admin);
  await screenshot(admin, 'admin-audit-events');
  await admin.context().close();
});
