/**
 * Collection through Stripe (issue 20): a posted run of 10,000 licensee invoices issued against
 * the Stripe emulator limited to 100 requests/s, then 10,000 `invoice.paid` events processed, as
 * /work/shared/BENCHMARKING.md asks.
 *
 *   npm run build && npm run bench:collection     BENCH_INVOICES=500 BENCH_RUNS=1 for a quick check
 *
 * Targets (issue 20): phase 1, issuing — every invoice of the run open in Stripe within 10 % of
 * the floor the rate limit sets (the Stripe calls the emulator received / 100 s; each invoice
 * needs its own calls, counted), no duplicate Stripe invoice, none failed by 429; phase 2,
 * events — BENCH_INVOICES `invoice.paid` events processed at ≥ 500 events/s.
 *
 * Baselines: phase 1, the rate limit itself (no client can make N calls faster than N / limit
 * seconds); phase 2, the target rate (the events are delivered as fast as the api answers them).
 *
 * Set-up, once, in a template database (rl_bench_col_<pid>_tpl): the api (dist/, RUN_WORKERS=
 * false) migrates it and bootstraps an admin; a finance key and one publisher are made through
 * the API, the publisher publishes BENCH_INVOICES / BENCH_LICENSEES offers (POST
 * /v1/licence-offers); then with SQL (generate_series): BENCH_LICENSEES licensee organizations
 * with a principal each, every licensee's agreement on every offer (10 per licensee by default),
 * a second payee of the publisher, and one *calculated* royalty run for June 2027 with one
 * positive invoice per agreement (amounts 10.00–9,999.99 EUR, deterministic; commission 10 %),
 * its charges in the run's own partition of royalty_charges (invoice n has 1 + n mod 3 charge
 * kinds: per-unit, flat fee, minimum guarantee), and two statements (the publisher's default
 * payee 70 %, the second payee 30 %) with their statement_invoices, so that posting and payment
 * release have what they read. VACUUM ANALYZE.
 *
 * Each round (one warm-up of BENCH_WARMUP_INVOICES, then BENCH_RUNS measured of all) gets a fresh
 * database from the template (the warm-up posts a run of only its first invoices: the others are
 * deleted before the services start), a fresh in-process emulator (BENCH_STRIPE_LIMIT requests/s,
 * webhooks delivered to the api: collection's and payouts' event types, BENCH_EVENTS=all for
 * every type) and a fresh api and worker with COLLECTION_THROUGH_STRIPE=true and
 * COLLECTION_REQUESTS_PER_SECOND=BENCH_COLLECTION_RATE (98).
 *
 * Phase 1 (issuing): POST /v1/royalty-runs/:id/post (finance key); timed from that request until
 * every collection_invoices row is `open` (SQL polled every 250 ms). The Stripe calls the emulator
 * received in that window are counted by path; floor = calls / limit; ratio = measured / floor.
 * Then the queue is let drain (no collection_syncs mark left, no Stripe call for 2 s) and checked:
 * one Stripe invoice per platform invoice (metadata.rlInvoiceId), no `failure` recorded, every
 * invoice open, 429s answered (statusCounts).
 *
 * Phase 2 (events): the emulator's webhooks in manual mode; each customer gets a card on file
 * (pm_card_visa attached in the emulator) and each open invoice is paid with it in the emulator
 * (`billing.pay`: charge.succeeded, invoice_payment.paid, invoice.payment_succeeded, invoice.paid
 * per invoice; the endpoint receives the enabled ones). BENCH_PHASE2_LIMIT=lifted (default):
 * the emulator's limit is lifted and the worker restarted with COLLECTION_REQUESTS_PER_SECOND=
 * 10000, so the reads the service makes for each event are not held to 100/s; =kept: both stay as
 * in phase 1. Then the held events are flushed (BENCH_FLUSH_CONCURRENCY deliveries at once,
 * default 16), timed from the flush until every invoice is `paid` with its Stripe payment
 * recorded (invoice_payments source 'stripe' = BENCH_INVOICES). events/s = invoice.paid events /
 * seconds. Checked: trial balance zero (GET /v1/ledger/trial-balance), each payment released to
 * both payees (invoice_payment_releases = the invoices' payee totals), no delivery failed.
 *
 * Phase 2's baseline, in the same round: every invoice once more as an `invoice.sent` event (the
 * same object, so the same size) that no handler acts on — the api verifies, looks up, stores and
 * answers it — flushed the same way: deliveries/s, the most phase 2 could reach on this machine
 * with webhooks delivered at that concurrency.
 *
 * Peak RSS of the api and of each worker from /proc. Prints a markdown section (stdout) for
 * docs/benchmarks-history.md.
 *
 * Environment: DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres), REDIS_URL
 * (default redis://127.0.0.1:6379), BENCH_INVOICES (10000), BENCH_LICENSEES (1000),
 * BENCH_RUNS (3), BENCH_WARMUP_INVOICES (1000), BENCH_STRIPE_LIMIT (100), BENCH_COLLECTION_RATE
 * (98), BENCH_COLLECTION_CONCURRENCY (32), BENCH_PHASE2_LIMIT (lifted | kept),
 * BENCH_FLUSH_CONCURRENCY (16), BENCH_EVENTS (all: every type), BENCH_TIMEOUT_MINUTES (90).
 */
