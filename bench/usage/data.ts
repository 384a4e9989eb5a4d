/**
 * The usage-report bench's data (seeded, deterministic): the works plan of the licence-check bench
 * (works over PUBLISHERS publishers, Zipf; nine in ten books), AGREEMENTS_PER_PUBLISHER agreements
 * of one licensee with every publisher, and a report of N lines whose works are Zipf-skewed (a few
 * works get most lines). The same pass writes the report twice: as the NDJSON the licensee posts,
 * and as the COPY text (tab-separated, the staging table's columns) the api would stage for it —
 * the `psql \copy` baseline's input.
 *
 * Agreements of publisher p (none overlap in the API's sense: disjoint periods or disjoint kinds):
 *   j = 0   2027, books, ai-train + ai-input (publisher 9, the smallest: ai-input only)
 *   j = 1   2027-06-01 to 2027-06-15, articles, ai-train
 *   j ≥ 2   month j - 2 of 2026, every work, ai-all: outside the report's period, but each is a
 *           coverage row the matcher joins against
 * Lines (report period June 2027): 85 % ai-train (token), 15 % ai-input (request), a day of June
 * each; one in twenty names its work by workId, the rest by ISBN; one in two hundred names an ISBN
 * no work has (unmatched); one in two thousand is dated in July (invalid: outside the period). So
 * a line is matched when its work is a book (ai-train: unless publisher 9) or, for ai-train, an
 * article used in the first half of the month; the rest of the known works' lines are
 * out-of-scope. The generator counts each outcome as it writes, for the bench to check.
 *
 * Receipts (issue 21): about half the lines cite the licence receipt of their use — a matched line
 * cites with probability SHARE_CITING_OF_MATCHED (matched lines are ~89 % of all), drawn from a
 * second generator so the lines themselves stay those of earlier versions. The id is the one the
 * licence check gives (src/receipts/receipt-id.ts) for the licensee, the work, the use, the day
 * and the agreement that covers it, with the template's id secret: so the files depend on the
 * template (its licensee's and agreements' ids, made by the API) and are named by a hash of it.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createHash } from 'node:crypto';
import { receiptId } from '../../src/receipts/receipt-id';
import { isbnOf, mulberry32, pick } from '../catalogue/data';
import { lastDayOfMonth, PUBLISHERS, planWorks, workId, WorkPlan } from '../licence-check/shared';

export const SEED = 0x05a6e2027;
/** Bump when the generated content changes: files of another version are generated again. */
export const GENERATOR_VERSION = 2;
export const AGREEMENTS_PER_PUBLISHER = 10;
/** The publisher whose book agreement permits ai-input only. */
export const INPUT_ONLY_PUBLISHER = PUBLISHERS - 1;
export const PERIOD_START = '2027-06-01';
export const PERIOD_END = '2027-06-30';
/** Zipf exponent of the lines over the works. */
export const ZIPF_S = 1;

const SHARE_INPUT = 0.15;
const SHARE_WORK_ID = 0.05;
const SHARE_UNKNOWN = 0.005;
const SHARE_INVALID = 0.0005;
/**
 * Of the matched lines, those citing their receipt: half of all lines (issue 21's run). With
 * BENCH_CITING=0, none: the report of earlier versions, to compare on the same machine.
 */
export const SHARE_CITING_OF_MATCHED = process.env.BENCH_CITING === '0' ? 0 : 0.563;
const INVALID_REASON = "occurredOn 2027-07-DD is outside the report's period";

export { PUBLISHERS };

// --- agreements ---------------------------------------------------------------------------------

/** Offer j of publisher p, as POST /v1/licence-offers takes it; its agreement copies its terms. */
export function offerBody(p: number, j: number): Record<string, unknown> {
  const tokenRate = { usage: 'ai-train', unit: 'token', per: 1000, rate: `0.0${100 + p * 7 + j}` };
  const inputRate = { usage: 'ai-input', unit: 'request', per: 1000, rate: '0.40' };
  let terms: Record<string, unknown>;
  if (j === 0) {
    const inputOnly = p === INPUT_ONLY_PUBLISHER;
    terms = {
      scope: { type: 'filter', kinds: ['book'] },
      usages: inputOnly ? ['ai-input'] : ['ai-train', 'ai-input'],
      term: { start: '2027-01-01', end: '2027-12-31' },
      pricing: { rates: inputOnly ? [inputRate] : [tokenRate, inputRate] },
    };
  } else if (j === 1) {
    terms = {
      scope: { type: 'filter', kinds: ['article'] },
      usages: ['ai-train'],
      term: { start: '2027-06-01', end: '2027-06-15' },
      pricing: { rates: [tokenRate] },
    };
  } else {
    const month = j - 2;
    terms = {
      scope: { type: 'all' },
      usages: ['ai-all'],
      term: {
        start: `2026-${String(month + 1).padStart(2, '0')}-01`,
        end: lastDayOfMonth(2026, month),
      },
      pricing: { rates: [tokenRate, inputRate] },
    };
  }
  return {
    title: `Publisher ${p} usage offer ${j}`,
    territories: ['worldwide'],
    currency: 'EUR',
    ...terms,
  };
}

