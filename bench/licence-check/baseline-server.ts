/**
 * The baseline of bench/licence-check.ts: a bare Node `http` server answering
 * GET /?identifier=isbn:…&usage=…&at=YYYY-MM-DD for one licensee (LICENSEE_ID, no auth) with one
 * hand-written SQL query (BASELINE_SQL) through a `pg` Pool of POOL_SIZE connections, as the api's
 * own pool. Environment: PORT, DATABASE_URL, LICENSEE_ID, POOL_SIZE. Listens on 127.0.0.1 only.
 */
import * as http from 'node:http';
import { Pool } from 'pg';
import { BASELINE_SQL, coveringTokens } from './shared';

interface Row {
  work_id: string;
  status: string;
  agreement_id: string | null;
  rate: { usage: string; unit: string; per: number; rate: string } | null;
  currency: string | null;
}

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.POOL_SIZE || 10),
  application_name: 'bench-licence-baseline',
});
const licenseeId = process.env.LICENSEE_ID;

function send(response: http.ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

async function answer(url: URL): Promise<[number, unknown]> {
  const identifier = url.searchParams.get('identifier') ?? '';
  const usage = url.searchParams.get('usage') ?? '';
  const at = url.searchParams.get('at') ?? new Date().toISOString().slice(0, 10);
  const colon = identifier.indexOf(':');
  if (colon < 1 || usage === '') return [400, { error: 'identifier and usage are required' }];
  const { rows } = await pool.query<Row>({
    name: 'licence-check',
    text: BASELINE_SQL,
    values: [
      identifier.slice(0, colon),
      identifier.slice(colon + 1),
      coveringTokens(usage),
      licenseeId,
      at,
    ],
  });
  if (rows.length === 0) {
    return [200, { identifier, usage, licensed: false, workId: null, reason: 'unknown-work' }];
  }
  const licensed = rows.find((row) => row.agreement_id !== null);
  if (!licensed) {
    return [
      200,
      {
        identifier,
        usage,
        licensed: false,
        workId: rows[0].work_id,
        reason: rows[0].status === 'active' ? 'no-agreement' : 'withdrawn',
      },
    ];
  }
  const rate = licensed.rate;
  return [
    200,
    {
      identifier,
      usage,
      licensed: true,
      workId: licensed.work_id,
      agreementId: licensed.agreement_id,
      rate: rate
        ? { unit: rate.unit, per: rate.per, rate: rate.rate, currency: licensed.currency }
        : null,
    },
  ];
}

http
  .createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/health') {
      send(response, 200, { status: 'ok' });
      return;
    }
    answer(url).then(
      ([status, value]) => send(response, status, value),
      (error: unknown) =>
        send(response, 500, { error: error instanceof Error ? error.message : String(error) }),
    );
  })
  .listen(Number(process.env.PORT), '127.0.0.1');

process.once('SIGTERM', () => {
  void pool.end().finally(() => process.exit(0));
});