import { StripeEmulator } from '../emulator/stripe/server';
import { DEFAULT_REDIS_URL, DEFAULT_SERVER_URL, PostgresServer } from './support/database';
import {
  assertLoopback,
  DIST_MAIN,
  ensureBuilt,
  gitRevision,
  redactUrl,
  ROOT,
} from './support/environment';
import { jsonRequester } from './support/http';
import { log } from './support/log';
import { ChildProcesses, peakRssKiB, sleep } from './support/processes';
import {
  busyMachineNote,
  machine,
  minutesFromEnv,
  Notes,
  requirePositiveIntegers,
  sizedCommand,
  spreadCells,
  verdict,
  writeReport,
} from './support/report';
import {
  createOrganization,
  issueFinanceKeys,
  publishOffers,
  startApi,
  startSetupApi,
  startWorker,
} from './support/service';
import { fixed, formatKiB, grouped, median, spreadTooWide } from './support/stats';
import { COLLECTION_EVENT_TYPES } from '../src/collection/collection-stripe-events';
import { PAYOUT_EVENT_TYPES } from '../src/payouts/payout-stripe-events';

const server = new PostgresServer(process.env.DATABASE_URL ?? DEFAULT_SERVER_URL);
const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const INVOICES = Number(process.env.BENCH_INVOICES ?? 10_000);
const LICENSEES = Math.min(INVOICES, Number(process.env.BENCH_LICENSEES ?? 1_000));
const OFFERS = Math.ceil(INVOICES / LICENSEES);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const WARMUP_INVOICES = Math.min(INVOICES, Number(process.env.BENCH_WARMUP_INVOICES ?? 1_000));
const LIMIT = Number(process.env.BENCH_STRIPE_LIMIT ?? 100);
const RATE = Number(process.env.BENCH_COLLECTION_RATE ?? 98);
const CONCURRENCY = Number(process.env.BENCH_COLLECTION_CONCURRENCY ?? 32);
const PHASE2_LIFTED = (process.env.BENCH_PHASE2_LIMIT ?? 'lifted') !== 'kept';
const FLUSH_CONCURRENCY = Number(process.env.BENCH_FLUSH_CONCURRENCY ?? 16);
const TIMEOUT_MS = minutesFromEnv('BENCH_TIMEOUT_MINUTES', 90);
/** What the worker's gate is raised to for phase 2 when the limit is lifted (config's maximum). */
const LIFTED_RATE = 10_000;
const EVENTS_TARGET = 500;
const ADMIN_KEY = `bench-admin-${process.pid}-0123456789abcdefghijklmnop`;
const WEBHOOK_SECRET = 'whsec_bench_collection';
const TEMPLATE = `rl_bench_col_${process.pid}_tpl`;
const RUN_ID = '00000000-0000-4000-8000-000000000020';
/** The event types the service acts on (docs/COLLECTION.md, docs/PAYOUTS.md): what a deployment enables. */
const ENABLED_EVENTS =
  process.env.BENCH_EVENTS === 'all'
    ? undefined
    : [...COLLECTION_EVENT_TYPES, ...PAYOUT_EVENT_TYPES];

const processes = new ChildProcesses({
  stopGraceMs: 15_000,
  startTimeoutMs: 120_000,
  reportExits: 'any',
});
/** Phase 1's worker on its own, stopped before phase 2 when the limit is lifted. */
const firstWorkers = new ChildProcesses({
  stopGraceMs: 15_000,
  startTimeoutMs: 120_000,
  reportExits: 'any',
});
const notes = new Notes();
/** Generous: posting writes BENCH_INVOICES ledger transactions in one request. */
const requestJson = jsonRequester(600_000);

function serviceEnv(database: string, stripeUrl: string, prefix: string): NodeJS.ProcessEnv {
  return {
    DATABASE_URL: server.databaseUrl(database),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    BOOTSTRAP_ADMIN_KEY: ADMIN_KEY,
    RATE_LIMIT_PER_MINUTE: '1000000',
    // Every delivery comes from 127.0.0.1: the default 6,000/min per address would answer 429
    // above 100 events/s (Stripe delivers from a few addresses: a deployment must allow its rate).
    WEBHOOK_RATE_LIMIT_PER_MINUTE: '10000000',
    STRIPE_SECRET_KEY: 'sk_test_bench',
    STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET,
    STRIPE_API_URL: stripeUrl,
    STRIPE_TIMEOUT_MS: '10000',
    COLLECTION_THROUGH_STRIPE: 'true',
    COLLECTION_REQUESTS_PER_SECOND: String(RATE),
    COLLECTION_CONCURRENCY: String(CONCURRENCY),
    COLLECTION_BACKOFF_MS: '200',
    RECONCILIATION_CRON: 'off',
  };
}

interface Fixture {
  financeKey: string;
  /** What the run's invoices owe the payees, all together. */
  payeeTotal: bigint;
}

