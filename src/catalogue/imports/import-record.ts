import { formatIdentifier, normalizeIdentifier, parseIdentifier } from '../identifiers/identifier';
import { isCalendarDate } from '../../common/validation/calendar-date';
import {
  EXTERNAL_ID_MAX,
  IDENTIFIERS_MAX,
  LANGUAGE_TAG,
  METADATA_MAX_BYTES,
  SPLITS_MAX,
  SplitShare,
  splitsProblem,
  TITLE_MAX,
  WORK_KINDS,
  WorkKind,
} from '../work-rules';
import { isUuid } from '../../common/ids';

/** One import line, valid and normalized, ready for the database. */
export interface ImportedWork {
  externalId: string;
  title: string;
  kind: WorkKind;
  language: string | null;
  publishedAt: string | null;
  metadata: Record<string, unknown>;
  /** Normalized `scheme:value`, sorted, unique. */
  identifiers: string[];
  /** Sorted by payee; null means 100% to the default payee. */
  splits: SplitShare[] | null;
}

export type RecordResult =
  { ok: true; work: ImportedWork } | { ok: false; reason: string; externalId: string | null };

const FIELDS = new Set([
  'externalId',
  'title',
  'kind',
  'identifiers',
  'language',
  'publishedAt',
  'metadata',
  'splits',
]);
const KINDS: ReadonlySet<string> = new Set(WORK_KINDS);

class LineRejected extends Error {}

function reject(reason: string): never {
  throw new LineRejected(reason);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Validates one import line with the same rules as POST /v1/works (work-rules.ts), written out
 * by hand because class-validator is ~20× slower and a file holds millions of lines.
 */
export function validateWorkRecord(input: unknown): RecordResult {
  const externalId =
    isObject(input) && typeof input.externalId === 'string' ? input.externalId : null;
  try {
    return { ok: true, work: validate(input) };
  } catch (error) {
    if (error instanceof LineRejected) return { ok: false, reason: error.message, externalId };
    throw error;
  }
}

function validate(input: unknown): ImportedWork {
  if (!isObject(input)) reject('a line must be a JSON object');
  for (const field of Object.keys(input)) {
    if (!FIELDS.has(field)) reject(`unknown field ${field}`);
  }
  const { externalId, title, kind } = input;
  if (
    typeof externalId !== 'string' ||
    externalId.trim() === '' ||
    externalId.length > EXTERNAL_ID_MAX
  ) {
    reject(`externalId must be a non-blank string of at most ${EXTERNAL_ID_MAX} characters`);
  }
  if (typeof title !== 'string' || title.trim() === '' || title.length > TITLE_MAX) {
    reject(`title must be a non-blank string of at most ${TITLE_MAX} characters`);
  }
  if (typeof kind !== 'string' || !KINDS.has(kind))
    reject(`kind must be one of ${WORK_KINDS.join(', ')}`);
  return {
    externalId,
    title,
    kind: kind as WorkKind,
    language: optionalString(
      input.language,
      'language',
      (v) => LANGUAGE_TAG.test(v),
      'a BCP 47 tag such as en',
    ),
    publishedAt: optionalString(
      input.publishedAt,
      'publishedAt',
      isCalendarDate,
      'a date, YYYY-MM-DD',
    ),
    metadata: metadataOf(input.metadata),
    identifiers: identifiersOf(input.identifiers),
    splits: splitsOf(input.splits),
  };
}

function optionalString(
  value: unknown,
  field: string,
  test: (value: string) => boolean,
  expected: string,
): string | null {
  if (value === undefined || value === null || value === '') return null;
  if (typeof value !== 'string' || !test(value)) reject(`${field} must be ${expected}`);
  return value;
}

function metadataOf(value: unknown): Record<string, unknown> {
  if (value === undefined || value === null || value === '') return {};
  if (!isObject(value)) reject('metadata must be a JSON object');
  const bytes = Buffer.byteLength(JSON.stringify(value));
  if (bytes > METADATA_MAX_BYTES)
    reject(`metadata is ${bytes} bytes of JSON; at most ${METADATA_MAX_BYTES}`);
  return value;
}

/** `[{scheme, value}]` or `["scheme:value"]`. */
function identifiersOf(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) reject('identifiers must be a list');
  if (value.length > IDENTIFIERS_MAX) reject(`at most ${IDENTIFIERS_MAX} identifiers`);
  const normalized = new Set<string>();
  for (const item of value) {
    const result =
      typeof item === 'string'
        ? parseIdentifier(item)
        : isObject(item) && typeof item.scheme === 'string' && typeof item.value === 'string'
          ? normalizeIdentifier(item.scheme, item.value)
          : { ok: false as const, reason: 'an identifier is "scheme:value" or {scheme, value}' };
    if (!result.ok) reject(result.reason);
    normalized.add(formatIdentifier(result.identifier));
  }
  return [...normalized].sort();
}

