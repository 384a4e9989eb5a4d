/**
 * The licence-check bench's data plan (seeded, deterministic) and the baseline's one query, shared
 * by bench/licence-check.ts and the baseline server (bench/licence-check/baseline-server.ts).
 *
 * Publishers 0..PUBLISHERS-1 each publish OFFERS_PER_PUBLISHER offers, offer j covering calendar
 * month j from January 2020 (so a publisher's offers never overlap: the agreements accepting them
 * are ones the API would also have accepted). Every licensee holds an agreement on every offer:
 * LICENSEES × PUBLISHERS × OFFERS_PER_PUBLISHER agreements, the measured licensee holding
 * PUBLISHERS × OFFERS_PER_PUBLISHER of them. Works go to publishers Zipf-skewed (weight 1/(p+1)),
 * nine in ten are books, the rest articles.
 */
import { Readable } from 'node:stream';
import { isbnOf, mulberry32 } from '../catalogue/data';

export const SEED = 0x11ce7ce5;
export const PUBLISHERS = 10;
export const LICENSEES = 10;
export const OFFERS_PER_PUBLISHER = 100;
export const FIRST_YEAR = 2020;
/** The question every request asks. */
export const USAGE = 'ai-train';
export const AT = '2027-06-01';

/** Work i's id (1-based): UUIDv7-shaped and increasing with i, like the service's own ids. */
export function workId(i: number): string {
  return `0190b000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** Each work's publisher index (Zipf over the publishers) and kind, drawn once from the seed. */
export interface WorkPlan {
  works: number;
  publisherOf: Uint8Array;
  /** 1 for an article, 0 for a book. */
  articleOf: Uint8Array;
}

export function planWorks(works: number): WorkPlan {
  const random = mulberry32(SEED);
  const weights = Array.from({ length: PUBLISHERS }, (_, p) => 1 / (p + 1));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative: number[] = [];
  let sum = 0;
  for (const weight of weights) cumulative.push((sum += weight / total));
  const publisherOf = new Uint8Array(works + 1);
  const articleOf = new Uint8Array(works + 1);
  for (let i = 1; i <= works; i++) {
    const u = random();
    let p = 0;
    while (p < PUBLISHERS - 1 && cumulative[p] < u) p++;
    publisherOf[i] = p;
    articleOf[i] = random() < 0.1 ? 1 : 0;
  }
  return { works, publisherOf, articleOf };
}

export function kindOf(plan: WorkPlan, i: number): 'book' | 'article' {
  return plan.articleOf[i] === 1 ? 'article' : 'book';
}

/** `n` request targets: work numbers drawn uniformly from the seed (repeats allowed). */
export function pickWorks(works: number, n: number): number[] {
  const random = mulberry32(SEED ^ 0x5a5a5a5a);
  return Array.from({ length: n }, () => 1 + Math.floor(random() * works));
}

/** YYYY-MM-DD of the last day of `month` (0-based) of `year`. */
export function lastDayOfMonth(year: number, month: number): string {
  const day = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  return `${year}-${String(month + 1).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Offer j of publisher p: month j from January 2020; scope all for a third of them, else books
 * only; usages ai-input alone for one in seven (so ai-train is not permitted), else ai-all or
 * ai-train + ai-input; a per-token rate for ai-train wherever it is permitted.
 */
export function offerBody(p: number, j: number): Record<string, unknown> {
  const year = FIRST_YEAR + Math.floor(j / 12);
  const month = j % 12;
  const start = `${year}-${String(month + 1).padStart(2, '0')}-01`;
  const inputOnly = (j + p) % 7 === 6;
  const usages = inputOnly
    ? ['ai-input']
    : (j + p) % 2 === 0
      ? ['ai-all']
      : ['ai-train', 'ai-input'];
  const rates = inputOnly
    ? [{ usage: 'ai-input', unit: 'request', per: 1000, rate: '0.40' }]
    : [
        { usage: 'ai-train', unit: 'token', per: 1000, rate: `0.0${100 + ((p * 37 + j) % 50)}` },
        { usage: 'ai-input', unit: 'request', per: 1000, rate: '0.40' },
      ];
  return {
    title: `Publisher ${p} offer ${j}`,
    scope: (j + p) % 3 === 0 ? { type: 'all' } : { type: 'filter', kinds: ['book'] },
    usages,
    territories: ['worldwide'],
    term: { start, end: lastDayOfMonth(year, month) },
    currency: 'EUR',
    pricing: { rates },
  };
}

// --- COPY text ----------------------------------------------------------------------------------

export const WORKS_COPY = `COPY works (id, organization_id, external_id, title, kind, identifiers,
  splits, split_version) FROM STDIN`;
export const IDENTIFIERS_COPY =
  'COPY work_identifiers (scheme, value, organization_id, work_id) FROM STDIN';
export const SPLITS_COPY = `COPY work_splits (work_id, split_version, effective_from, organization_id,
  payee_id, share_bps) FROM STDIN`;

export interface PublisherRow {
  organizationId: string;
  payeeId: string;
}

/** COPY text built by `line(i)` for i = 1..works, pushed in chunks of ~256 KiB. */
export function copyText(works: number, line: (i: number) => string): Readable {
  let i = 1;
  return new Readable({
    highWaterMark: 256 * 1024,
    read() {
      let chunk = '';
      while (i <= works && chunk.length < 256 * 1024) chunk += line(i++);
      if (chunk.length > 0) this.push(chunk);
      if (i > works) this.push(null);
    },
  });
}

export function worksCopyText(plan: WorkPlan, publishers: PublisherRow[]): Readable {
  return copyText(plan.works, (i) => {
    const publisher = publishers[plan.publisherOf[i]];
    return (
      `${workId(i)}\t${publisher.organizationId}\tW-${i}\tWork ${i}\t${kindOf(plan, i)}\t` +
      `{"isbn:${isbnOf(i)}"}\t[{"payeeId": "${publisher.payeeId}", "shareBps": 10000}]\t1\n`
    );
  });
}

export function identifiersCopyText(plan: WorkPlan, publishers: PublisherRow[]): Readable {
  return copyText(
    plan.works,
    (i) => `isbn\t${isbnOf(i)}\t${publishers[plan.publisherOf[i]].organizationId}\t${workId(i)}\n`,
  );
}

export function splitsCopyText(plan: WorkPlan, publishers: PublisherRow[]): Readable {
  return copyText(plan.works, (i) => {
    const publisher = publishers[plan.publisherOf[i]];
    return `${workId(i)}\t1\t0001-01-01\t${publisher.organizationId}\t${publisher.payeeId}\t10000\n`;
  });
}

// --- the baseline's query -------------------------------------------------------------------------

/**
 * One statement: the identifier through the work_identifiers primary key to its works, and for
 * each work the first active agreement of the licensee with the work's publisher that is in term
 * on the day, permits the usage (tokens $3: the usage and what covers it), prohibits none of them,
 * and whose scope takes the work (all, or a filter on kinds); with the agreement's rate for the
 * usage. $1 scheme, $2 value, $3 covering tokens, $4 licensee, $5 day.
 */
export const BASELINE_SQL = `SELECT w.id AS work_id, w.status, a.id AS agreement_id, a.rate, a.currency
  FROM work_identifiers wi
  JOIN works w ON w.id = wi.work_id
  LEFT JOIN LATERAL (
    SELECT ag.id, ag.terms->>'currency' AS currency,
           (SELECT r FROM jsonb_array_elements(ag.terms->'pricing'->'rates') r
             WHERE r->>'usage' = ANY($3::text[]) LIMIT 1) AS rate
      FROM agreements ag
     WHERE ag.licensee_id = $4 AND ag.publisher_id = w.organization_id
       AND ag.status = 'active' AND ag.starts_on <= $5::date
       AND (ag.ends_on IS NULL OR ag.ends_on >= $5::date)
       AND ag.terms->'usages' ?| $3::text[]
       AND NOT coalesce(ag.terms->'prohibits' ?| $3::text[], false)
       AND (ag.terms->'scope'->>'type' = 'all'
            OR (ag.terms->'scope'->>'type' = 'filter'
                AND (NOT ag.terms->'scope' ? 'kinds' OR ag.terms->'scope'->'kinds' ? w.kind)))
     LIMIT 1) a ON w.status = 'active'
 WHERE wi.scheme = $1 AND wi.value = $2`;

/** The usage and every token that covers it (all; ai-all for ai-* usages). */
export function coveringTokens(usage: string): string[] {
  return usage.startsWith('ai-') ? [usage, 'ai-all', 'all'] : [usage, 'all'];
}