async function setUpTemplate(): Promise<Fixture> {
  await server.recreate(TEMPLATE);
  const url = server.databaseUrl(TEMPLATE);
  const { base } = await startSetupApi(processes, 'setup-api', DIST_MAIN, {
    databaseUrl: url,
    redisUrl: REDIS_URL,
    redisPrefix: `bcol${process.pid}t`,
    adminKey: ADMIN_KEY,
  });
  const [financeKey] = await issueFinanceKeys(requestJson, base, ADMIN_KEY, ['bench finance']);
  const publisher = await createOrganization(
    requestJson,
    base,
    ADMIN_KEY,
    'Bench Press',
    'publisher',
  );
  await publishOffers(requestJson, base, [publisher.key], OFFERS, (_p, j) => ({
    title: `Bench offer ${j}`,
    scope: { type: 'all' },
    usages: ['ai-train', 'ai-input'],
    territories: ['worldwide'],
    term: { start: '2027-01-01', end: '2027-12-31' },
    currency: 'EUR',
    pricing: {
      rates: [
        { usage: 'ai-train', unit: 'token', per: 1000, rate: `0.${100 + j}5` },
        { usage: 'ai-input', unit: 'request', per: 1000, rate: '0.40' },
      ],
    },
  }));
  await processes.stop();
  const payeeTotal = await server.withClient(url, async (c) => {
    const publisherId = publisher.organizationId;
    await c.query(
      `INSERT INTO organizations (id, name, kind)
       SELECT md5('bench-licensee-' || n)::uuid, 'Bench Licensee ' || n, 'licensee'
         FROM generate_series(1, $1) n`,
      [LICENSEES],
    );
    await c.query(
      `INSERT INTO principals (id, organization_id, organization_kind, name, role)
       SELECT md5('bench-principal-' || o.id)::uuid, o.id, 'licensee', o.name || ' bench', 'licensee'
         FROM organizations o WHERE o.kind = 'licensee'`,
    );
    // Every licensee accepts every offer (ACCEPT_EVERY_OFFER_SQL, for all licensees at once).
    await c.query(
      `INSERT INTO agreements (id, licensee_id, publisher_id, offer_id, offer_version, terms,
                               terms_hash, status, starts_on, ends_on, accepted_by_principal_id)
       SELECT md5(o.id::text || l.id::text)::uuid, l.id, o.organization_id, o.id, o.version,
              o.terms, o.terms_hash, 'active', (o.terms->'term'->>'start')::date,
              (o.terms->'term'->>'end')::date, md5('bench-principal-' || l.id)::uuid
         FROM licence_offers o CROSS JOIN organizations l
        WHERE l.kind = 'licensee'`,
    );
    await c.query(
      `INSERT INTO payees (id, organization_id, name, currency, is_default, version)
       VALUES (md5('bench-second-payee')::uuid, $1, 'Bench second payee', 'EUR', false, 1)`,
      [publisherId],
    );
    const {
      rows: [finance],
    } = await c.query<{ id: string }>(
      `SELECT id FROM principals WHERE role = 'finance' ORDER BY created_at LIMIT 1`,
    );
    await c.query(
      `INSERT INTO royalty_runs (id, period_start, period_end, status, commission_bps, summary,
                                 created_by_principal_id, calculated_at)
       VALUES ($1, '2027-06-01', '2027-06-30', 'calculated', 1000, '{}', $2, now())`,
      [RUN_ID, finance.id],
    );
    // One invoice per agreement, the first BENCH_INVOICES agreements in a fixed order; the
    // invoice's number n (1…) orders the warm-up's subset and seeds its amount.
    await c.query(
      `CREATE TEMP TABLE bench_invoices AS
       SELECT md5('bench-invoice-' || a.id)::uuid AS id, a.id AS agreement_id, a.licensee_id,
              a.publisher_id, n,
              (1000 + (n * 7919) % 999000)::bigint AS amount
         FROM (SELECT a.*, row_number() OVER (ORDER BY a.licensee_id, a.offer_id) AS n
                 FROM agreements a) a
        WHERE n <= $1`,
      [INVOICES],
    );
    await c.query(
      `INSERT INTO invoices (id, run_id, agreement_id, licensee_id, publisher_id, currency,
                             exact_total, amount, commission, payee_total)
       SELECT id, $1, agreement_id, licensee_id, publisher_id, 'EUR', amount, amount,
              amount / 10, amount - amount / 10
         FROM bench_invoices`,
      [RUN_ID],
    );
    await c.query(`DO $$ BEGIN
       EXECUTE format('CREATE TABLE %I PARTITION OF royalty_charges FOR VALUES IN (%L)',
                      royalty_charges_partition('${RUN_ID}'::uuid), '${RUN_ID}'::uuid);
     END $$`);
    // Invoice n has 1 + n mod 3 charge kinds: the flat fee a quarter of the amount, the minimum
    // guarantee top-up an eighth, per-unit royalties the rest; commission in the same shares.
    await c.query(
      `INSERT INTO royalty_charges (run_id, invoice_id, line_no, kind, agreement_id, exact, gross,
                                    commission)
       SELECT $1, i.id, k.line_no, k.kind, i.agreement_id, k.gross, k.gross, k.commission
         FROM bench_invoices i
         CROSS JOIN LATERAL (
           SELECT 1 AS line_no, 'per-unit' AS kind,
                  i.amount - CASE WHEN i.n % 3 >= 1 THEN i.amount / 4 ELSE 0 END
                           - CASE WHEN i.n % 3 = 2 THEN i.amount / 8 ELSE 0 END AS gross,
                  i.amount / 10 - CASE WHEN i.n % 3 >= 1 THEN i.amount / 40 ELSE 0 END
                                - CASE WHEN i.n % 3 = 2 THEN i.amount / 80 ELSE 0 END AS commission
           UNION ALL
           SELECT 2, 'flat-fee', i.amount / 4, i.amount / 40 WHERE i.n % 3 >= 1
           UNION ALL
           SELECT 3, 'minimum-guarantee', i.amount / 8, i.amount / 80 WHERE i.n % 3 = 2) k`,
      [RUN_ID],
    );
    // Two statements: the publisher's default payee 70 %, the second payee the rest.
    await c.query(
      `INSERT INTO statements (id, run_id, payee_id, publisher_id, currency, gross, commission, net)
       SELECT md5('bench-statement-' || p.id)::uuid, $1, p.id, p.organization_id, 'EUR', 0, 0, 0
         FROM payees p WHERE p.organization_id = $2`,
      [RUN_ID, publisherId],
    );
    await c.query(
      `INSERT INTO statement_invoices (statement_id, invoice_id, gross, commission, net)
       SELECT md5('bench-statement-' || p.id)::uuid, i.id, s.gross, s.commission,
              s.gross - s.commission
         FROM bench_invoices i
         JOIN payees p ON p.organization_id = i.publisher_id
         CROSS JOIN LATERAL (
           SELECT CASE WHEN p.is_default THEN i.amount * 7 / 10
                       ELSE i.amount - i.amount * 7 / 10 END AS gross,
                  CASE WHEN p.is_default THEN i.amount / 10 * 7 / 10
                       ELSE i.amount / 10 - i.amount / 10 * 7 / 10 END AS commission) s`,
    );
    await c.query(
      `UPDATE statements s SET gross = t.gross, commission = t.commission, net = t.net
         FROM (SELECT statement_id, sum(gross) AS gross, sum(commission) AS commission,
                      sum(net) AS net FROM statement_invoices GROUP BY statement_id) t
        WHERE t.statement_id = s.id`,
    );
    const {
      rows: [sums],
    } = await c.query<{ invoices: string; charges: string; payee_total: string; bad: string }>(
      `SELECT (SELECT count(*) FROM invoices) AS invoices,
              (SELECT count(*) FROM royalty_charges) AS charges,
              (SELECT sum(payee_total) FROM invoices) AS payee_total,
              (SELECT count(*) FROM invoices i
                WHERE i.amount <> (SELECT sum(gross) FROM royalty_charges c WHERE c.invoice_id = i.id)
                   OR i.payee_total <> (SELECT sum(net) FROM statement_invoices l
                                         WHERE l.invoice_id = i.id)) AS bad`,
    );
    if (Number(sums.invoices) !== INVOICES || Number(sums.bad) !== 0)
      throw new Error(`set-up: ${sums.invoices} invoices, ${sums.bad} not adding up`);
    log(`set-up: ${sums.invoices} invoices, ${sums.charges} charges, ${LICENSEES} licensees`);
    return BigInt(sums.payee_total);
  });
  await server.withClient(url, (c) => c.query(`VACUUM ANALYZE`));
  return { financeKey, payeeTotal };
}

