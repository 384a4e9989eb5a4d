import { createHash, Hash } from 'node:crypto';
import { Readable } from 'node:stream';
import { ImportFormat, ImportLine, streamedFormat } from '../common/bulk/line-reader';
import { BadRequest, DomainError } from '../common/errors/domain-error';
import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import { canonicalJson } from '../common/idempotency/idempotency';
import { isCalendarDate } from '../common/validation/calendar-date';
import { validateInput } from '../common/validation/validate-input';
import { CreateUsageReportDto, UsageReportHeaderQuery } from './dto/usage-report.dto';
import { Lines, Received } from './stage-lines';

/** What a report declares about itself: in a JSON body, or a streamed body's query. */
export interface Header {
  reportId: string;
  periodStart: string;
  periodEnd: string;
  currency: string | null;
  supersedes: string | null;
  lineCount: string;
  units: string;
}

/** A report's upload as the route received it, before its lines are read. */
export interface ReportUpload {
  header: Header;
  /** A JSON report's lines (read with the body); a streamed report's are read from `raw`. */
  lines: Lines;
  /** A streamed report's body, not read yet. */
  raw: Readable | null;
  /** A JSON report's size for the quota: its canonical JSON (hashed anyway), in bytes. */
  jsonBytes: number;
  /** The content hash so far (format, then the JSON body or the header); a body adds its bytes. */
  hash: Hash;
}

export function formatOf(contentType: string | undefined): ImportFormat | 'json' {
  if ((contentType ?? '').split(';')[0].trim().toLowerCase() === 'application/json') return 'json';
  const streamed = streamedFormat(contentType);
  if (streamed) return streamed;
  throw new DomainError(
    'unsupported-media-type',
    415,
    'Send a usage report as application/json, application/x-ndjson (a line per usage line) or text/csv',
  );
}

/** The header and lines of a JSON report, or the header of a streamed one (its query). */
export async function readUpload(
  format: ImportFormat | 'json',
  body: unknown,
  query: Record<string, unknown>,
): Promise<ReportUpload> {
  const hash = createHash('sha256').update(`${format}\n`);
  if (format === 'json') {
    if (Object.keys(query).length) {
      throw new BadRequest('unexpected-query', 'A JSON report carries its header in the body');
    }
    const dto = await validateInput(CreateUsageReportDto, body);
    const header = headerOf(dto, dto.totals);
    const canonical = canonicalJson(body);
    hash.update(canonical);
    const jsonBytes = Buffer.byteLength(canonical);
    return { header, lines: jsonLines(dto.lines), raw: null, jsonBytes, hash };
  }
  if (!(body instanceof Readable)) throw new BadRequest('empty-report', 'The report has no body');
  const dto = await validateInput(UsageReportHeaderQuery, query);
  const header = headerOf(dto, dto);
  hash.update(canonicalJson(header)).update('\n');
  return { header, lines: [], raw: body, jsonBytes: 0, hash };
}

function headerOf(
  declared: {
    reportId: string;
    periodStart: string;
    periodEnd: string;
    currency?: string;
    supersedes?: string;
  },
  totals: { lineCount: string; units: string },
): Header {
  return {
    reportId: declared.reportId,
    periodStart: declared.periodStart,
    periodEnd: declared.periodEnd,
    currency: declared.currency ?? null,
    supersedes: declared.supersedes?.toLowerCase() ?? null,
    lineCount: totals.lineCount,
    units: totals.units,
  };
}

export function refusePeriod(header: Header): void {
  const errors: FieldError[] = [];
  for (const field of ['periodStart', 'periodEnd'] as const) {
    if (!isCalendarDate(header[field])) {
      errors.push({ field, messages: [`${field} is not a calendar date`] });
    }
  }
  if (!errors.length && header.periodEnd < header.periodStart) {
    errors.push({ field: 'periodEnd', messages: ['periodEnd is before periodStart'] });
  }
  if (errors.length) throw new RequestValidationFailed(errors);
}

function* jsonLines(lines: unknown[]): Generator<ImportLine[]> {
  yield lines.map((input, index) => ({ lineNo: index + 1, input }));
}

/** The rejection of a report whose lines or units are not what it declared; null when they are. */
export function totalsMismatch(header: Header, received: Received): Record<string, unknown> | null {
  const mismatch =
    received.lines !== BigInt(header.lineCount) || received.units !== BigInt(header.units);
  return mismatch
    ? {
        code: 'totals-mismatch',
        detail: `Declared ${header.lineCount} lines and ${header.units} units; received ${received.lines} lines and ${received.units} units`,
        declared: { lineCount: header.lineCount, units: header.units },
        received: { lineCount: String(received.lines), units: String(received.units) },
      }
    : null;
}

/**
 * Reads a replayed upload to its end, for its content hash: the bytes only (the stream hashes
 * them as they pass), not parsed — the same content as the first upload was read then, and
 * other content is refused as a reused reportId whatever it holds.
 */
export async function drain(streamed: Readable | null, hash: Hash): Promise<Buffer> {
  if (streamed) for await (const chunk of streamed) void chunk;
  return hash.digest();
}
