import { normalizeIdentifier, parseIdentifier } from '../catalogue/identifiers/identifier';
import { isCalendarDate } from '../common/validation/calendar-date';
import { isCountryCode } from '../common/validation/iso-codes';
import { RATE_UNITS } from '../licensing/offer-vocabulary';
import { isUsageToken } from '../licensing/usage-types';
import { isUuid } from '../common/ids';
import { RECEIPT_ID_LENGTH, receiptIdDay } from '../receipts/receipt-id';

/** A usage line after validation, as it is staged for matching. */
export interface UsageLine {
  lineId: string;
  /** Exactly one of workId and identifier (scheme and normalized value). */
  workId: string | null;
  scheme: string | null;
  value: string | null;
  /** The work as the licensee named it, for the issues list. */
  workRef: string;
  usage: string;
  unit: string;
  /** Non-negative integer, as decimal digits (sums may pass 2^53). */
  units: string;
  agreementId: string | null;
  model: string | null;
  territory: string | null;
  occurredOn: string | null;
  revenue: string | null;
  /** The licence receipt the line cites (its id's form checked; its subject at matching). */
  receiptId: string | null;
}

export type UsageLineResult =
  | { ok: true; line: UsageLine }
  | { ok: false; reason: string; lineId: string | null; units: string | null };

export interface ReportPeriod {
  periodStart: string;
  periodEnd: string;
}

/** A line's fields, in this order (the byte path indexes them). */
export const USAGE_LINE_FIELDS = [
  'lineId',
  'workId',
  'identifier',
  'url',
  'sha256',
  'usage',
  'units',
  'unit',
  'agreementId',
  'model',
  'territory',
  'occurredOn',
  'revenue',
  'receiptId',
] as const;
const FIELDS: ReadonlySet<string> = new Set(USAGE_LINE_FIELDS);
const UNITS: ReadonlySet<string> = new Set<string>(RATE_UNITS);
/** The nil UUID names nothing (and the matcher uses it for "no agreement named"). */
const NIL_UUID = '00000000-0000-0000-0000-000000000000';
const isId = (value: string) => isUuid(value) && value !== NIL_UUID;
/** A UTF-16 surrogate without its pair: PostgreSQL would store U+FFFD, merging distinct texts. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** Up to 18 digits: bigint in the database, and no sum of a report's lines can overflow numeric. */
const COUNT = /^(0|[1-9]\d{0,17})$/;
export const TEXT_MAX = 200;

class LineRejected extends Error {}

function reject(reason: string): never {
  throw new LineRejected(reason);
}

/** A non-negative integer given as a JSON number (safe) or a string of digits. */
function countOf(value: unknown): string | null {
  if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return String(value);
  if (typeof value === 'string' && COUNT.test(value)) return value;
  return null;
}

/** Validates one line of a report (any form); never throws for bad input, says why instead. */
export function validateUsageLine(input: unknown, period: ReportPeriod): UsageLineResult {
  const record =
    typeof input === 'object' && input !== null && !Array.isArray(input)
      ? (input as Record<string, unknown>)
      : null;
  const lineId =
    record && typeof record.lineId === 'string' && record.lineId.length <= TEXT_MAX
      ? record.lineId
      : null;
  try {
    return { ok: true, line: validate(record, period) };
  } catch (error) {
    if (!(error instanceof LineRejected)) throw error;
    return {
      ok: false,
      reason: error.message,
      lineId,
      units: record ? countOf(record.units) : null,
    };
  }
}