interface Round {
  invoices: number;
  postSeconds: number;
  issueSeconds: number;
  calls: number;
  callsByPath: Record<string, number>;
  drainCalls: number;
  throttled: number;
  failures: number;
  stripeInvoices: number;
  duplicates: number;
  eventSeconds: number;
  /** Deliveries/s of the same invoices' events that no handler acts on (the webhook's floor). */
  floorRate: number;
  /** Until the last delivery was answered. */
  flushSeconds: number;
  /** Phase 2's database sessions, sampled (wait — statement → samples). */
  activity: Map<string, number>;
  /** Most Stripe requests that arrived in one second, and the first 429 (s after the post). */
  peakPerSecond: number;
  first429?: number;
  paidEvents: number;
  deliveries: number;
  deliveriesByType: Record<string, number>;
  failedDeliveries: number;
  phase2Calls: number;
  releases: bigint;
  payeeTotal: bigint;
  apiRssKiB?: number;
  workerRssKiB?: number;
  worker2RssKiB?: number;
}

async function pollUntil<T>(
  what: string,
  probe: () => Promise<T>,
  done: (value: T) => boolean,
  everyMs = 250,
): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`${what}: not done in time (${JSON.stringify(value)})`);
    await sleep(everyMs);
  }
}

/**
 * What the database's sessions are doing, sampled every 50 ms until stopped: per wait ("CPU" when
 * active and not waiting, "idle in transaction" while a transaction waits for its client) and
 * statement (its first 70 characters; the last one for an idle transaction), how many samples saw
 * it.
 */
