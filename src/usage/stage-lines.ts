import { ImportLine } from '../common/bulk/line-reader';
import { copyField } from '../common/bulk/copy-text';
import { RepeatWatch } from './repeat-watch';
import { ReportPeriod, validateUsageLine } from './usage-line';

/** A report's lines as they are read: a chunk's worth at a time. */
export type Lines = AsyncIterable<ImportLine[]> | Iterable<ImportLine[]>;

/** What arrived: counted as the lines are staged, checked against the declared totals. */
export interface Received {
  lines: bigint;
  units: bigint;
  invalid: bigint;
  /** The valid lines' lineIds, for the worker's duplicate check. */
  lineIds: RepeatWatch;
}

/** Staged text is handed on in pieces of about this many characters. */
const CHUNK = 64 * 1024;
/** COPY's null. */
const NULL = '\\N';
/** Where a Number sum of units is folded into the BigInt total: 2^53 less one 15-digit count. */
const FOLD_AT = 2 ** 53 - 1e15;

/**
 * Every line as a staging row: valid ones with their fields, invalid ones with the reason. The
 * hot path of an upload (millions of lines): units are summed in a Number while that is exact
 * and folded into the BigInt total before it could not be; only free-text fields are escaped
 * (the others are validated digits, UUIDs, dates and tokens, which hold no tab, newline or
 * backslash).
 */
export async function* stageLines(
  chunks: Lines,
  period: ReportPeriod,
  received: Received,
): AsyncGenerator<string> {
  let chunk = '';
  let units = 0;
  for await (const lines of chunks) {
    for (const line of lines) {
      received.lines++;
      const result =
        'parseError' in line
          ? { ok: false as const, reason: line.parseError, lineId: null, units: null }
          : validateUsageLine(line.input, period);
      const counted = result.ok ? result.line.units : result.units;
      if (counted !== null) {
        // At most 15 digits each: the sum stays below 2^53 until it is folded.
        if (counted.length <= 15) units += Number(counted);
        else received.units += BigInt(counted);
        if (units >= FOLD_AT) {
          received.units += BigInt(units);
          units = 0;
        }
      }
      if (result.ok) {
        const l = result.line;
        received.lineIds.see(l.lineId);
        chunk += `${line.lineNo}\t${copyField(l.lineId)}\t${l.workId ?? NULL}\t${l.scheme ?? NULL}\t${
          l.value === null ? NULL : copyField(l.value)
        }\t${copyField(l.workRef.slice(0, 2100))}\t${l.usage}\t${l.unit}\t${l.units}\t${
          l.agreementId ?? NULL
        }\t${copyField(l.model)}\t${l.territory ?? NULL}\t${l.occurredOn ?? NULL}\t${
          l.revenue ?? NULL
        }\t${NULL}\n`;
      } else {
        received.invalid++;
        // lineNo, lineId, the eight work and usage columns null but units, then the reason.
        chunk += `${line.lineNo}\t${copyField(result.lineId)}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${
          result.units ?? NULL
        }\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${NULL}\t${copyField(result.reason.slice(0, 1000))}\n`;
      }
    }
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  received.units += BigInt(units);
  if (chunk) yield chunk;
}
