/// <reference lib="dom" />
import { expect, request, test, type Locator, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { expectAccessible, personIn, screenshot, seeded, signIn, openPage } from './fixtures';

/**
 * Finance closes June 2027 in the browser, on the service serve.ts seeded through the API: an
 * AI firm reported 1, 2, 3 and 4 million tokens of the four works at EUR 2.00 per 1,000 tokens;
 * Northwind Press holds works 1–2, Harbour Books 3–4, each split 70 % author / 30 % house; the
 * platform's commission is 10 %. The expected figures below are worked out by hand from that:
 *   invoices  Northwind 3M tokens → EUR 6,000.00; Harbour 7M → EUR 14,000.00; total 20,000.00
 *   commission 10 % → 600.00 + 1,400.00 = 2,000.00; to payees 18,000.00
 *   statements (net) Ada Lovelace 70 % × 5,400 = 3,780.00, Northwind Press 1,620.00,
 *                    Mary Shelley 70 % × 12,600 = 8,820.00, Harbour Books 3,780.00 (sum 18,000.00)
 */
const world = seeded();

/**
 * An amount as the console shows it in en-GB: "EUR 20,000.00" (any space after the code). Two
 * decimals always follow, so the pattern cannot match inside another amount.
 */
const eur = (figure: string) => new RegExp(`EUR\\s${figure.replace(/[.,]/g, (c) => `\\${c}`)}`);

/** The body row whose first cell starts with `name` (a payee's row, not its publisher's). */
const rowOf = (scope: Locator, name: string) =>
  scope
    .locator('tbody tr')
    .filter({ has: scope.page().locator('td:first-child', { hasText: new RegExp(`^${name}`) }) });

test.describe.configure({ mode: 'serial' });

let alice: Page;
let runUrl = '';
let payoutUrl = '';

test.beforeAll(async ({ browser }) => {
  // A context of its own (axe needs one made by newContext, not browser.newPage).
  alice = await (await browser.newContext()).newPage();
});

test('Alice signs in and lands on the finance overview', async () => {
  await signIn(alice, world.operator.alice);
  await expect(alice).toHaveURL(/\/finance$/);
  await expect(alice.getByRole('heading', { name: 'Overview' })).toBeVisible();
  await expect(alice.getByLabel('Signed in as')).toHaveText('Alice (finance)');
  // The key went into a cookie the page cannot read; nothing of it stays in the page's storage.
  const stored = await alice.evaluate(() => JSON.stringify({ ...localStorage, ...sessionStorage }));
  expect(stored).not.toContain(world.operator.alice);
  expect(await alice.evaluate(() => document.cookie)).toBe('');
});

test('she calculates June 2027, sees statements equal invoices minus commission, and posts it', async () => {
  await openPage(alice, 'Royalty runs');
  await expect(alice.getByText('No royalty runs yet')).toBeVisible();
  await expectAccessible(alice);
  await alice.getByRole('button', { name: 'Calculate a run' }).click();
  await alice.getByLabel('Period').click();
  await alice.getByRole('button', { name: 'Next year' }).click();
  await alice.getByRole('button', { name: 'Jun', exact: true }).click();
  await expect(alice.getByText('June 2027: 2027-06-01 to 2027-06-30')).toBeVisible();
  await alice.getByRole('button', { name: 'Calculate', exact: true }).click();

  await expect(alice).toHaveURL(/\/finance\/royalty-runs\/[0-9a-f-]{36}$/);
  runUrl = alice.url();
  const totals = alice.getByRole('table', { name: 'Totals per currency' });
  await expect(totals).toContainText(eur('20,000.00'), { timeout: 30_000 });
  const eurRow = totals.locator('tbody tr', { hasText: 'EUR' });
  await expect(eurRow.locator('td').nth(1)).toHaveText('2');
  await expect(eurRow.locator('td').nth(2)).toHaveText(eur('20,000.00'));
  await expect(eurRow.locator('td').nth(3)).toHaveText(eur('2,000.00'));
  await expect(eurRow.locator('td').nth(4)).toHaveText(eur('18,000.00'));

  // Invoices by licensee: one per publisher's agreement.
  const invoices = alice.getByRole('tabpanel');
  await expect(invoices.locator('tbody tr', { hasText: 'Northwind Press' })).toContainText(
    eur('6,000.00'),
  );
  await expect(invoices.locator('tbody tr', { hasText: 'Harbour Books' })).toContainText(
    eur('14,000.00'),
  );
  await expectAccessible(alice);
  await screenshot(alice, 'finance-royalty-run');

  // Statements by payee: their nets add up to the invoices less the commission.
  await alice.getByRole('tab', { name: 'Statements by payee' }).click();
  const statements = alice.getByRole('tabpanel');
  const nets: Record<string, string> = {
    'Ada Lovelace': '3,780.00',
    'Northwind Press': '1,620.00',
    'Mary Shelley': '8,820.00',
    'Harbour Books': '3,780.00',
  };
  for (const [payee, net] of Object.entries(nets)) {
    await expect(rowOf(statements, payee)).toContainText(eur(net));
  }
  await expect(statements.locator('tbody tr')).toHaveCount(4);

  await alice.getByRole('button', { name: 'Post run' }).click();
  const dialog = alice.getByRole('dialog');
  await expect(dialog.getByTestId('post-summary')).toHaveText(
    /^Post run June 2027: 2 invoices, EUR\s20,000\.00; 4 statements; commission EUR\s2,000\.00\.$/,
  );
  await expectAccessible(alice);
  await dialog.getByRole('button', { name: 'Post run' }).click();
  await expect(dialog).toBeHidden();
  await expect(alice.getByText('posted', { exact: true }).first()).toBeVisible();
});

test('an overpayment is refused in words and records nothing; the invoices are then paid', async () => {
  await openPage(alice, 'Invoices');
  const northwind = alice.locator('tbody tr', { hasText: 'Northwind Press' });
  await expect(northwind).toContainText(eur('6,000.00'));
  await northwind.getByRole('button', { name: /^Record payment from Acme AI/ }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Amount received (EUR)').fill('6000.01');
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect(dialog).toContainText(/only EUR\s6,000\.00 is outstanding/);
  await expect(dialog.getByLabel('Amount received (EUR)')).toHaveValue('6000.01');
  await expectAccessible(alice);
  await screenshot(alice, 'finance-invoice-payment-refused');
  await dialog.getByLabel('Amount received (EUR)').fill('6,000.00');
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect(dialog).toBeHidden();

  const harbour = alice.locator('tbody tr', { hasText: 'Harbour Books' });
  await harbour.getByRole('button', { name: /^Record payment from Acme AI/ }).click();
  await alice.getByRole('dialog').getByLabel('Amount received (EUR)').fill('14000');
  await alice.getByRole('dialog').getByRole('button', { name: 'Record payment' }).click();
  await expect(alice.getByRole('dialog')).toBeHidden();
  await expect(alice.locator('tbody tr', { hasText: 'Acme AI' })).toHaveCount(0);
  await alice.locator('label', { hasText: /^All$/ }).click();
  await expect(alice.locator('tbody tr', { hasText: 'paid' })).toHaveCount(2);
  await expectAccessible(alice);
});

test('she drafts a payout run and may not approve it herself', async () => {
  await openPage(alice, 'Payout runs');
  await alice.getByRole('button', { name: 'Draft a payout run' }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Currency').fill('EUR');
  await dialog.getByLabel('Minimum amount').fill('1.00');
  await dialog.getByRole('button', { name: 'Draft run' }).click();
  await expect(alice).toHaveURL(/\/finance\/payout-runs\/[0-9a-f-]{36}$/);
  payoutUrl = alice.url();
  const paid: Record<string, string> = {
    'Ada Lovelace': '3,780.00',
    'Northwind Press': '1,620.00',
    'Mary Shelley': '8,820.00',
    'Harbour Books': '3,780.00',
  };
  for (const [payee, amount] of Object.entries(paid)) {
    await expect(rowOf(alice.locator('body'), payee)).toContainText(eur(amount));
  }
  await expect(
    alice.getByText('Four eyes: a second finance principal must approve the run you drafted'),
  ).toBeVisible();
  await expect(alice.getByRole('button', { name: 'Approve and pay' })).toBeDisabled();
  await expectAccessible(alice);
  await screenshot(alice, 'finance-payout-run-draft');
});

test('Bob approves in his own browser, once for a double click, and every item is paid', async ({
  browser,
}) => {
  const bob = await personIn(browser, world.operator.bob, new URL(payoutUrl).pathname);
  await expect(bob).toHaveURL(payoutUrl);
  // The server would shrug off a second approval by the same person: count what the page sends.
  const approvals: string[] = [];
  bob.on('request', (r) => {
    if (r.method() === 'POST' && r.url().endsWith('/approve')) approvals.push(r.url());
  });
  await bob.getByRole('button', { name: 'Approve and pay' }).click();
  const dialog = bob.getByRole('dialog');
  await expect(dialog).toContainText(/Approve payout run: 4 payees, EUR\s18,000\.00/);
  await dialog.getByRole('button', { name: /^Approve and pay EUR/ }).dblclick();
  await expect(bob.getByText('completed', { exact: true }).first()).toBeVisible({
    timeout: 60_000,
  });
  expect(approvals).toHaveLength(1);
  await expect(bob.locator('tbody tr', { hasText: 'paid' })).toHaveCount(4);
  await expect(bob.locator('tbody tr', { hasText: /tr_\w+/ })).toHaveCount(4);
  await expectAccessible(bob);
  await screenshot(bob, 'finance-payout-run');

  // One approval, four transfers: the audit log and Stripe agree.
  const api = await request.newContext({ baseURL: world.baseURL });
  const runId = payoutUrl.split('/').pop()!;
  const audit = await api.get(`/v1/audit-events?action=payout-run.approve&resourceId=${runId}`, {
    headers: { authorization: `Bearer ${world.adminKey}` },
  });
  expect(audit.status()).toBe(200);
  expect((await audit.json()).data).toHaveLength(1);
  const transfers = await api.get(`${world.stripeUrl}/v1/transfers?limit=100`, {
    headers: { authorization: 'Bearer sk_test_demo' },
  });
  expect((await transfers.json()).data).toHaveLength(4);
  await bob.context().close();
});

test("a payee's statement downloads as CSV with the figures on its page", async () => {
  await openPage(alice, 'Statements');
  await rowOf(alice.locator('body'), 'Mary Shelley').click();
  await expect(alice.getByRole('heading', { name: /Mary Shelley/ })).toBeVisible();
  await expect(alice.getByLabel('Statement', { exact: true })).toContainText(eur('8,820.00'));
  await expectAccessible(alice);
  await screenshot(alice, 'finance-statement');
  const [download] = await Promise.all([
    alice.waitForEvent('download'),
    alice.getByRole('link', { name: 'Download CSV' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8')
    .trim()
    .split('\n');
  const header = csv[0].split(',');
  const rows = csv.slice(1).map((line) => line.split(','));
  const lines = rows.filter((row) => row[0] !== 'total');
  const [total] = rows.filter((row) => row[0] === 'total');
  const column = (name: string) => header.indexOf(name);
  // Mary Shelley's lines: works 3 and 4 at 70 %: EUR 4,200.00 + 5,600.00 gross, 10 % commission.
  expect(lines).toHaveLength(2);
  const sum = (name: string) => lines.reduce((t, row) => t + BigInt(row[column(name)]), 0n);
  expect([sum('gross'), sum('commission'), sum('net')]).toEqual([980000n, 98000n, 882000n]);
  expect([total[column('gross')], total[column('commission')], total[column('net')]]).toEqual([
    '980000',
    '98000',
    '882000',
  ]);
});

test('a reconciliation of today finds no difference', async () => {
  await openPage(alice, 'Reconciliation');
  await alice.getByRole('button', { name: 'Reconcile a range' }).click();
  const dialog = alice.getByRole('dialog');
  await dialog.getByLabel('Days (UTC)').click();
  const today = alice.locator('button[data-today]').first();
  await today.click();
  await today.click();
  await dialog.getByLabel('Currency').fill('EUR');
  await dialog.getByRole('button', { name: 'Reconcile', exact: true }).click();
  await expect(alice).toHaveURL(/\/finance\/reconciliations\/[0-9a-f-]{36}$/);
  await expect(alice.getByText(/^No differences: every paid item matches/)).toBeVisible({
    timeout: 30_000,
  });
  await expectAccessible(alice);
  await screenshot(alice, 'finance-reconciliation');
});

test('the overview shows the month in the ledger', async () => {
  await openPage(alice, 'Overview');
  await expect(alice.getByRole('group', { name: 'Invoiced' })).toContainText(eur('20,000.00'));
  await expect(alice.getByRole('group', { name: 'Collected' })).toContainText(eur('20,000.00'));
  await expect(alice.getByRole('group', { name: 'Commission' })).toContainText(eur('2,000.00'));
  await expect(alice.getByRole('group', { name: 'Paid out' })).toContainText(eur('18,000.00'), {
    timeout: 30_000,
  });
  await expect(alice.getByRole('img', { name: /Royalties by period/ })).toBeVisible();
  await expectAccessible(alice);
  await screenshot(alice, 'finance-overview');
});

test('Alice signs out and her session no longer works', async () => {
  const [cookie] = (await alice.context().cookies()).filter((c) => c.name === 'rl_session');
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', secure: true, path: '/' });
  await alice.getByRole('button', { name: 'Sign out' }).click();
  await expect(alice).toHaveURL(/\/sign-in$/);
  expect((await alice.context().cookies()).filter((c) => c.name === 'rl_session')).toEqual([]);
  const api = await request.newContext({ baseURL: world.baseURL });
  const me = await api.get('/v1/me', { headers: { cookie: `rl_session=${cookie.value}` } });
  expect(me.status()).toBe(401);
  expect((await me.json()).type).toBe('https://rights-ledger.dev/problems/session-expired');
  await alice.goto(runUrl);
  await expect(alice).toHaveURL(/\/sign-in\?next=/);
});