function validate(record: Record<string, unknown> | null, period: ReportPeriod): UsageLine {
  if (!record) reject('a line must be a JSON object');
  // for…in, not Object.keys: no array per line (a report has millions); parsed JSON has no
  // inherited enumerable keys.
  for (const field in record) {
    if (!FIELDS.has(field)) reject(`unknown field ${field}`);
  }
  const { lineId, usage, unit } = record;
  if (typeof lineId !== 'string' || lineId.trim() === '' || lineId.length > TEXT_MAX) {
    reject(`lineId must be a non-blank string of at most ${TEXT_MAX} characters`);
  }
  if (LONE_SURROGATE.test(lineId)) reject('lineId must be well-formed Unicode text');
  const work = workOf(record);
  if (!isUsageToken(usage)) {
    reject('usage must be an RSL usage type or an extension token like x-acme:finetune');
  }
  if (typeof unit !== 'string' || !UNITS.has(unit)) {
    reject(`unit must be one of ${RATE_UNITS.join(', ')}`);
  }
  const units = countOf(record.units);
  if (units === null) reject('units must be a non-negative integer (at most 18 digits)');
  const agreementId = optional(
    record.agreementId,
    'agreementId',
    isId,
    'a UUID (not the nil UUID)',
  );
  const model = optional(
    record.model,
    'model',
    (v) => v.length <= TEXT_MAX && !LONE_SURROGATE.test(v),
    `well-formed text of at most ${TEXT_MAX} characters`,
  );
  const territory = optional(
    record.territory,
    'territory',
    isKnownTerritory,
    'an ISO 3166-1 alpha-2 code such as DE',
  );
  let occurredOn = optional(record.occurredOn, 'occurredOn', isKnownDate, 'a date, YYYY-MM-DD');
  if (occurredOn !== null && (occurredOn < period.periodStart || occurredOn > period.periodEnd)) {
    reject(`occurredOn ${occurredOn} is outside the report's period`);
  }
  const receiptId = optional(
    record.receiptId,
    'receiptId',
    (v) => v.length === RECEIPT_ID_LENGTH && receiptIdDay(v) !== null,
    `a licence receipt's id (rcpt_ and ${RECEIPT_ID_LENGTH - 5} base64url characters)`,
  );
  // An undated line citing a receipt is dated by it: the receipt is for one day of use. A dated
  // one keeps its date, and matching says receipt-other-day when the two disagree.
  if (receiptId !== null && occurredOn === null) {
    occurredOn = receiptIdDay(receiptId)!;
    if (occurredOn < period.periodStart || occurredOn > period.periodEnd) {
      reject(`receiptId is for ${occurredOn}, outside the report's period`);
    }
  }
  let revenue: string | null = null;
  if (record.revenue !== undefined && record.revenue !== null) {
    revenue = countOf(record.revenue);
    if (revenue === null) reject('revenue must be a non-negative integer in minor units');
  }
  return {
    lineId,
    workId: work.workId,
    scheme: work.scheme,
    value: work.value,
    workRef: work.workRef,
    usage,
    unit,
    units,
    agreementId: agreementId?.toLowerCase() ?? null,
    model,
    territory,
    occurredOn,
    revenue,
    receiptId,
  };
}

const WORK_FIELDS = ['workId', 'identifier', 'url', 'sha256'] as const;

/**
 * isCalendarDate and isCountryCode, remembered: a report's lines fall on the few days of its
 * period and name a few territories, so each is checked once, not once per line. Bounded:
 * forgotten when more than a year of days (or territories) is remembered.
 */
function remembered(test: (value: string) => boolean): (value: string) => boolean {
  const known = new Map<string, boolean>();
  return (value) => {
    let result = known.get(value);
    if (result === undefined) {
      if (known.size >= 400) known.clear();
      result = test(value);
      known.set(value, result);
    }
    return result;
  };
}

const isKnownDate = remembered(isCalendarDate);
const isKnownTerritory = remembered(isCountryCode);

function workOf(
  record: Record<string, unknown>,
): Pick<UsageLine, 'workId' | 'scheme' | 'value' | 'workRef'> {
  let field: (typeof WORK_FIELDS)[number] | undefined;
  let given = 0;
  for (const candidate of WORK_FIELDS) {
    if (record[candidate] === undefined || record[candidate] === null) continue;
    field = candidate;
    given++;
  }
  if (given !== 1 || field === undefined) {
    reject('give exactly one of workId, identifier, url and sha256');
  }
  const raw = record[field];
  if (typeof raw !== 'string') reject(`${field} must be a string`);
  if (LONE_SURROGATE.test(raw)) reject(`${field} must be well-formed Unicode text`);
  if (field === 'workId') {
    if (!isId(raw)) reject('workId must be a UUID (not the nil UUID)');
    return { workId: raw.toLowerCase(), scheme: null, value: null, workRef: `workId:${raw}` };
  }
  const result =
    field === 'identifier'
      ? parseIdentifier(raw)
      : normalizeIdentifier(field === 'url' ? 'url' : 'sha256', raw);
  if (!result.ok) reject(`${field}: ${result.reason}`);
  const { scheme, value } = result.identifier;
  return {
    workId: null,
    scheme,
    value,
    workRef: field === 'identifier' ? raw : `${field}:${raw}`,
  };
}

function optional(
  value: unknown,
  field: string,
  test: (value: string) => boolean,
  expected: string,
): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string' || !test(value)) reject(`${field} must be ${expected}`);
  return value;
}

/** CSV columns of a usage report; a blank cell is an absent field. */
export const USAGE_CSV_COLUMNS = [...FIELDS];

export function usageCsvHeaderProblem(header: string[]): string | null {
  const unknown = header.filter((column) => !FIELDS.has(column));
  if (unknown.length) return `unknown columns ${unknown.join(', ')}`;
  for (const required of ['lineId', 'usage', 'units', 'unit']) {
    if (!header.includes(required)) return `the header has no ${required} column`;
  }
  return null;
}

export function usageCsvRecordToInput(record: Record<string, string>): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const [column, cell] of Object.entries(record)) {
    if (cell !== '') input[column] = cell;
  }
  return input;
}