function splitsOf(value: unknown): SplitShare[] | null {
  if (value === undefined || value === null) return null;
  if (!Array.isArray(value)) reject('splits must be a list');
  if (value.length > SPLITS_MAX) reject(`at most ${SPLITS_MAX} splits`);
  const splits = value.map((item): SplitShare => {
    if (!isObject(item) || typeof item.payeeId !== 'string' || !isUuid(item.payeeId)) {
      reject('each split needs a payeeId (UUID) and a shareBps');
    }
    return { payeeId: item.payeeId.toLowerCase(), shareBps: item.shareBps as number };
  });
  const problem = splitsProblem(splits);
  if (problem) reject(problem);
  return splits.sort((a, b) => (a.payeeId < b.payeeId ? -1 : a.payeeId > b.payeeId ? 1 : 0));
}

/** CSV columns, in any order; externalId, title and kind are required. */
export const CSV_COLUMNS = [
  'externalId',
  'title',
  'kind',
  'identifiers',
  'language',
  'publishedAt',
  'splits',
  'metadata',
] as const;
export const CSV_REQUIRED_COLUMNS = ['externalId', 'title', 'kind'] as const;

/** Why a CSV header cannot be read, or null. */
export function csvHeaderProblem(header: string[]): string | null {
  const known: ReadonlySet<string> = new Set(CSV_COLUMNS);
  const unknown = header.filter((column) => !known.has(column));
  if (unknown.length)
    return `unknown CSV column ${unknown.join(', ')}; the columns are ${CSV_COLUMNS.join(', ')}`;
  const missing = CSV_REQUIRED_COLUMNS.filter((column) => !header.includes(column));
  if (missing.length) return `missing CSV column ${missing.join(', ')}`;
  if (new Set(header).size !== header.length) return 'a CSV column appears twice';
  return null;
}

/**
 * A CSV record in the NDJSON shape: `identifiers` as `isbn:…|doi:…`, `splits` as
 * `<payeeId>:<shareBps>|…`, `metadata` as a JSON object; empty cells are absent values.
 */
export function csvRecordToInput(record: Record<string, string>): Record<string, unknown> | string {
  const input: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell === '') continue;
    if (cell.includes('\0')) return `${column} contains a NUL character, which text cannot hold`;
    switch (column) {
      case 'identifiers':
        input.identifiers = cell.split('|').map((part) => part.trim());
        break;
      case 'splits':
        input.splits = cell.split('|').map((part) => {
          const colon = part.lastIndexOf(':');
          const share = part.slice(colon + 1).trim();
          return {
            payeeId: part.slice(0, colon).trim(),
            shareBps: /^\d+$/.test(share) ? Number(share) : share,
          };
        });
        break;
      case 'metadata':
        try {
          input.metadata = JSON.parse(cell) as unknown;
        } catch {
          return 'metadata is not valid JSON';
        }
        break;
      default:
        input[column] = cell;
    }
  }
  return input;
}