function sampleActivity(
  url: string,
  database: string,
): { stop: () => Promise<Map<string, number>> } {
  const seen = new Map<string, number>();
  let running = true;
  const done = server.withClient(url, async (c) => {
    while (running) {
      const { rows } = await c.query<{ wait: string; query: string }>(
        `SELECT CASE WHEN state = 'idle in transaction' THEN 'idle in transaction'
                     ELSE COALESCE(wait_event_type || ':' || wait_event, 'CPU') END AS wait,
                regexp_replace(left(query, 70), '\\s+', ' ', 'g') AS query
           FROM pg_stat_activity
          WHERE datname = $1 AND state IN ('active', 'idle in transaction')
            AND pid <> pg_backend_pid()`,
        [database],
      );
      for (const r of rows) {
        const key = `${r.wait} — ${r.query}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
      }
      await sleep(50);
    }
  });
  return {
    stop: async () => {
      running = false;
      await done;
      return seen;
    },
  };
}

/** The largest number of requests in any one-second window, and when the first 429 came (s). */
function arrivals(emulator: StripeEmulator, since: number): { peak: number; first429?: number } {
  const times = emulator.requests.map((r) => r.at);
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] > 1000) j++;
    peak = Math.max(peak, i - j + 1);
  }
  const first = emulator.requests.find((r) => r.status === 429);
  return { peak, first429: first ? (first.at - since) / 1000 : undefined };
}

async function round(fixture: Fixture, n: number, invoices: number): Promise<Round> {
  const database = `rl_bench_col_${process.pid}_${n}`;
  const url = server.databaseUrl(database);
  await server.recreate(database, TEMPLATE);
  if (invoices < INVOICES) {
    // The warm-up posts a smaller run: only its first invoices are kept (the run is calculated,
    // so its figures may still change).
    await server.withClient(url, async (c) => {
      await c.query(
        `CREATE TEMP TABLE dropped AS
         SELECT id FROM invoices
          WHERE id NOT IN (SELECT i.id FROM invoices i JOIN agreements a ON a.id = i.agreement_id
                            ORDER BY a.licensee_id, a.offer_id LIMIT $1)`,
        [invoices],
      );
      await c.query(`DELETE FROM statement_invoices WHERE invoice_id IN (SELECT id FROM dropped)`);
      await c.query(`DELETE FROM royalty_charges WHERE invoice_id IN (SELECT id FROM dropped)`);
      await c.query(`DELETE FROM invoices WHERE id IN (SELECT id FROM dropped)`);
    });
  }
  const emulator = new StripeEmulator({ rateLimitPerSecond: LIMIT });
  const stripe = await emulator.listen();
  try {
    const env = serviceEnv(database, stripe.url, `bcol${process.pid}r${n}`);
    const { api, base } = await startApi(processes, 'api', DIST_MAIN, env, {
      nodeFlags: false,
      readyPath: '/health/ready',
    });
    const worker = await startWorker(firstWorkers, 'worker', `${ROOT}/dist/src/worker.js`, env);
    emulator.webhooks.endpoint = {
      url: `${base}/v1/stripe/webhooks`,
      secret: WEBHOOK_SECRET,
      enabledEvents: ENABLED_EVENTS,
    };

    // ---- Phase 1: issuing -------------------------------------------------------------------
    const counts = () =>
      server.withClient(
        url,
        async (c) =>
          (
            await c.query<{ open: string; paid: string; failed: string; syncs: string }>(
              `SELECT count(*) FILTER (WHERE status = 'open') AS open,
                      count(*) FILTER (WHERE status = 'paid') AS paid,
                      count(*) FILTER (WHERE failure IS NOT NULL) AS failed,
                      (SELECT count(*) FROM collection_syncs) AS syncs
                 FROM collection_invoices`,
            )
          ).rows[0],
      );
    const start = performance.now();
    await requestJson(base, 'POST', `/v1/royalty-runs/${RUN_ID}/post`, fixture.financeKey, {}, 200);
    const postSeconds = (performance.now() - start) / 1000;
    let lastLog = Date.now();
    await pollUntil(
      'issuing',
      counts,
      (c) => {
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`  issuing: ${c.open}/${invoices} open, ${emulator.requests.length} Stripe calls`);
        }
        return Number(c.open) >= invoices;
      },
      100,
    );
    const issueSeconds = (performance.now() - start) / 1000;
    const issuingCalls = emulator.requests.length;
    const callsByPath = emulator.requestsByPath();
    // Let the queue drain: no sync mark left and no Stripe call for 2 s.
    for (let seen = -1; ;) {
      await sleep(2000);
      const c = await counts();
      if (Number(c.syncs) === 0 && emulator.requests.length === seen) break;
      seen = emulator.requests.length;
    }
    const drainCalls = emulator.requests.length - issuingCalls;
    const issued = await counts();
    const stripeInvoices = [...emulator.billing.invoices.values()];
    const distinct = new Set(
      stripeInvoices.map((i) => (i.metadata as Record<string, string>).rlInvoiceId),
    ).size;
    const throttled = emulator.statusCounts()[429] ?? 0;
    const { peak, first429 } = arrivals(emulator, start);
    const workerRssKiB = peakRssKiB(worker.pid);

    // ---- Phase 2: events --------------------------------------------------------------------
    emulator.webhooks.mode = 'manual';
    const request = { id: 'req_bench_payments' };
    const methodOf = new Map<string, string>();
    for (const customer of emulator.billing.customers.keys()) {
      const method = emulator.billing.attachPaymentMethod('pm_card_visa', { customer }, request);
      methodOf.set(customer, method.id as string);
    }
    for (const invoice of stripeInvoices) {
      if (invoice.status !== 'open') continue;
      emulator.billing.pay(
        invoice.id as string,
        { payment_method: methodOf.get(invoice.customer as string)! },
        request,
      );
    }
    const held = emulator.webhooks.heldCount;
    let active = worker;
    if (PHASE2_LIFTED) {
      emulator.setRateLimit(0);
      await firstWorkers.stop();
      active = await startWorker(processes, 'worker2', `${ROOT}/dist/src/worker.js`, {
        ...env,
        COLLECTION_REQUESTS_PER_SECOND: String(LIFTED_RATE),
      });
    }
    const deliveredBefore = emulator.webhooks.deliveries.length;
    const requestsBefore = emulator.requests.length;
    const eventsStart = performance.now();
    const sampler = sampleActivity(url, database);
    let flushSeconds = 0;
    const flushed = emulator
      .flushWebhooks({ concurrency: FLUSH_CONCURRENCY })
      .then(() => (flushSeconds = (performance.now() - eventsStart) / 1000));
    const payments = () =>
      server.withClient(url, async (c) => {
        const {
          rows: [row],
        } = await c.query<{ paid: string; payments: string }>(
          `SELECT (SELECT count(*) FROM collection_invoices WHERE status = 'paid') AS paid,
                  (SELECT count(*) FROM invoice_payments WHERE source = 'stripe') AS payments`,
        );
        return row;
      });
    lastLog = Date.now();
    await pollUntil(
      'events',
      payments,
      (p) => {
        if (Date.now() - lastLog > 30_000) {
          lastLog = Date.now();
          log(`  events: ${p.paid}/${invoices} paid, ${p.payments} payments`);
        }
        if (flushSeconds > 0 && performance.now() - eventsStart > (flushSeconds + 300) * 1000)
          throw new Error(`events: ${p.paid}/${invoices} paid 5 minutes after the last delivery`);
        return Number(p.paid) >= invoices && Number(p.payments) >= invoices;
      },
      100,
    );
    const eventSeconds = (performance.now() - eventsStart) / 1000;
    await flushed;
    const activity = await sampler.stop();
    const deliveries = emulator.webhooks.deliveries.slice(deliveredBefore);
    const deliveriesByType: Record<string, number> = {};
    for (const d of deliveries) deliveriesByType[d.type] = (deliveriesByType[d.type] ?? 0) + 1;
    const failedDeliveries = deliveries.filter(
      (d) => d.status === 'error' || d.status < 200 || d.status >= 300,
    ).length;
    const trial = await requestJson<{ balanced: boolean }>(
      base,
      'GET',
      '/v1/ledger/trial-balance',
      fixture.financeKey,
      undefined,
      200,
    );
    if (!trial.balanced) throw new Error('the trial balance is not zero');
    const released = await server.withClient(url, async (c) => {
      const {
        rows: [row],
      } = await c.query<{ releases: string; payee_total: string }>(
        `SELECT (SELECT COALESCE(sum(amount), 0) FROM invoice_payment_releases) AS releases,
                (SELECT sum(payee_total) FROM invoices) AS payee_total`,
      );
      return row;
    });
    const floorRate = await deliveryFloor(emulator);
    const apiRssKiB = peakRssKiB(api.pid);
    const worker2RssKiB = PHASE2_LIFTED ? peakRssKiB(active.pid) : undefined;
    await processes.stop();
    await firstWorkers.stop();
    log(
      `  held ${held} events; delivered ${deliveries.length} (${failedDeliveries} failed); phase 1 left ${issued.failed} failures`,
    );
    return {
      invoices,
      postSeconds,
      issueSeconds,
      calls: issuingCalls,
      callsByPath,
      drainCalls,
      throttled,
      failures: Number(issued.failed),
      stripeInvoices: stripeInvoices.length,
      duplicates: stripeInvoices.length - distinct,
      eventSeconds,
      flushSeconds,
      activity,
      peakPerSecond: peak,
      first429,
      paidEvents: deliveriesByType['invoice.paid'] ?? 0,
      deliveries: deliveries.length,
      deliveriesByType,
      failedDeliveries,
      phase2Calls: emulator.requests.length - requestsBefore,
      floorRate,
      releases: BigInt(released.releases),
      payeeTotal: BigInt(released.payee_total),
      apiRssKiB,
      workerRssKiB,
      worker2RssKiB,
    };
  } finally {
    await processes.stop();
    await firstWorkers.stop();
    await emulator.close();
    await server.drop(database);
  }
}

/**
 * The baseline of phase 2, in the same run: each invoice once more as an `invoice.sent` event
 * (the same object, so the same size; no handler acts on it: the api verifies its signature,
 * looks for it, stores it and answers), flushed as phase 2 was; deliveries answered per second.
 */
async function deliveryFloor(emulator: StripeEmulator): Promise<number> {
  const endpoint = emulator.webhooks.endpoint!;
  const enabled = endpoint.enabledEvents;
  endpoint.enabledEvents = undefined;
  emulator.webhooks.mode = 'manual';
  try {
    for (const invoice of emulator.billing.invoices.values()) {
      emulator.webhooks.record('invoice.sent', invoice, { id: 'req_bench_floor' });
    }
    const count = emulator.webhooks.heldCount;
    const before = emulator.webhooks.deliveries.length;
    const start = performance.now();
    await emulator.flushWebhooks({ concurrency: FLUSH_CONCURRENCY });
    const seconds = (performance.now() - start) / 1000;
    const failed = emulator.webhooks.deliveries
      .slice(before)
      .filter((d) => d.status !== 200).length;
    if (failed) throw new Error(`floor: ${failed} of ${count} deliveries failed`);
    return count / seconds;
  } finally {
    endpoint.enabledEvents = enabled;
  }
}

async function main(): Promise<void> {
  requirePositiveIntegers({
    BENCH_INVOICES: INVOICES,
    BENCH_LICENSEES: LICENSEES,
    BENCH_RUNS: RUNS,
    BENCH_WARMUP_INVOICES: WARMUP_INVOICES,
    BENCH_STRIPE_LIMIT: LIMIT,
    BENCH_COLLECTION_RATE: RATE,
    BENCH_FLUSH_CONCURRENCY: FLUSH_CONCURRENCY,
  });
  assertLoopback('DATABASE_URL', server.url);
  assertLoopback('REDIS_URL', REDIS_URL);
  ensureBuilt();
  processes.guard('bench:collection', TIMEOUT_MS, `${TIMEOUT_MS / 60_000} minutes`);
  process.once('exit', () => firstWorkers.killNow());
  log(
    `setting up ${INVOICES} invoices of ${LICENSEES} licensees in ${TEMPLATE} on ${redactUrl(server.url)}`,
  );
  const fixture = await setUpTemplate();
  try {
    log(`warm-up: ${WARMUP_INVOICES} invoices`);
    const warm = await round(fixture, 0, WARMUP_INVOICES);
    log(
      `warm-up: issued in ${fixed(warm.issueSeconds, 1)} s, events ${fixed(warm.eventSeconds, 1)} s`,
    );
    const rounds: Round[] = [];
    for (let n = 1; n <= RUNS; n++) {
      const r = await round(fixture, n, INVOICES);
      log(
        `round ${n}: issued in ${fixed(r.issueSeconds, 1)} s (${r.calls} calls, ${fixed(r.issueSeconds / (r.calls / LIMIT), 3)} × floor), ${r.throttled} 429s; ${fixed(r.paidEvents / r.eventSeconds, 1)} invoice.paid events/s`,
      );
      rounds.push(r);
    }
    report(rounds);
  } finally {
    await server.drop(TEMPLATE);
  }
}

function report(rounds: Round[]): void {
  const issue = rounds.map((r) => r.issueSeconds);
  const floors = rounds.map((r) => r.calls / LIMIT);
  const ratios = rounds.map((r) => r.issueSeconds / (r.calls / LIMIT));
  const perInvoice = rounds.map((r) => r.calls / r.invoices);
  const eventRates = rounds.map((r) => r.paidEvents / r.eventSeconds);
  const deliveryRates = rounds.map((r) => r.deliveries / r.eventSeconds);
  const floorRates = rounds.map((r) => r.floorRate);
  const toFloor = rounds.map((r) => r.paidEvents / r.eventSeconds / r.floorRate);
  const posts = rounds.map((r) => r.postSeconds);
  const s = (values: number[], digits: number) => spreadCells(values, (v) => fixed(v, digits));
  const necessaryFloor = (3 * INVOICES + LICENSEES) / LIMIT;
  const phase1Pass =
    median(ratios) <= 1.1 && rounds.every((r) => r.duplicates === 0 && r.failures === 0);
  const phase2Pass = median(eventRates) >= EVENTS_TARGET;
  const paths = rounds[rounds.length - 1].callsByPath;
  const byType = rounds[rounds.length - 1].deliveriesByType;
  const lines = [
    `### bench:collection — ${new Date().toISOString().slice(0, 10)}, ${gitRevision()}`,
    '',
    `\`${sizedCommand('bench:collection', { BENCH_INVOICES: INVOICES, BENCH_LICENSEES: LICENSEES, BENCH_RUNS: RUNS })}\` on ${machine()}; ${grouped(INVOICES)} invoices of ${grouped(LICENSEES)} licensees (${OFFERS} agreements each) in one posted run; emulator limited to ${LIMIT} requests/s (token bucket); collection gate ${RATE}/s, ${CONCURRENCY} jobs at once; ${RUNS} rounds after a ${grouped(WARMUP_INVOICES)}-invoice warm-up. Phase 2: ${PHASE2_LIFTED ? `emulator limit lifted and the worker restarted with COLLECTION_REQUESTS_PER_SECOND=${LIFTED_RATE}` : `limits kept (emulator ${LIMIT}/s, gate ${RATE}/s)`}; events flushed ${FLUSH_CONCURRENCY} at a time; endpoint events: ${ENABLED_EVENTS ? "collection's and payouts' types" : 'every type'}.`,
    '',
    '| figure | min | median | max | target | result |',
    '| --- | ---: | ---: | ---: | --- | --- |',
    `| phase 1: post request → every invoice open (s) | ${s(issue, 1)} | — | — |`,
    `| Stripe calls in that window | ${s(
      rounds.map((r) => r.calls),
      0,
    )} | — | — |`,
    `| calls per invoice | ${s(perInvoice, 3)} | — | — |`,
    `| floor = calls / ${LIMIT} (s) | ${s(floors, 1)} | — | — |`,
    `| **ratio to the floor** | ${s(ratios, 3)} | ≤ 1.10 | ${verdict(median(ratios) <= 1.1)} |`,
    `| calls an invoice needs: 3, and its licensee's customer once (${fixed(3 + LICENSEES / INVOICES, 2)}) | — | ${fixed(3 + LICENSEES / INVOICES, 2)} | — | — | — |`,
    `| ratio to the floor of those calls (${fixed(necessaryFloor, 1)} s) | ${s(
      rounds.map((r) => r.issueSeconds / necessaryFloor),
      3,
    )} | — | — |`,
    `| of which the posting request (s) | ${s(posts, 2)} | — | — |`,
    `| phase 2: flush → every invoice paid (s) | ${s(
      rounds.map((r) => r.eventSeconds),
      2,
    )} | — | — |`,
    `| **invoice.paid events/s** | ${s(eventRates, 1)} | ≥ ${EVENTS_TARGET} | ${verdict(phase2Pass)} |`,
    `| deliveries/s (every enabled event) | ${s(deliveryRates, 1)} | — | — |`,
    `| baseline: deliveries/s of the same events no handler acts on (verified, stored, answered) | ${s(floorRates, 1)} | — | — |`,
    `| invoice.paid events/s ÷ that baseline | ${s(toFloor, 2)} | — | — |`,
    `| phase 2: flush → last delivery answered (s) | ${s(
      rounds.map((r) => r.flushSeconds),
      2,
    )} | — | — |`,
    '',
    `Phase 1 calls by path (last round, the timed window): ${Object.entries(paths)
      .sort((a, b) => b[1] - a[1])
      .map(([p, c]) => `\`${p}\` ${grouped(c)}`)
      .join(
        ', ',
      )}; after it, while the queue drained: ${rounds.map((r) => r.drainCalls).join(', ')} calls.`,
    `Every round: Stripe invoices ${rounds.map((r) => r.stripeInvoices).join(', ')}; duplicates ${rounds.map((r) => r.duplicates).join(', ')}; invoices with a failure recorded ${rounds.map((r) => r.failures).join(', ')}; 429s answered by the emulator ${rounds.map((r) => r.throttled).join(', ')}; all open after phase 1. ${verdict(phase1Pass)}`,
    `Phase 2 deliveries (last round): ${Object.entries(byType)
      .map(([t, c]) => `${t} ${grouped(c)}`)
      .join(
        ', ',
      )}; failed deliveries ${rounds.map((r) => r.failedDeliveries).join(', ')}; Stripe calls ${rounds.map((r) => r.phase2Calls).join(', ')}; every invoice paid with one Stripe payment recorded; trial balance zero; released to payees ${rounds.map((r) => (r.releases === r.payeeTotal ? 'all' : `${r.releases} of ${r.payeeTotal}`)).join(', ')}.`,
    `Phase 1 arrivals at the emulator: at most ${rounds.map((r) => r.peakPerSecond).join(', ')} requests in one second (gate ${RATE}/s, bucket ${LIMIT}); first 429 ${rounds.map((r) => (r.first429 === undefined ? 'none' : `${fixed(r.first429, 1)} s`)).join(', ')} after the post request.`,
    `Phase 2, the database's active sessions sampled every 50 ms (last round; samples — wait — statement): ${[
      ...rounds[rounds.length - 1].activity.entries(),
    ]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 8)
      .map(([k, c]) => `${c} — \`${k.replace(/`/g, "'")}\``)
      .join('; ')}.`,
    `Peak RSS: api ${rounds.map((r) => formatKiB(r.apiRssKiB)).join(', ')}; worker (phase 1) ${rounds.map((r) => formatKiB(r.workerRssKiB)).join(', ')}${PHASE2_LIFTED ? `; worker (phase 2) ${rounds.map((r) => formatKiB(r.worker2RssKiB)).join(', ')}` : ''}.`,
  ];
  if (spreadTooWide(issue)) notes.add(busyMachineNote('Phase 1 times'));
  if (spreadTooWide(eventRates)) notes.add(busyMachineNote('Phase 2 rates'));
  writeReport(lines, notes);
}

void main().then(
  () => process.exit(0),
  async (error: unknown) => {
    log(
      `bench:collection failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
    );
    await processes.stop();
    await firstWorkers.stop();
    await server.drop(TEMPLATE).catch(() => undefined);
    process.exit(1);
  },
);