/** Whether the plan above covers a use (the generator's own model of the matcher's answer). */
function covered(plan: WorkPlan, work: number, input: boolean, day: number): boolean {
  const article = plan.articleOf[work] === 1;
  if (input) return !article;
  if (article) return day <= 15;
  return plan.publisherOf[work] !== INPUT_ONLY_PUBLISHER;
}

/** What cited receipts' ids are made of, read from the template database. */
export interface ReceiptContext {
  licenseeId: string;
  secretVersion: number;
  secret: Buffer;
  /** agreements[p][j]: the licensee's agreement on offer j of publisher p. */
  agreements: string[][];
}

// --- the report -----------------------------------------------------------------------------------

export interface Expected {
  lines: number;
  units: number;
  matched: number;
  unmatched: number;
  outOfScope: number;
  invalid: number;
  /** Distinct works the lines name (known ones). */
  distinctWorks: number;
  /** Lines of the most-used work. */
  topWorkLines: number;
  /** Lines citing a receipt (all of them matched lines, each the receipt of its use). */
  citing: number;
}

export interface ReportFiles {
  ndjson: string;
  tsv: string;
  lines: number;
  works: number;
  ndjsonBytes: number;
  tsvBytes: number;
  expected: Expected;
  /** Null when existing files were reused. */
  generated: { seconds: number } | null;
}

interface Meta {
  version: number;
  seed: number;
  receipts: string;
  lines: number;
  works: number;
  ndjsonBytes: number;
  tsvBytes: number;
  expected: Expected;
}

