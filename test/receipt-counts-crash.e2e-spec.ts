import { ChildProcess, spawn } from 'node:child_process';
import { createWork } from './factories/catalogue.factory';
import { agreedOffer } from './factories/licensing.factory';
import { createOrganization, OrganizationFixture } from './factories/organization.factory';
import { waitFor } from './support/payouts';
import { startTestApp, TestApp } from './support/test-app';

const ENTRY = ['-r', 'ts-node/register/transpile-only', 'src/main.ts'];
const DAY_MS = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const TODAY = dayOf(Date.now());
/** Long enough that the asks and the kill fall inside one interval after a flush is seen. */
const FLUSH_MS = 4_000;

/**
 * The licence check's receipt counts are kept in the process and added to the database once per
 * RECEIPT_COUNT_FLUSH_MS (docs/COMPLIANCE.md): a real api process killed with SIGKILL loses what
 * it counted since its last flush — at most one interval — and nothing it had flushed; the next
 * process counts on from there.
 */
describe('receipt counts when the api is killed', () => {
  let t: TestApp;
  let licensee: OrganizationFixture;
  let agreementId: string;
  let workId: string;
  const running: ChildProcess[] = [];
  const port = 42000 + (process.pid % 10000);

  beforeAll(async () => {
    t = await startTestApp();
    const publisher = await createOrganization(t.http);
    licensee = await createOrganization(t.http, { kind: 'licensee' });
    workId = (
      await createWork(t.http, publisher.key, {
        identifiers: [{ scheme: 'isbn', value: '978-1-4028-9462-6' }],
      })
    ).id;
    agreementId = await agreedOffer(t.http, publisher.key, licensee.key, {
      usages: ['ai-train'],
      term: { start: dayOf(Date.now() - 30 * DAY_MS), end: dayOf(Date.now() + 500 * DAY_MS) },
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
    });
  });
  afterAll(async () => {
    for (const api of running) if (api.exitCode === null) api.kill('SIGKILL');
    await t.close();
  });

  /** The api as deployed, in a process of its own on the test's database. */
  async function startApi(): Promise<ChildProcess> {
    const api = spawn(process.execPath, ENTRY, {
      env: {
        ...process.env,
        DATABASE_URL: t.env.DATABASE_URL,
        REDIS_PREFIX: `rltest${process.env.TEST_RUN_ID}rc`,
        MIGRATIONS_RUN: 'false',
        RUN_WORKERS: 'false',
        BOOTSTRAP_ADMIN_KEY: '',
        LOG_LEVEL: 'info',
        HOST: '127.0.0.1',
        PORT: String(port),
        RECEIPT_COUNT_FLUSH_MS: String(FLUSH_MS),
        RATE_LIMIT_PER_MINUTE: '100000',
      },
    });
    running.push(api);
    let output = '';
    api.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    api.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    await waitFor(
      () => Promise.resolve(output),
      (text) => text.includes('listening on') || api.exitCode !== null,
      50_000,
    );
    if (api.exitCode !== null) throw new Error(`the api stopped:\n${output}`);
    return api;
  }

  const ask = async () => {
    const response = await fetch(
      `http://127.0.0.1:${port}/v1/licence-check?identifier=isbn:9781402894626&usage=ai-train&at=${TODAY}`,
      { headers: { authorization: `Bearer ${licensee.key}` } },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { licensed: boolean }).licensed).toBe(true);
  };
  const stored = async () => {
    const rows = await t.sql<{ receipts: string }>(
      `SELECT receipts FROM licence_check_counts
        WHERE agreement_id = $1 AND work_id = $2 AND day = $3 AND usage = 'ai-train'`,
      [agreementId, workId, TODAY],
    );
    return rows.length ? Number(rows[0].receipts) : 0;
  };
  const exit = (api: ChildProcess) =>
    new Promise<NodeJS.Signals | number | null>((resolve) =>
      api.once('exit', (code, signal) => resolve(signal ?? code)),
    );

  it('loses only what was counted since the last flush, and the next process counts on', async () => {
    const first = await startApi();
    for (let i = 0; i < 3; i++) await ask();
    // The interval's flush adds the three...
    await waitFor(stored, (n) => n === 3, 3 * FLUSH_MS);
    // ...and, right after it, two more are counted in the process only when it is killed.
    await ask();
    await ask();
    const killed = exit(first);
    first.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await stored()).toBe(3);

    // A new process counts on from what was stored, and adds its own when it stops.
    const second = await startApi();
    await ask();
    const stopped = exit(second);
    second.kill('SIGTERM');
    expect(await stopped).toBe(0);
    expect(await stored()).toBe(4);
  }, 120_000);
});
