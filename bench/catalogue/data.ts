/**
 * Deterministic catalogue data for bench/catalogue.ts: the same seed gives the same works, line
 * for line, on every machine. No Math.random.
 *
 * Work i (1-based) has externalId B-<i, 7 digits>, a title of Zipf-distributed words from a small
 * vocabulary (lengths skewed short, some with a subtitle), kind book, a language (mostly en), a
 * publication date, two identifiers and one split:
 *   isbn:978<p(i), 9 digits><check>   p is a bijection of 0..999 999 999, so ISBNs are unique and
 *                                     spread over the key space as real ones are (not appended)
 *   doi:10.5555/b-<i, 7 digits>
 *   splits [{payeeId: PAYEE_PLACEHOLDER, shareBps: 10000}]
 * The NDJSON file holds PAYEE_PLACEHOLDER, a UUID of the same length as any payee id, which the
 * upload replaces on the fly (PayeeSubstitution) with the payee the run's fresh database made.
 */
import {
  closeSync,
  existsSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { Readable, Transform, TransformCallback } from 'node:stream';

export const SEED = 0x5eedca7a;
/** Bump when the generated content changes: files with another version are regenerated. */
export const GENERATOR_VERSION = 1;
export const PAYEE_PLACEHOLDER = '00000000-0000-4000-8000-00000000b0b0';
export const MAX_WORKS = 999_999_999;

const LANGUAGES: [string, number][] = [
  ['en', 70],
  ['de', 8],
  ['fr', 8],
  ['es', 6],
  ['it', 4],
  ['nl', 2],
  ['pt', 2],
];

/** Ranked by frequency: the Zipf sampler picks the first ones most. */
const VOCABULARY = (
  'the of and a in to history life new world art time guide war love introduction study ' +
  'modern story theory age english city house book american science last light great short ' +
  'little death poems letters night early essays black second complete practical red land ' +
  'british selected old principles field people home culture music water garden sea design ' +
  'journey man woman children family power god river mountain night secret king queen empire ' +
  'economics politics philosophy language nature animals birds stars machine code data ' +
  'mathematics physics chemistry medicine law money trade road winter summer spring autumn ' +
  'shadow fire stone glass iron silver golden dark bright silent lost hidden forgotten ' +
  'northern southern eastern western ancient medieval victorian revolution century memoir ' +
  'notes handbook companion atlas dictionary encyclopedia lectures sketches voyages tales ' +
  'legends myths dreams memories rivers islands cities gardens kitchens recipes bread wine'
).split(' ');

const SMALL_WORDS = new Set(['the', 'of', 'and', 'a', 'in', 'to']);

/** mulberry32: a small, fast, seeded 32-bit PRNG; returns [0, 1). */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Cumulative weights, for sampling by binary search. */
function cumulative(weights: number[]): Float64Array {
  const table = new Float64Array(weights.length);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) {
    sum += weights[i];
    table[i] = sum;
  }
  for (let i = 0; i < table.length; i++) table[i] /= sum;
  return table;
}

/** The index of the first cumulative weight ≥ u (binary search). */
export function pick(table: Float64Array, u: number): number {
  let low = 0;
  let high = table.length - 1;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (table[middle] < u) low = middle + 1;
    else high = middle;
  }
  return low;
}

