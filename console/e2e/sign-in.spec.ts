import { expect, test } from '@playwright/test';
import { expectAccessible, screenshot } from './fixtures';

test('a newcomer opening the console is asked for an API key', async ({ page }) => {
  await page.goto('/');
  await expect(page).toHaveURL(/\/sign-in\?next=%2F$/);
  await expect(page.getByRole('heading', { name: 'Rights Ledger' })).toBeVisible();
  await expect(page.getByLabel('API key')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeDisabled();
  await expectAccessible(page);
  await screenshot(page, 'sign-in');
});
