import { expect, test, type Page } from '@playwright/test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Json } from '../../demo/api-client';
import { api, expectAccessible, openPage, seeded, signIn } from './fixtures';

/**
 * The whole loop in the browser, for a publisher and an AI firm of their own (so no other spec's
 * state matters): the publisher registers a work with two payees, imports a catalogue of 10,000
 * works and publishes an offer; the licensee accepts it, checks a licence and uploads a usage
 * report of 100,000 lines; finance posts the run through the API; the publisher sees the earnings,
 * the unlicensed use and each payee's statement — figures worked out here from the inputs, and
 * equal to the API's.
 *
 * February 2028: a period no other spec reports or runs royalties for.
 */
const world = seeded();
const run = Date.now().toString(36);
const PERIOD = { start: '2028-02-01', end: '2028-02-29', month: '2028-02' };
const IMPORTED = 10_000;
const REJECTED = 20; // imported lines with a DOI that is not one
const LINES = 100_000;
const UNLICENSED = 150; // lines of `ai-input`, which the offer does not grant
const UNMATCHED = 50; // lines naming a DOI nobody registered
const TOKENS_PER_LINE = 1_000;
const RATE_PER_1000 = 200n; // minor units of EUR per 1,000 tokens: EUR 2.00
const SHARES = { writer: 7000n, house: 3000n };

test.describe.configure({ mode: 'serial' });

const dir = mkdtempSync(join(tmpdir(), 'rl-story-'));
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

let publisher: { key: string; id: string; name: string };
let licensee: { key: string; id: string; name: string };
const payees: { writer: string; house: string } = { writer: '', house: '' };
const doi = (n: number) => `10.5555/story.${run}.${n}`;
let pub: Page;
let firm: Page;

test.beforeAll(async ({ browser }) => {
  const created = async (name: string, kind: string) => {
    const body = await api().ok('POST', '/v1/organizations', world.adminKey, {
      name,
      kind,
      principal: { name: `${name} desk` },
    });
    return { key: body.apiKey.key as string, id: body.organization.id as string, name };
  };
  publisher = await created(`Story Press ${run}`, 'publisher');
  licensee = await created(`Story AI ${run}`, 'licensee');
  pub = await (await browser.newContext()).newPage();
  firm = await (await browser.newContext()).newPage();
  await signIn(pub, publisher.key);
  await signIn(firm, licensee.key);
});

test('the publisher registers two payees and a work split between them', async () => {
  await openPage(pub, 'Payees');
  for (const [role, name] of [
    ['writer', 'Octavia Story'],
    ['house', `Story Press house ${run}`],
  ] as const) {
    await pub.getByRole('button', { name: 'Register a payee' }).click();
    const dialog = pub.getByRole('dialog', { name: 'Register a payee' });
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Currency').fill('EUR');
    await dialog.getByRole('button', { name: 'Register payee' }).click();
    await expect(pub.getByRole('heading', { level: 2, name })).toBeVisible();
    payees[role] = pub.url().split('/').pop()!;
    await openPage(pub, 'Payees');
  }

  await openPage(pub, 'Catalogue');
  await pub.getByRole('link', { name: 'Register a work' }).click();
  await pub.getByLabel(/^Title/).fill(`The Story Work ${run}`);
  await pub.getByLabel(/^External id/).fill(`STORY-0`);
  await pub.getByRole('button', { name: 'Add an identifier' }).click();
  await pub.getByRole('combobox', { name: 'Scheme 1', exact: true }).click();
  await pub.getByRole('option', { name: 'doi', exact: true }).click();
  await pub.getByLabel('Identifier 1', { exact: true }).fill(doi(0));
  await pub.getByRole('button', { name: 'Add a payee' }).click();
  await pub.getByRole('combobox', { name: 'Payee 1', exact: true }).fill('Octavia');
  await pub.getByRole('option', { name: 'Octavia Story' }).click();
  await pub.getByLabel('Share of payee 1 (bps)').fill(String(SHARES.writer));
  await pub.getByRole('button', { name: 'Add a payee' }).click();
  await pub.getByRole('combobox', { name: 'Payee 2', exact: true }).fill('house');
  await pub.getByRole('option', { name: `Story Press house ${run}` }).click();
  await pub.getByLabel('Share of payee 2 (bps)').fill(String(SHARES.house));
  await pub.getByRole('button', { name: 'Register the work' }).click();
  await expect(pub.getByRole('heading', { level: 2, name: `The Story Work ${run}` })).toBeVisible();
  const work = await api().ok('GET', `/v1/works/${pub.url().split('/').pop()}`, publisher.key);
  expect(work.splits).toEqual(
    expect.arrayContaining([
      { payeeId: payees.writer, shareBps: 7000 },
      { payeeId: payees.house, shareBps: 3000 },
    ]),
  );
});

