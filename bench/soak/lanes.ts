/**
 * The soak's lanes of load, each a loop until the deadline: steady HTTP load on the licence check
 * and the GET routes (autocannon, a window at a time), usage reports, catalogue changes, and the
 * money cycle (a royalty run calculated, posted and collected, then a payout run) every few
 * minutes. Each lane counts what it did; a request the load means to be refused (bad input) must
 * get exactly its 4xx, and any other error answer is counted as unexpected with what it said.
 */
import { isbnOf, mulberry32 } from '../catalogue/data';
import { load, LoadSample } from '../support/load';
import { sleep } from '../support/processes';
import { usageReport } from '../../test/factories/usage.factory';
import { waitFor } from '../../test/support/payouts';
import { Http, TestResponse } from '../../test/support/test-app';
import { importWorks, Tenants } from './tenants';

export interface Tally {
  /** What the lane did, by name (reports accepted, works created, cycles…). */
  counts: Record<string, number>;
  /** Refusals the load asked for (bad input), each answered as expected. */
  expectedErrors: number;
  /** Anything else that went wrong: kept (the first 20) for the report. */
  unexpected: string[];
  unexpectedCount: number;
}

export function tally(): Tally {
  return { counts: {}, expectedErrors: 0, unexpected: [], unexpectedCount: 0 };
}

function count(t: Tally, name: string, by = 1): void {
  t.counts[name] = (t.counts[name] ?? 0) + by;
}

export function unexpected(t: Tally, what: string): void {
  t.unexpectedCount++;
  if (t.unexpected.length < 20) t.unexpected.push(`${new Date().toISOString()} ${what}`);
}

/** The response had `status`, or the lane notes what it got instead. */
function expectStatus(t: Tally, what: string, response: TestResponse, status: number): boolean {
  if (response.status === status) return true;
  unexpected(t, `${what}: ${response.status} ${response.text.slice(0, 300)}`);
  return false;
}

/** A bad request answered with exactly its refusal counts as asked for. */
function expectRefusal(t: Tally, what: string, response: TestResponse, status: number): void {
  if (response.status === status && response.body?.type) t.expectedErrors++;
  else unexpected(t, `${what} (bad input): ${response.status} ${response.text.slice(0, 300)}`);
}

/** Month `k` of the load (0: January 2070) as a period. */
export function month(k: number): { periodStart: string; periodEnd: string } {
  const start = new Date(Date.UTC(2070, k, 1));
  const end = new Date(Date.UTC(2070, k + 1, 0));
  return {
    periodStart: start.toISOString().slice(0, 10),
    periodEnd: end.toISOString().slice(0, 10),
  };
}

export interface LatencyWindow extends LoadSample {
  /** When the window ended, from the soak's start. */
  atMs: number;
}

/**
 * Steady load (`rate` requests/s over `connections`) in windows of `windowMs` until `until`;
 * a window with an error answer is counted unexpected and the lane goes on.
 */
export async function latencyLane(
  options: {
    label: string;
    url: string;
    requests: { method: 'GET'; path: string; headers: Record<string, string> }[];
    rate: number;
    connections: number;
    windowMs: number;
    startedAt: number;
    until: number;
  },
  windows: LatencyWindow[],
  t: Tally,
): Promise<void> {
  while (Date.now() + 5_000 < options.until) {
    const seconds = Math.round(Math.min(options.windowMs, options.until - Date.now()) / 1000);
    try {
      const sample = await load({
        label: options.label,
        url: options.url,
        connections: options.connections,
        seconds,
        overallRate: options.rate,
        requests: options.requests,
      });
      windows.push({ ...sample, atMs: Date.now() - options.startedAt });
      count(t, 'requests', sample.requests);
    } catch (error) {
      unexpected(t, (error as Error).message);
    }
  }
}

/** Shared by the usage lane and the money cycle: the month reported now, the report in flight. */
export interface UsageClock {
  month: number;
  inFlight?: Promise<void>;
}

/**
 * A usage report of `lines` lines every `everyMs`, the licensees in turn, for the clock's month,
 * each waited for until accepted; and a bad one beside it.
 */
export async function usageLane(
  http: Http,
  tenants: Tenants,
  clock: UsageClock,
  options: { lines: number; everyMs: number; until: number },
  t: Tally,
): Promise<void> {
  const random = mulberry32(0x50a4);
  for (let n = 0; Date.now() < options.until; n++) {
    const next = Date.now() + options.everyMs;
    const licensee = tenants.licensees[n % tenants.licensees.length];
    const lines = Array.from({ length: options.lines }, (_, i) => {
      const publisher = tenants.publishers[i % tenants.publishers.length];
      // Skewed: a few works get most of the use.
      const work = publisher.workIds[Math.floor(publisher.workIds.length * random() ** 3)];
      return {
        lineId: `r${n}-${i}`,
        workId: work,
        usage: 'ai-train',
        units: 1 + Math.floor(random() * 1_000),
        unit: 'token',
      };
    });
    const report = async () => {
      const sent = await http.post(
        '/v1/usage-reports',
        licensee.key,
        usageReport(lines, { reportId: `soak-${n}`, ...month(clock.month) }),
      );
      if (!expectStatus(t, 'usage report', sent, 202)) return;
      const settled = await waitFor(
        async () => (await http.get(`/v1/usage-reports/${sent.body.id}`, licensee.key)).body,
        (body) => body.status === 'accepted' || body.status === 'rejected',
        120_000,
      );
      if (settled.status === 'accepted') count(t, 'usage lines', options.lines);
      else unexpected(t, `usage report ${sent.body.id} ${settled.status}`);
      count(t, 'usage reports');
    };
    clock.inFlight = report().catch((error: Error) => unexpected(t, `usage: ${error.message}`));
    await clock.inFlight;
    clock.inFlight = undefined;
    expectRefusal(
      t,
      'usage report with an unknown field',
      await http.post('/v1/usage-reports', licensee.key, {
        ...usageReport(lines.slice(0, 1), month(clock.month)),
        colour: 'blue',
      }),
      400,
    );
    await sleep(Math.max(0, next - Date.now()));
  }
}

