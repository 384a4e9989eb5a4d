import AxeBuilder from '@axe-core/playwright';
import { expect, type Browser, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { ApiClient, type Json } from '../../demo/api-client';

/** What serve.ts seeded through the API (demo/story.ts): keys and ids. */
export interface World {
  baseURL: string;
  databaseUrl: string;
  stripeUrl: string;
  adminKey: string;
  operator: { operatorId: string; alice: string; bob: string };
  publishers: {
    name: string;
    key: string;
    organizationId: string;
    payees: { id: string; name: string }[];
    works: { id: string; title: string }[];
  }[];
  licensee: { name: string; key: string; organizationId: string; reportId: string; units: string };
}

let world: World | undefined;
export function seeded(): World {
  world ??= JSON.parse(
    readFileSync(join(__dirname, '..', '..', '.data', 'console-e2e.json'), 'utf8'),
  ) as World;
  return world;
}

/** Signs in through the sign-in page, as a person would. */
export async function signIn(page: Page, key: string, path = '/'): Promise<void> {
  await page.goto(path);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
}

/** A second person, in a browser context (cookies) of their own. */
export async function personIn(browser: Browser, key: string, path = '/'): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, key, path);
  return page;
}

/** axe on the page as it is: no serious or critical violation (docs/CONSOLE.md). */
export async function expectAccessible(page: Page): Promise<void> {
  // A transition still running (a dialog fading in) blends its colours with the page behind:
  // axe would judge one frame of it (CI once measured the dialog's red button at 4.19:1 that
  // way). Wait for finite animations to end; endless ones (a loader) are left running.
  await page
    .waitForFunction(
      () =>
        document
          .getAnimations()
          .every(
            (animation) =>
              animation.playState !== 'running' ||
              animation.effect?.getComputedTiming().iterations === Infinity,
          ),
      undefined,
      { timeout: 5_000 },
    )
    .catch(() => undefined);
  const results = await new AxeBuilder({ page }).analyze();
  const grave = results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => `${n.target.join(' ')} ${n.html.slice(0, 160)} ${n.failureSummary ?? ''}`).join(', ')}`,
    );
  expect(grave, grave.join('\n')).toEqual([]);
}

/** The page at 1440 × 900 into docs/console/<workspace>-<page>.png, committed and shown in the README. */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await page.screenshot({ path: join(__dirname, '..', '..', 'docs', 'console', `${name}.png`) });
}

/** SQL on the service's database, for what no route may do (age a session, fill a big list). */
export async function sql(
  text: string,
  values: unknown[] = [],
): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: seeded().databaseUrl });
  await client.connect();
  try {
    return (await client.query(text, values)).rows as Record<string, unknown>[];
  } finally {
    await client.end();
  }
}

/** Opens a page from the workspace's navigation and waits for it (its heading, by default the link's name). */
export async function openPage(page: Page, link: string, heading = link): Promise<void> {
  await page
    .getByRole('navigation', { name: 'Workspace' })
    .getByRole('link', { name: link })
    .click();
  await expect(page.getByRole('heading', { level: 2, name: heading, exact: true })).toBeVisible();
}

/** The API outside the browser (the demo's client): to set a scene or check a figure. */
export function api(): ApiClient {
  return new ApiClient(seeded().baseURL);
}

/**
 * The seeded June 2027 royalty run, posted: by the finance story when it ran first, else here
 * through the API (so a spec that needs statements stands alone).
 */
export async function postedJuneRun(): Promise<string> {
  const alice = seeded().operator.alice;
  const runs = await api().ok('GET', '/v1/royalty-runs?limit=200', alice);
  const june = (runs.data as Json[]).find(
    (r) => r.periodStart === '2027-06-01' && r.periodEnd === '2027-06-30',
  );
  if (june?.status === 'posted') return june.id as string;
  const run =
    june ??
    (await api().ok('POST', '/v1/royalty-runs', alice, {
      periodStart: '2027-06-01',
      periodEnd: '2027-06-30',
    }));
  const calculated = await api().until(
    `/v1/royalty-runs/${run.id}`,
    alice,
    (r) => r.status !== 'calculating',
  );
  await api().ok('POST', `/v1/royalty-runs/${run.id}/post`, alice, {
    calculationHash: calculated.calculationHash as string,
  });
  return run.id as string;
}
