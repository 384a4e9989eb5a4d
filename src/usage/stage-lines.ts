import { Readable } from 'node:stream';
import { CopyRows } from '../common/bulk/copy-rows';
import {
  ImportLine,
  lineTooLong,
  MAX_LINE_CHARACTERS,
  NdjsonLines,
} from '../common/bulk/line-reader';
import { copyField } from '../common/bulk/copy-text';
import { RepeatWatch } from './repeat-watch';
import { ReportPeriod, UsageLine, validateUsageLine } from './usage-line';
import { UsageLineBytes } from './usage-line-bytes';

/** A report's lines as they are read: a chunk's worth at a time. */
export type Lines = AsyncIterable<ImportLine[]> | Iterable<ImportLine[]>;

/** What arrived: counted as the lines are staged, checked against the declared totals. */
export interface Received {
  lines: bigint;
  units: bigint;
  invalid: bigint;
  /** The valid lines' lineIds, for the worker's duplicate check. */
  lineIds: RepeatWatch;
  /** Valid lines citing a licence receipt. */
  citing: bigint;
}

/** Staged text is handed on in pieces of about this many characters. */
const CHUNK = 64 * 1024;
/** COPY's null. */
const NULL = '\\N';
/** Where a Number sum of units is folded into the BigInt total: 2^53 less one 15-digit count. */
const FOLD_AT = 2 ** 53 - 1e15;

/**
 * Counts what is staged: lines, invalid lines and units in Numbers while that is exact (a BigInt
 * per line would allocate tens of millions), folded into `received` at each chunk's end and
 * before a sum could pass 2^53.
 */
class Tally {
  private lines = 0;
  private invalid = 0;
  private units = 0;
  private citing = 0;

  constructor(private readonly received: Received) {}

  line(units: string | null, valid: boolean): void {
    this.lines++;
    if (!valid) this.invalid++;
    if (units === null) return;
    // At most 15 digits each: the sum stays below 2^53 until it is folded.
    if (units.length <= 15) this.units += Number(units);
    else this.received.units += BigInt(units);
    if (this.units >= FOLD_AT) this.fold();
  }

  /** A valid line citing a receipt (counted as well by line or count). */
  cites(): void {
    this.citing++;
  }

  /** A valid line whose units are a Number (at most 15 digits). */
  count(units: number): void {
    this.lines++;
    this.units += units;
    if (this.units >= FOLD_AT) this.fold();
  }

  fold(): void {
    this.received.lines += BigInt(this.lines);
    this.received.invalid += BigInt(this.invalid);
    this.received.units += BigInt(this.units);
    this.received.citing += BigInt(this.citing);
    this.lines = this.invalid = this.units = this.citing = 0;
  }
}

/**
 * A valid line as a staging row. Only free-text fields are escaped: the others are validated
 * digits, UUIDs, dates and tokens, which hold no tab, newline or backslash.
 */
function validRow(lineNo: number, l: UsageLine): string {
  return `${lineNo}\t${copyField(l.lineId)}\t${l.workId ?? NULL}\t${l.scheme ?? NULL}\t${
    l.value === null ? NULL : copyField(l.value)
  }\t${copyField(l.workRef.slice(0, 2100))}\t${l.usage}\t${l.unit}\t${l.units}\t${
    l.agreementId ?? NULL
  }\t${copyField(l.model)}\t${l.territory ?? NULL}\t${l.occurredOn ?? NULL}\t${
    l.revenue ?? NULL
  }\t${l.receiptId ?? NULL}\t${NULL}\n`;
}

/** A line as the general path stages it: JSON.parse'd (or not parseable), then validated. */
function generalRow(line: ImportLine, period: ReportPeriod, tally: Tally, received: Received) {
  const result =
    'parseError' in line
      ? { ok: false as const, reason: line.parseError, lineId: null, units: null }
      : validateUsageLine(line.input, period);
  if (result.ok) {
    tally.line(result.line.units, true);
    if (result.line.receiptId !== null) tally.cites();
    received.lineIds.see(result.line.lineId);
    return validRow(line.lineNo, result.line);
  }
  tally.line(result.units, false);
  // lineNo, lineId, the work and usage columns null but units, then the reason.
  return `${line.lineNo}\t${copyField(result.lineId)}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${
    result.units ?? NULL
  }\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${copyField(result.reason.slice(0, 1000))}\n`;
}

/** Every line (parsed already: a JSON body's, a CSV's) as a staging row. */
export async function* stageLines(
  chunks: Lines,
  period: ReportPeriod,
  received: Received,
): AsyncGenerator<string> {
  const tally = new Tally(received);
  let chunk = '';
  for await (const lines of chunks) {
    for (const line of lines) chunk += generalRow(line, period, tally, received);
    if (chunk.length >= CHUNK) {
      tally.fold();
      yield chunk;
      chunk = '';
    }
  }
  tally.fold();
  if (chunk) yield chunk;
}

/**
 * Every line of an NDJSON body as a staging row: the hot path of an upload (tens of millions of
 * lines). Lines in the usual shape are staged from their bytes by UsageLineBytes; any other line
 * is decoded and takes the general path. Each piece yielded is whole rows.
 */
export async function* stageNdjson(
  body: Readable,
  period: ReportPeriod,
  received: Received,
): AsyncGenerator<Buffer> {
  const tally = new Tally(received);
  const reader = new NdjsonLines();
  const fast = new UsageLineBytes(period, received.lineIds);
  const rows = new CopyRows();
  const stage = (bytes: Buffer, start: number, end: number) => {
    if (fast.stage(bytes, start, end, reader.lineNo + 1, rows)) {
      reader.readObject();
      tally.count(fast.units);
      if (fast.cites) tally.cites();
      return;
    }
    // A line holds no newline byte, so it decodes alone exactly as within the whole body.
    const line = reader.parse(bytes.toString('utf8', start, end));
    if (line !== null) rows.text(generalRow(line, period, tally, received));
  };
  let rest: Buffer | null = null;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    let start = 0;
    if (rest !== null) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        rest = Buffer.concat([rest, chunk]);
        refuseLongLine(rest, reader);
        continue;
      }
      const line = Buffer.concat([rest, chunk.subarray(0, newline)]);
      stage(line, 0, line.length);
      rest = null;
      start = newline + 1;
    }
    for (let end = chunk.indexOf(NEWLINE, start); end !== -1; end = chunk.indexOf(NEWLINE, start)) {
      stage(chunk, start, end);
      start = end + 1;
    }
    if (start < chunk.length) {
      rest = chunk.subarray(start);
      refuseLongLine(rest, reader);
    }
    const full = rows.take(CHUNK);
    if (full) {
      tally.fold();
      yield full;
    }
  }
  if (rest !== null) stage(rest, 0, rest.length);
  tally.fold();
  const last = rows.take(0);
  if (last) yield last;
}

const NEWLINE = 0x0a;

/** An unfinished line past the longest a line may be (in characters, as readNdjson counts). */
function refuseLongLine(rest: Buffer, reader: NdjsonLines): void {
  if (rest.length > MAX_LINE_CHARACTERS && rest.toString('utf8').length > MAX_LINE_CHARACTERS) {
    throw lineTooLong(reader.lineNo + 1);
  }
}