/**
 * Catalogue changes every `everyMs`, the publishers in turn: a work created, a work retitled,
 * a small import every sixth time; and a work with a wrong type beside them.
 */
export async function catalogueLane(
  http: Http,
  tenants: Tenants,
  options: { everyMs: number; importWorks: number; until: number; firstIsbn: number },
  t: Tally,
): Promise<void> {
  let isbn = options.firstIsbn;
  const created: string[][] = tenants.publishers.map(() => []);
  for (let n = 0; Date.now() < options.until; n++) {
    const next = Date.now() + options.everyMs;
    const p = n % tenants.publishers.length;
    const publisher = tenants.publishers[p];
    try {
      const work = await http.post('/v1/works', publisher.key, {
        externalId: `soak-new-${n}`,
        title: `Soak new work ${n}`,
        kind: 'book',
        identifiers: [{ scheme: 'isbn', value: isbnOf(isbn++) }],
      });
      if (expectStatus(t, 'create work', work, 201)) {
        created[p].push(work.body.id as string);
        count(t, 'works created');
      }
      const mine = created[p];
      if (mine.length > 0) {
        const id = mine[n % mine.length];
        const changed = await http.request('PATCH', `/v1/works/${id}`, {
          key: publisher.key,
          body: { title: `Soak work retitled ${n}` },
        });
        if (expectStatus(t, 'retitle work', changed, 200)) count(t, 'works changed');
      }
      if (n % 6 === 5) {
        const isbns = Array.from({ length: options.importWorks }, () => isbnOf(isbn++));
        await importWorks(http, publisher.key, isbns, `I${n}`);
        count(t, 'imports');
      }
      expectRefusal(
        t,
        'work with a numeric title',
        await http.post('/v1/works', publisher.key, { title: 5, kind: 'book' }),
        400,
      );
    } catch (error) {
      unexpected(t, `catalogue: ${(error as Error).message}`);
    }
    await sleep(Math.max(0, next - Date.now()));
  }
}

export interface Cycle {
  month: number;
  calculateMs: number;
  collectMs: number;
  payoutMs: number;
  invoices: number;
  payoutItems: number;
}

/**
 * Every `everyMs`: the month reported so far is closed (the next one is reported from now), its
 * royalty run calculated and posted, its invoices collected by card, then a payout run drafted,
 * approved by the other finance principal and paid.
 */
export async function moneyLane(
  http: Http,
  tenants: Tenants,
  clock: UsageClock,
  options: { everyMs: number; until: number },
  cycles: Cycle[],
  t: Tally,
): Promise<void> {
  const [drafter, approver] = tenants.finance;
  while (Date.now() + options.everyMs < options.until) {
    await sleep(options.everyMs);
    const closed = clock.month++;
    await clock.inFlight;
    try {
      const started = Date.now();
      const run = await http.post('/v1/royalty-runs', drafter, month(closed));
      if (!expectStatus(t, 'royalty run', run, 202)) continue;
      const calculated = await waitFor(
        async () => (await http.get(`/v1/royalty-runs/${run.body.id}`, drafter)).body,
        (body) => body.status !== 'calculating',
        300_000,
      );
      if (calculated.status !== 'calculated') {
        unexpected(t, `royalty run ${run.body.id} ${calculated.status}`);
        continue;
      }
      const calculateMs = Date.now() - started;
      const posted = await http.post(`/v1/royalty-runs/${run.body.id}/post`, approver, {});
      if (!expectStatus(t, 'post royalty run', posted, 200)) continue;
      const invoices = (await http.get(`/v1/invoices?runId=${run.body.id}&limit=200`, drafter)).body
        .data as { id: string }[];
      await waitFor(
        async () => {
          const states = await Promise.all(
            invoices.map(
              async (invoice) =>
                (await http.get(`/v1/invoices/${invoice.id}/collection`, drafter)).body.status,
            ),
          );
          return states.every((state) => state === 'paid');
        },
        (paid) => paid,
        300_000,
      );
      const collectMs = Date.now() - started - calculateMs;
      const draft = await http.post('/v1/payout-runs', drafter, { currency: 'EUR' });
      if (!expectStatus(t, 'payout run', draft, 201)) continue;
      const approved = await http.post(`/v1/payout-runs/${draft.body.id}/approve`, approver);
      if (!expectStatus(t, 'approve payout run', approved, 200)) continue;
      const paid = await waitFor(
        async () => (await http.get(`/v1/payout-runs/${draft.body.id}`, drafter)).body,
        (body) => body.status !== 'executing' && body.status !== 'approved',
        300_000,
      );
      if (paid.status !== 'completed') unexpected(t, `payout run ${draft.body.id} ${paid.status}`);
      cycles.push({
        month: closed,
        calculateMs,
        collectMs,
        payoutMs: Date.now() - started - calculateMs - collectMs,
        invoices: invoices.length,
        payoutItems: (draft.body.items as unknown[]).length,
      });
      count(t, 'money cycles');
    } catch (error) {
      unexpected(t, `money cycle: ${(error as Error).message}`);
    }
  }
}
