import { expect, test, type Page } from '@playwright/test';
import { api, personIn, postedJuneRun, seeded, signIn } from './fixtures';

/**
 * Whatever URL a person types, they see only their own organization's data: another
 * organization's ids answer the Not found page (the API's 404 — it does not tell "not yours"
 * from "no such id", nor does the console), and nothing of the other's shows on the way.
 */
const world = seeded();

async function expectNotFound(page: Page, path: string, secrets: string[]): Promise<void> {
  await page.goto(path);
  await expect(page.getByRole('heading', { level: 2, name: 'Not found' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  const text = await page.locator('main').innerText();
  for (const secret of secrets) expect(text, `${path} shows ${secret}`).not.toContain(secret);
}

test("a publisher opens another publisher's work, payee, statement and import: Not found", async ({
  page,
}) => {
  const [mine, theirs] = world.publishers;
  const runId = await postedJuneRun();
  const statements = await api().ok('GET', `/v1/statements?runId=${runId}`, theirs.key);
  expect(statements.data.length).toBeGreaterThan(0);
  const theirImport = await fetch(`${world.baseURL}/v1/catalogue-imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${theirs.key}`, 'content-type': 'application/x-ndjson' },
    body: '{"externalId":"ISO-1","title":"Isolation: a private draft","kind":"book"}\n',
  }).then((r) => r.json() as Promise<{ id: string }>);

  await signIn(page, mine.key);
  await expectNotFound(page, `/publisher/works/${theirs.works[0].id}`, [theirs.works[0].title]);
  await expectNotFound(page, `/publisher/payees/${theirs.payees[0].id}`, [theirs.payees[0].name]);
  await expectNotFound(page, `/publisher/statements/${statements.data[0].id}`, [
    theirs.payees[0].name,
    theirs.payees[1].name,
  ]);
  await expectNotFound(page, `/publisher/imports/${theirImport.id}`, ['ISO-1']);
  // The other workspaces' pages do not exist for a publisher.
  await page.goto(`/licensee/usage-reports/${world.licensee.reportId}`);
  await expect(page.getByText('There is no page at this address.')).toBeVisible();
  await page.goto('/finance/statements');
  await expect(page.getByText('There is no page at this address.')).toBeVisible();
});

test("a licensee opens another licensee's report and agreement: Not found", async ({
  page,
  browser,
}) => {
  const other = await api().ok('POST', '/v1/organizations', world.adminKey, {
    name: 'Isolation Labs',
    kind: 'licensee',
    principal: { name: 'Isolation data team' },
  });
  const otherKey = other.apiKey.key as string;
  const report = await api().ok('POST', '/v1/usage-reports', otherKey, {
    reportId: 'isolation-secret-report',
    periodStart: '2027-11-01',
    periodEnd: '2027-11-30',
    lines: [
      {
        lineId: 'l1',
        identifier: 'isbn:9780306406157',
        usage: 'ai-train',
        units: '1000',
        unit: 'token',
      },
    ],
    totals: { lineCount: 1, units: '1000' },
  });
  await api().until(
    `/v1/usage-reports/${report.id}`,
    otherKey,
    (r) => r.status !== 'received' && r.status !== 'processing',
  );
  const agreements = await api().ok('GET', '/v1/agreements', world.licensee.key);
  expect(agreements.data.length).toBeGreaterThan(0);

  await signIn(page, otherKey);
  await expectNotFound(page, `/licensee/usage-reports/${world.licensee.reportId}`, [
    'acme-2027-06',
  ]);
  await expectNotFound(page, `/licensee/agreements/${agreements.data[0].id}`, ['Acme AI']);
  // Nor can it correct another's report: no form to send a second report with.
  await expectNotFound(page, `/licensee/usage-reports/new?supersedes=${world.licensee.reportId}`, [
    'acme-2027-06',
  ]);
  await expect(page.getByRole('button', { name: 'Upload report' })).toHaveCount(0);

  const acme = await personIn(browser, world.licensee.key);
  await expectNotFound(acme, `/licensee/usage-reports/${report.id}`, ['isolation-secret-report']);
  await acme.goto(`/publisher/works/${world.publishers[0].works[0].id}`);
  await expect(acme.getByText('There is no page at this address.')).toBeVisible();
  await acme.context().close();
});