test('the publisher imports a catalogue of 10,000 works and sees its rejected lines', async () => {
  const file = join(dir, 'catalogue.ndjson');
  const lines: string[] = [];
  for (let n = 1; n <= IMPORTED; n++) {
    const bad = n % (IMPORTED / REJECTED) === 0; // every 500th: 20 lines
    lines.push(
      JSON.stringify({
        externalId: `STORY-${n}`,
        title: `Story catalogue work ${n}`,
        kind: 'book',
        identifiers: [bad ? `doi:not-a-doi-${n}` : `doi:${doi(n)}`],
        splits: [
          { payeeId: payees.writer, shareBps: Number(SHARES.writer) },
          { payeeId: payees.house, shareBps: Number(SHARES.house) },
        ],
      }),
    );
  }
  writeFileSync(file, `${lines.join('\n')}\n`);

  await openPage(pub, 'Imports');
  await pub.locator('input[type="file"]').setInputFiles(file);
  await pub.getByRole('button', { name: 'Upload and import' }).click();
  await expect(pub.getByRole('heading', { level: 2, name: /^Import of/ })).toBeVisible();
  await expect(pub.getByRole('group', { name: 'Created' })).toContainText('9,980', {
    timeout: 60_000,
  });
  await expect(pub.getByRole('group', { name: 'Rejected' })).toContainText(String(REJECTED));
  const rejected = pub.getByRole('table', { name: 'Rejected lines of the import' });
  await expect(rejected.locator('tbody tr').first()).toContainText('STORY-500');
});

test('the publisher publishes an offer for AI training in 2028', async () => {
  await openPage(pub, 'Offers');
  await pub.getByRole('link', { name: 'New offer' }).click();
  const field = (label: string) => pub.getByRole('textbox', { name: label, exact: true });
  await field('Title').fill(`Story training 2028 ${run}`);
  const uses = pub.getByRole('combobox', { name: 'Permitted uses', exact: true });
  await uses.fill('ai-train');
  await uses.press('Enter');
  await field('Start').fill('2028-01-01');
  await field('End').fill('2028-12-31');
  await pub.getByRole('combobox', { name: 'Rate 1: usage', exact: true }).click();
  await pub.getByRole('option', { name: 'ai-train', exact: true }).click();
  await field('Rate 1: rate').fill(String(RATE_PER_1000));
  await field('Rate 1: per').fill('1000');
  await pub.getByRole('combobox', { name: 'Rate 1: unit', exact: true }).click();
  await pub.getByRole('option', { name: 'token', exact: true }).click();
  await pub.getByRole('button', { name: 'Publish offer' }).click();
  await expect(
    pub.getByRole('heading', { level: 2, name: `Story training 2028 ${run}` }),
  ).toBeVisible();
});

test('the licensee accepts the offer and checks a licence', async () => {
  await openPage(firm, 'Offers');
  await firm.getByRole('row', { name: `Offer Story training 2028 ${run}` }).click();
  await firm.getByRole('button', { name: 'Accept this offer' }).click();
  await firm
    .getByRole('dialog')
    .getByRole('button', { name: 'Accept and make the agreement' })
    .click();
  await expect(firm.getByRole('heading', { level: 2, name: /^Agreement with/ })).toBeVisible();
  const agreements = await api().ok('GET', '/v1/agreements', licensee.key);
  expect(agreements.data).toHaveLength(1);
  expect(agreements.data[0].status).toBe('active');

  await openPage(firm, 'Licence check');
  await firm.getByLabel('Identifiers').fill(`doi:${doi(1)}`);
  await firm.getByLabel('Day of use').fill('2028-02-15');
  await firm.getByRole('button', { name: 'Check licence', exact: true }).click();
  const answer = firm.getByRole('table', { name: 'Licence answers' }).locator('tbody tr');
  await expect(answer).toHaveCount(1);
  await expect(answer.getByText('licensed', { exact: true })).toBeVisible();
  await expect(
    answer.getByRole('link', { name: `Agreement ${agreements.data[0].id as string}` }),
  ).toBeVisible();
});

test('the licensee uploads a usage report of 100,000 lines and sees it accepted with its issues', async () => {
  const file = join(dir, 'usage.ndjson');
  const out: string[] = [];
  for (let i = 0; i < LINES; i++) {
    // Licensed lines spread over the registered work and the 9,980 imported ones.
    let identifier = `doi:${doi(i % IMPORTED)}`;
    if ((i % IMPORTED) % (IMPORTED / REJECTED) === 0 && i % IMPORTED !== 0)
      identifier = `doi:${doi(1)}`; // the rejected lines' works do not exist
    let usage = 'ai-train';
    if (i < UNLICENSED) usage = 'ai-input';
    else if (i < UNLICENSED + UNMATCHED) identifier = `doi:10.5555/nobody.${run}.${i}`;
    out.push(
      JSON.stringify({
        lineId: `l${i}`,
        identifier,
        usage,
        units: String(TOKENS_PER_LINE),
        unit: 'token',
      }),
    );
  }
  writeFileSync(file, `${out.join('\n')}\n`);

  await openPage(firm, 'Usage reports');
  await firm.getByRole('link', { name: 'Upload a report' }).click();
  await firm.getByRole('textbox', { name: 'Report ID' }).fill(`story-${run}`);
  await firm.getByLabel('Period start').fill(PERIOD.start);
  await firm.getByLabel('Period end').fill(PERIOD.end);
  await firm.getByLabel('Currency').fill('EUR');
  await firm.getByRole('textbox', { name: 'Lines', exact: true }).fill(String(LINES));
  await firm
    .getByRole('textbox', { name: 'Units', exact: true })
    .fill(String(LINES * TOKENS_PER_LINE));
  await firm.locator('#usage-file').setInputFiles(file);
  await firm.getByRole('button', { name: 'Upload report' }).click();
  await expect(firm.getByRole('heading', { name: `Usage report story-${run}` })).toBeVisible({
    timeout: 60_000,
  });
  const matched = LINES - UNLICENSED - UNMATCHED;
  await expect(firm.getByRole('group', { name: 'Matched', exact: true })).toContainText(
    matched.toLocaleString('en'),
    { timeout: 60_000 },
  );
  await expect(firm.getByRole('group', { name: 'Unmatched', exact: true })).toContainText(
    String(UNMATCHED),
  );
  await expect(firm.getByRole('group', { name: 'Out of scope' })).toContainText(String(UNLICENSED));
  await expect(firm.getByRole('table', { name: 'Issues of this report' })).toBeVisible();
});