/** Cumulative Zipf weights over ranks 1..n, normalized. */
function zipfTable(n: number): Float64Array {
  const table = new Float64Array(n);
  let sum = 0;
  for (let r = 0; r < n; r++) {
    sum += 1 / Math.pow(r + 1, ZIPF_S);
    table[r] = sum;
  }
  for (let r = 0; r < n; r++) table[r] /= sum;
  return table;
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

const WRITE_CHUNK = 1 << 20;

/**
 * `<directory>/usage-<lines>-<works>-<receipts>.ndjson` and `.tsv`, written unless complete ones
 * from this generator version are there (the `.meta.json`, written last, names both byte sizes);
 * `<receipts>` names the receipt context. Files of another context are deleted first (a 10M-line
 * pair is 2 GiB).
 */
export function ensureReportFiles(
  directory: string,
  lines: number,
  works: number,
  receipts: ReceiptContext,
): ReportFiles {
  const context = createHash('sha256')
    .update(
      JSON.stringify({
        ...receipts,
        secret: receipts.secret.toString('hex'),
        share: SHARE_CITING_OF_MATCHED,
      }),
    )
    .digest('hex')
    .slice(0, 12);
  const prefix = `usage-${lines}-${works}`;
  const base = `${directory}/${prefix}-${context}`;
  const ndjson = `${base}.ndjson`;
  const tsv = `${base}.tsv`;
  const metaPath = `${base}.meta.json`;
  if (existsSync(ndjson) && existsSync(tsv) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
      if (
        meta.version === GENERATOR_VERSION &&
        meta.seed === SEED &&
        meta.receipts === context &&
        meta.lines === lines &&
        meta.works === works &&
        meta.ndjsonBytes === statSync(ndjson).size &&
        meta.tsvBytes === statSync(tsv).size
      ) {
        return { ndjson, tsv, ...meta, generated: null };
      }
    } catch {
      // Unreadable: generate again.
    }
  }
  for (const name of readdirSync(directory)) {
    if (name.startsWith(`${prefix}.`) || name.startsWith(`${prefix}-`))
      unlinkSync(`${directory}/${name}`);
  }
  const started = process.hrtime.bigint();
  const plan = planWorks(works);
  const zipf = zipfTable(works);
  // Rank r (0-based) is work 1 + (r·stride + offset) mod works: the popular works are spread
  // over the catalogue (and its publishers), not its first numbers.
  let stride = 1_000_003 % works || 1;
  while (gcd(stride, works) !== 1) stride++;
  const offset = Math.floor(works / 3);
  const random = mulberry32(SEED);
  const citing = mulberry32(SEED ^ 0x5eed);
  const secrets = receipts.secret;
  const linesOfWork = new Uint32Array(works + 1);
  const expected: Expected = {
    lines,
    units: 0,
    matched: 0,
    unmatched: 0,
    outOfScope: 0,
    invalid: 0,
    distinctWorks: 0,
    topWorkLines: 0,
    citing: 0,
  };
  const ndjsonFd = openSync(`${ndjson}.partial`, 'w');
  const tsvFd = openSync(`${tsv}.partial`, 'w');
  let ndjsonBytes = 0;
  let tsvBytes = 0;
  try {
    let jsonChunk = '';
    let tsvChunk = '';
    let unknown = 0;
    for (let n = 1; n <= lines; n++) {
      const rank = pick(zipf, random());
      const work = 1 + ((rank * stride + offset) % works);
      const input = random() < SHARE_INPUT;
      const day = 1 + Math.floor(random() * 30);
      const units = input
        ? 1 + Math.floor(random() * 50)
        : Math.floor(Math.exp(random() * Math.log(2_000_000)));
      const special = random();
      const usage = input ? 'ai-input' : 'ai-train';
      const unit = input ? 'request' : 'token';
      const lineId = `L${n}`;
      expected.units += units;
      let ref: string;
      let tsvWork: string;
      if (special < SHARE_INVALID) {
        const date = `2027-07-${String(day).padStart(2, '0')}`;
        expected.invalid++;
        jsonChunk +=
          `{"lineId":"${lineId}","identifier":"isbn:${isbnOf(work)}","usage":"${usage}",` +
          `"units":${units},"unit":"${unit}","occurredOn":"${date}"}\n`;
        tsvChunk += `${n}\t${lineId}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${units}\t\\N\t\\N\t\\N\t\\N\t\\N\t\\N\t${INVALID_REASON.replace('DD', String(day).padStart(2, '0'))}\n`;
        continue;
      }
      const date = `2027-06-${String(day).padStart(2, '0')}`;
      let receipt: string | null = null;
      if (special < SHARE_INVALID + SHARE_UNKNOWN) {
        // An ISBN past the catalogue's last work: valid, but no work has it.
        unknown++;
        const isbn = isbnOf(works + unknown);
        expected.unmatched++;
        ref = `"identifier":"isbn:${isbn}"`;
        tsvWork = `\\N\tisbn\t${isbn}\tisbn:${isbn}`;
      } else {
        if (linesOfWork[work]++ === 0) expected.distinctWorks++;
        if (covered(plan, work, input, day)) {
          expected.matched++;
          if (citing() < SHARE_CITING_OF_MATCHED) {
            expected.citing++;
            receipt = receiptId(secrets, receipts.secretVersion, {
              licenseeId: receipts.licenseeId,
              workId: workId(work),
              usage,
              day: date,
              // Books: the publisher's offer 0; articles (ai-train, first half of June): offer 1.
              agreementId: receipts.agreements[plan.publisherOf[work]][plan.articleOf[work]],
              agreementVersion: 1,
            });
          }
        } else {
          expected.outOfScope++;
        }
        if (special < SHARE_INVALID + SHARE_UNKNOWN + SHARE_WORK_ID) {
          const id = workId(work);
          ref = `"workId":"${id}"`;
          tsvWork = `${id}\t\\N\t\\N\tworkId:${id}`;
        } else {
          const isbn = isbnOf(work);
          ref = `"identifier":"isbn:${isbn}"`;
          tsvWork = `\\N\tisbn\t${isbn}\tisbn:${isbn}`;
        }
      }
      jsonChunk +=
        `{"lineId":"${lineId}",${ref},"usage":"${usage}","units":${units},"unit":"${unit}",` +
        `"occurredOn":"${date}"${receipt ? `,"receiptId":"${receipt}"` : ''}}\n`;
      tsvChunk += `${n}\t${lineId}\t${tsvWork}\t${usage}\t${unit}\t${units}\t\\N\t\\N\t\\N\t${date}\t\\N\t${receipt ?? '\\N'}\t\\N\n`;
      if (jsonChunk.length >= WRITE_CHUNK) {
        ndjsonBytes += writeSync(ndjsonFd, jsonChunk);
        tsvBytes += writeSync(tsvFd, tsvChunk);
        jsonChunk = '';
        tsvChunk = '';
      }
    }
    if (jsonChunk) ndjsonBytes += writeSync(ndjsonFd, jsonChunk);
    if (tsvChunk) tsvBytes += writeSync(tsvFd, tsvChunk);
  } finally {
    closeSync(ndjsonFd);
    closeSync(tsvFd);
  }
  if (!Number.isSafeInteger(expected.units)) throw new Error('the units overflowed 2^53');
  for (let w = 1; w <= works; w++) {
    expected.topWorkLines = Math.max(expected.topWorkLines, linesOfWork[w]);
  }
  renameSync(`${ndjson}.partial`, ndjson);
  renameSync(`${tsv}.partial`, tsv);
  const meta: Meta = {
    version: GENERATOR_VERSION,
    seed: SEED,
    receipts: context,
    lines,
    works,
    ndjsonBytes,
    tsvBytes,
    expected,
  };
  writeFileSync(metaPath, `${JSON.stringify(meta)}\n`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { ndjson, tsv, ...meta, generated: { seconds } };
}