const WORD_TABLE = cumulative(VOCABULARY.map((_, rank) => 1 / (rank + 1)));
const LANGUAGE_TABLE = cumulative(LANGUAGES.map(([, weight]) => weight));
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** ISBN-13 of work i: 978, then a bijection of i over 9 digits, then the check digit. */
export function isbnOf(i: number): string {
  // 7 654 321 is coprime with 10^9, so i ↦ i·7 654 321 mod 10^9 is a bijection; the product
  // stays below 2^53 for i ≤ MAX_WORKS.
  const body = `978${pad((i * 7_654_321) % 1_000_000_000, 9)}`;
  let sum = 0;
  for (let k = 0; k < 12; k++) sum += (body.charCodeAt(k) - 48) * (k % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

export function externalIdOf(i: number): string {
  return `B-${pad(i, 7)}`;
}

export function doiOf(i: number): string {
  return `10.5555/b-${pad(i, 7)}`;
}

export interface GeneratedWork {
  externalId: string;
  title: string;
  language: string;
  publishedAt: string;
  isbn: string;
  doi: string;
}

/**
 * Works 1..n in order. The PRNG is consumed the same way for every line, so the first m works
 * of any n are the same works.
 */
export function* generateWorks(n: number): Generator<GeneratedWork> {
  if (!Number.isInteger(n) || n < 1 || n > MAX_WORKS) {
    throw new Error(`the number of works must be an integer from 1 to ${MAX_WORKS}`);
  }
  const random = mulberry32(SEED);
  for (let i = 1; i <= n; i++) {
    yield {
      externalId: externalIdOf(i),
      title: title(random),
      language: LANGUAGES[pick(LANGUAGE_TABLE, random())][0],
      publishedAt: date(random),
      isbn: isbnOf(i),
      doi: doiOf(i),
    };
  }
}

/** 2–20 words, mean ~5 (exponential tail), a subtitle one time in five. */
function title(random: () => number): string {
  let text = words(random, 2 + Math.min(18, Math.floor(-Math.log(1 - random()) * 3)));
  if (random() < 0.2) {
    text += `: ${words(random, 2 + Math.min(10, Math.floor(-Math.log(1 - random()) * 2)))}`;
  }
  return text;
}

/** `count` words, capitalized as titles are; neither the first nor the last is "and", "of"… */
function words(random: () => number, count: number): string {
  let text = '';
  for (let k = 0; k < count; k++) {
    let word = VOCABULARY[pick(WORD_TABLE, random())];
    const edge = k === count - 1 || (k === 0 && word !== 'the' && word !== 'a');
    while (edge && SMALL_WORDS.has(word)) word = VOCABULARY[pick(WORD_TABLE, random())];
    const capital = k === 0 || !SMALL_WORDS.has(word);
    if (k > 0) text += ' ';
    text += capital ? word.charAt(0).toUpperCase() + word.slice(1) : word;
  }
  return text;
}

function date(random: () => number): string {
  const year = 1950 + Math.floor(random() * 75);
  const month = 1 + Math.floor(random() * 12);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  const day = 1 + Math.floor(random() * days);
  return `${year}-${pad(month, 2)}-${pad(day, 2)}`;
}

export function ndjsonLine(work: GeneratedWork, payeeId: string): string {
  return (
    `{"externalId":"${work.externalId}","title":${JSON.stringify(work.title)},"kind":"book",` +
    `"identifiers":["isbn:${work.isbn}","doi:${work.doi}"],"language":"${work.language}",` +
    `"publishedAt":"${work.publishedAt}","splits":[{"payeeId":"${payeeId}","shareBps":10000}]}\n`
  );
}

// --- the NDJSON file ----------------------------------------------------------------------------

export interface DataFile {
  path: string;
  works: number;
  bytes: number;
  /** Null when an existing file was reused. */
  generated: { seconds: number } | null;
}

interface DataFileMeta {
  version: number;
  seed: number;
  works: number;
  bytes: number;
}

const WRITE_CHUNK = 1 << 20;

/**
 * Writes `<directory>/catalogue-<n>.ndjson` unless a complete one from this generator version is
 * there already (its `.meta.json` is written last, after the rename, and names its byte size).
 */
export function ensureNdjsonFile(directory: string, n: number): DataFile {
  const path = `${directory}/catalogue-${n}.ndjson`;
  const metaPath = `${path}.meta.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    try {
      const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as DataFileMeta;
      if (
        meta.version === GENERATOR_VERSION &&
        meta.seed === SEED &&
        meta.works === n &&
        meta.bytes === statSync(path).size
      ) {
        return { path, works: n, bytes: meta.bytes, generated: null };
      }
    } catch {
      // Unreadable: generate again.
    }
  }
  const started = process.hrtime.bigint();
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  let bytes = 0;
  try {
    let buffer = '';
    for (const work of generateWorks(n)) {
      buffer += ndjsonLine(work, PAYEE_PLACEHOLDER);
      if (buffer.length >= WRITE_CHUNK) {
        bytes += writeSync(fd, buffer);
        buffer = '';
      }
    }
    if (buffer.length > 0) bytes += writeSync(fd, buffer);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, path);
  const meta: DataFileMeta = { version: GENERATOR_VERSION, seed: SEED, works: n, bytes };
  writeFileSync(metaPath, `${JSON.stringify(meta)}\n`);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return { path, works: n, bytes, generated: { seconds } };
}

/**
 * Replaces every PAYEE_PLACEHOLDER in the byte stream with `payeeId` (same length, so the
 * Content-Length stays the file size). Keeps back the last 35 bytes of each chunk, where an
 * occurrence may be cut in two.
 */
export class PayeeSubstitution extends Transform {
  private readonly from = Buffer.from(PAYEE_PLACEHOLDER, 'latin1');
  private readonly to: Buffer;
  private carry = Buffer.alloc(0);

  constructor(payeeId: string) {
    super();
    this.to = Buffer.from(payeeId.toLowerCase(), 'latin1');
    if (this.to.length !== this.from.length) throw new Error(`not a UUID: ${payeeId}`);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    const buffer = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    let at = buffer.indexOf(this.from);
    while (at !== -1) {
      this.to.copy(buffer, at);
      at = buffer.indexOf(this.from, at + this.from.length);
    }
    const keep = Math.min(buffer.length, this.from.length - 1);
    this.carry = Buffer.from(buffer.subarray(buffer.length - keep));
    if (buffer.length > keep) this.push(buffer.subarray(0, buffer.length - keep));
    done();
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) this.push(this.carry);
    done();
  }
}

// --- COPY text for the baseline -----------------------------------------------------------------

/** Work i's id in the baseline: UUIDv7-shaped and increasing with i, like the service's UUIDv7. */
export function baselineWorkId(i: number): string {
  return `0190a000-0000-7000-8000-${i.toString(16).padStart(12, '0')}`;
}

/** COPY text format: backslash, tab, newline and carriage return escaped. */
function copyField(value: string): string {
  return /[\\\t\n\r]/.test(value)
    ? value.replace(
        /[\\\t\n\r]/g,
        (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c,
      )
    : value;
}

const COPY_CHUNK = 256 * 1024;

/** A byte stream of COPY text built line by line from `lines`, in chunks of ~256 KiB. */
function copyStream(lines: Iterator<string>): Readable {
  return new Readable({
    highWaterMark: COPY_CHUNK,
    read() {
      let chunk = '';
      for (;;) {
        const next = lines.next();
        if (next.done) {
          if (chunk.length > 0) this.push(chunk);
          this.push(null);
          return;
        }
        chunk += next.value;
        if (chunk.length >= COPY_CHUNK) {
          this.push(chunk);
          return;
        }
      }
    },
  });
}

export const WORKS_COPY_COLUMNS =
  'id, organization_id, external_id, title, kind, language, published_at, identifiers, splits';
export const IDENTIFIERS_COPY_COLUMNS = 'scheme, value, organization_id, work_id';
export const SPLITS_COPY_COLUMNS =
  'work_id, split_version, effective_from, organization_id, payee_id, share_bps';

/** works rows as the import writes them: identifiers normalized and sorted, one split. */
export function worksCopyText(n: number, organizationId: string, payeeId: string): Readable {
  const splits = `[{"payeeId": "${payeeId}", "shareBps": 10000}]`;
  function* lines(): Generator<string> {
    let i = 0;
    for (const work of generateWorks(n)) {
      i += 1;
      yield `${baselineWorkId(i)}\t${organizationId}\t${work.externalId}\t${copyField(work.title)}\tbook\t${work.language}\t${work.publishedAt}\t{"doi:${work.doi}","isbn:${work.isbn}"}\t${splits}\n`;
    }
  }
  return copyStream(lines());
}

/** Two work_identifiers rows per work. */
export function identifiersCopyText(n: number, organizationId: string): Readable {
  function* lines(): Generator<string> {
    for (let i = 1; i <= n; i++) {
      const id = baselineWorkId(i);
      yield `isbn\t${isbnOf(i)}\t${organizationId}\t${id}\ndoi\t${doiOf(i)}\t${organizationId}\t${id}\n`;
    }
  }
  return copyStream(lines());
}

/** One work_splits row per work: version 1, effective from 0001-01-01, 100 %. */
export function splitsCopyText(n: number, organizationId: string, payeeId: string): Readable {
  function* lines(): Generator<string> {
    for (let i = 1; i <= n; i++) {
      yield `${baselineWorkId(i)}\t1\t0001-01-01\t${organizationId}\t${payeeId}\t10000\n`;
    }
  }
  return copyStream(lines());
}