test('after finance posts the run, the publisher sees the earnings, the unlicensed use and each payee’s statement', async () => {
  const alice = world.operator.alice;
  const created = await api().ok('POST', '/v1/royalty-runs', alice, {
    periodStart: PERIOD.start,
    periodEnd: PERIOD.end,
  });
  const calculated = await api().until(
    `/v1/royalty-runs/${created.id}`,
    alice,
    (r) => r.status !== 'calculating',
  );
  await api().ok('POST', `/v1/royalty-runs/${created.id}/post`, alice, {
    calculationHash: calculated.calculationHash as string,
  });

  // Worked out from the inputs: every licensed line is 1,000 tokens at EUR 2.00 per 1,000.
  const licensedLines = BigInt(LINES - UNLICENSED - UNMATCHED);
  const gross = (licensedLines * BigInt(TOKENS_PER_LINE) * RATE_PER_1000) / 1000n;
  const statements = (
    await api().ok('GET', `/v1/statements?runId=${created.id as string}`, publisher.key)
  ).data as Json[];
  expect(statements).toHaveLength(2);
  const byPayee = new Map(statements.map((s) => [s.payeeId as string, s]));
  expect(BigInt(byPayee.get(payees.writer)!.gross)).toBe((gross * SHARES.writer) / 10_000n);
  expect(BigInt(byPayee.get(payees.house)!.gross)).toBe((gross * SHARES.house) / 10_000n);

  // Home: what the API answers, and the statements' net awaiting the licensee's payment.
  await openPage(pub, 'Home');
  const earnings = await api().ok('GET', '/v1/earnings', publisher.key);
  const eur = (earnings.currencies as Json[]).find((c) => c.currency === 'EUR')!;
  const net = statements.reduce((sum, s) => sum + BigInt(s.net), 0n);
  expect(BigInt(eur.awaitingCollection)).toBe(net);
  expect(BigInt(eur.earned)).toBe(net);
  await expect(pub.getByRole('group', { name: 'Awaiting collection', exact: true })).toContainText(
    money(net),
  );
  await expect(pub.getByRole('group', { name: 'Earned', exact: true })).toContainText(money(net));
  await expectAccessible(pub);

  // Usage: the 150 lines of ai-input, unlicensed, a claim to pursue.
  await pub.goto(`/publisher/usage?period=${PERIOD.month}`);
  const unlicensed = pub.getByRole('table', { name: /^Unlicensed use/ });
  await expect(unlicensed.locator('tbody tr', { hasText: 'ai-input' }).first()).toBeVisible();
  await expect(pub.getByTestId('unlicensed-alert')).toContainText('a claim to pursue');
  const outOfScope = await api().ok(
    'GET',
    `/v1/usage?status=out-of-scope&period=${PERIOD.month}&limit=200`,
    publisher.key,
  );
  expect((outOfScope.data as Json[]).reduce((sum, r) => sum + Number(r.lines), 0)).toBe(UNLICENSED);

  // Each payee's statement, as the API answers it.
  for (const statement of statements) {
    await pub.goto(`/publisher/statements/${statement.id as string}`);
    await expect(pub.getByRole('heading', { name: new RegExp(statement.payeeName) })).toBeVisible();
    const figures = pub.getByLabel('Statement', { exact: true });
    await expect(figures).toContainText(money(BigInt(statement.gross)));
    await expect(figures).toContainText(money(BigInt(statement.net)));
  }
});

/** How the console writes EUR minor units in en-GB: "€1,234.56" with or without a space. */
function money(minor: bigint): RegExp {
  const sign = minor < 0n ? '-' : '';
  const abs = minor < 0n ? -minor : minor;
  const whole = (abs / 100n).toLocaleString('en');
  const cents = String(abs % 100n).padStart(2, '0');
  return new RegExp(`${sign}(€|EUR)\\s?${whole.replace(/,/g, ',')}\\.${cents}`);
}
