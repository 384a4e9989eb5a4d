import { CopyRows } from '../common/bulk/copy-rows';
import { RATE_UNITS } from '../licensing/offer-vocabulary';
import { RSL_USAGES } from '../licensing/usage-types';
import { RepeatWatch } from './repeat-watch';
import {
  startsWith,
  oneOf,
  allSpaces,
  isCount,
  digitsValue,
  isHex,
  isId,
  isIsbn13,
  isTerritory,
  calendarDay,
  dayNumber,
  receiptIdDay,
} from './usage-line-byte-checks';
import { ReportPeriod, TEXT_MAX, USAGE_LINE_FIELDS } from './usage-line';

/**
 * The fast path of an NDJSON upload: a usage line in the shape clients write (`JSON.stringify`
 * of a flat object, ASCII) read and staged straight from the bytes that arrived, with no
 * string, object or JSON.parse per line (an upload has tens of millions of lines).
 *
 * It takes: no whitespace, escapes or non-ASCII bytes; each field once, none null; integers as
 * plain digits (at most 15, as numbers or strings); the work as `workId`, an `isbn:` identifier
 * of 13 plain digits, or a SHA-256 (`sha256` or `sha256:`); an RSL usage type (not an
 * extension token). Every check validateUsageLine makes is made here too. Any other line — and
 * any line that fails a check — is left alone (stage() answers false, nothing written) for the
 * general path, JSON.parse and validateUsageLine, which alone words the reasons. So this only
 * accepts what the general path accepts, and stages the same row for it (a property test holds
 * the two together).
 */
export class UsageLineBytes {
  /** Where each field's value is: src[starts[f], ends[f]) (a string's content, without quotes). */
  private readonly starts = new Int32Array(FIELD_COUNT);
  private readonly ends = new Int32Array(FIELD_COUNT);
  /** Bit f set: field f is present; in numbers, it was a JSON number (else a string). */
  private present = 0;
  private numbers = 0;
  private work: number = WorkForm.WorkId;
  /** An undated line's date, from the receipt it cites (YYYY-MM-DD), else null. */
  private receiptDay: Uint8Array | null = null;
  private readonly periodStart: number;
  private readonly periodEnd: number;
  /** The units of the line last staged (at most 15 digits: exact in a Number). */
  units = 0;
  /** Whether the line last staged cites a licence receipt. */
  cites = false;

  constructor(
    period: ReportPeriod,
    private readonly lineIds: RepeatWatch,
  ) {
    this.periodStart = dayNumber(period.periodStart);
    this.periodEnd = dayNumber(period.periodEnd);
  }

  /**
   * Stages src[start, end) (one line, without its newline) as the row numbered lineNo, or
   * answers false and writes nothing: the line takes the general path.
   */
  stage(src: Uint8Array, start: number, end: number, lineNo: number, out: CopyRows): boolean {
    if (end > start && src[end - 1] === CR) end--;
    if (!this.read(src, start, end) || !this.valid(src)) return false;
    this.write(src, lineNo, out);
    this.lineIds.seeAscii(src, this.starts[LINE_ID], this.ends[LINE_ID]);
    return true;
  }

  /** Splits `{"field":value,…}` into the fields' places; false for any other shape. */
  private read(src: Uint8Array, start: number, end: number): boolean {
    if (end - start < 2 || src[start] !== OPEN || src[end - 1] !== CLOSE) return false;
    const starts = this.starts;
    const ends = this.ends;
    let present = 0;
    let numbers = 0;
    let at = start + 1;
    for (;;) {
      if (src[at] !== QUOTE) return false;
      let keyEnd = at + 1;
      while (keyEnd < end && src[keyEnd] !== QUOTE) keyEnd++;
      const field = fieldAt(src, at + 1, keyEnd);
      if (field === -1 || (present & (1 << field)) !== 0 || src[keyEnd + 1] !== COLON) {
        return false;
      }
      at = keyEnd + 2;
      const first = src[at];
      if (first === QUOTE) {
        let close = at + 1;
        for (; close < end; close++) {
          const c = src[close];
          if (c === QUOTE) break;
          if (c < SPACE || c === BACKSLASH || c > TILDE) return false;
        }
        if (close >= end) return false;
        starts[field] = at + 1;
        ends[field] = close;
        at = close + 1;
      } else if (first >= DIGIT_0 && first <= DIGIT_9) {
        let digitsEnd = at + 1;
        while (digitsEnd < end && src[digitsEnd] >= DIGIT_0 && src[digitsEnd] <= DIGIT_9) {
          digitsEnd++;
        }
        starts[field] = at;
        ends[field] = digitsEnd;
        numbers |= 1 << field;
        at = digitsEnd;
      } else {
        return false;
      }
      present |= 1 << field;
      if (src[at] === COMMA) {
        at++;
      } else {
        this.present = present;
        this.numbers = numbers;
        return at === end - 1;
      }
    }
  }

  /** validateUsageLine's checks, on the fields' bytes. */
  private valid(src: Uint8Array): boolean {
    const present = this.present;
    const starts = this.starts;
    const ends = this.ends;
    // Every field but units and revenue must be a string.
    if ((this.numbers & ~(bit(UNITS) | bit(REVENUE))) !== 0) return false;
    if ((present & REQUIRED) !== REQUIRED) return false;

    const idLength = ends[LINE_ID] - starts[LINE_ID];
    if (idLength === 0 || idLength > TEXT_MAX || allSpaces(src, starts[LINE_ID], ends[LINE_ID])) {
      return false;
    }
    if (!oneOf(src, starts[USAGE], ends[USAGE], USAGE_BYTES)) return false;
    if (!oneOf(src, starts[UNIT], ends[UNIT], UNIT_BYTES)) return false;
    if (!isCount(src, starts[UNITS], ends[UNITS])) return false;
    if ((present & bit(REVENUE)) !== 0 && !isCount(src, starts[REVENUE], ends[REVENUE])) {
      return false;
    }
    if ((present & bit(AGREEMENT_ID)) !== 0 && !isId(src, starts[AGREEMENT_ID], ends[AGREEMENT_ID]))
      return false;
    if ((present & bit(MODEL)) !== 0 && ends[MODEL] - starts[MODEL] > TEXT_MAX) return false;
    if ((present & bit(TERRITORY)) !== 0 && !isTerritory(src, starts[TERRITORY], ends[TERRITORY])) {
      return false;
    }
    if ((present & bit(OCCURRED_ON)) !== 0) {
      const day = calendarDay(src, starts[OCCURRED_ON], ends[OCCURRED_ON]);
      if (day === -1 || day < this.periodStart || day > this.periodEnd) return false;
    }
    this.receiptDay = null;
    if ((present & bit(RECEIPT_ID)) !== 0) {
      const day = receiptIdDay(src, starts[RECEIPT_ID], ends[RECEIPT_ID]);
      if (day === null) return false;
      // An undated line is dated by its receipt (validateUsageLine's rule).
      if ((present & bit(OCCURRED_ON)) === 0) {
        if (day.number < this.periodStart || day.number > this.periodEnd) return false;
        this.receiptDay = day.text;
      }
    }

    const work = present & WORK_FIELDS;
    if (work === bit(WORK_ID)) {
      if (!isId(src, starts[WORK_ID], ends[WORK_ID])) return false;
      this.work = WorkForm.WorkId;
    } else if (work === bit(SHA256)) {
      if (!isHex(src, starts[SHA256], ends[SHA256], 64)) return false;
      this.work = WorkForm.Sha256;
    } else if (work === bit(IDENTIFIER)) {
      const s = starts[IDENTIFIER];
      const e = ends[IDENTIFIER];
      if (startsWith(src, s, e, ISBN_PREFIX) && isIsbn13(src, s + ISBN_PREFIX.length, e)) {
        this.work = WorkForm.Isbn;
      } else if (startsWith(src, s, e, SHA256_PREFIX) && isHex(src, s + 7, e, 64)) {
        this.work = WorkForm.Sha256Identifier;
      } else {
        return false;
      }
    } else {
      return false;
    }
    this.units = digitsValue(src, starts[UNITS], ends[UNITS]);
    this.cites = (present & bit(RECEIPT_ID)) !== 0;
    return true;
  }

  /** The row stageLines writes for the same line (validRow), as bytes. */
  private write(src: Uint8Array, lineNo: number, out: CopyRows): void {
    const starts = this.starts;
    const ends = this.ends;
    const present = this.present;
    out.room(MAX_ROW);
    const o = out.buf;
    let p = writeNumber(o, out.pos, lineNo);
    o[p++] = TAB;
    p = copy(src, starts[LINE_ID], ends[LINE_ID], o, p);
    o[p++] = TAB;
    const ws = starts[WORK_FIELD[this.work]];
    const we = ends[WORK_FIELD[this.work]];
    switch (this.work) {
      case WorkForm.WorkId: // work_id, scheme, value, work_ref
        p = copyLower(src, ws, we, o, p);
        p = copy(NULLS_2, 0, NULLS_2.length, o, p);
        p = copy(WORK_ID_REF, 0, WORK_ID_REF.length, o, p);
        p = copy(src, ws, we, o, p);
        break;
      case WorkForm.Isbn:
        p = copy(NULL_ISBN, 0, NULL_ISBN.length, o, p);
        p = copy(src, ws + ISBN_PREFIX.length, we, o, p);
        o[p++] = TAB;
        p = copy(src, ws, we, o, p);
        break;
      case WorkForm.Sha256:
      case WorkForm.Sha256Identifier: {
        // The `sha256` field's work_ref gets the `sha256:` an identifier already has.
        const field = this.work === WorkForm.Sha256;
        p = copy(NULL_SHA256, 0, NULL_SHA256.length, o, p);
        p = copyLower(src, field ? ws : ws + SHA256_PREFIX.length, we, o, p);
        o[p++] = TAB;
        if (field) p = copy(SHA256_PREFIX, 0, SHA256_PREFIX.length, o, p);
        p = copy(src, ws, we, o, p);
        break;
      }
    }
    for (const field of REQUIRED_AFTER_WORK) {
      o[p++] = TAB;
      p = copy(src, starts[field], ends[field], o, p);
    }
    for (const field of OPTIONAL) {
      o[p++] = TAB;
      if (field === OCCURRED_ON && this.receiptDay !== null) {
        p = copy(this.receiptDay, 0, this.receiptDay.length, o, p);
      } else if ((present & bit(field)) === 0) {
        o[p++] = BACKSLASH;
        o[p++] = N;
      } else if (field === AGREEMENT_ID) {
        p = copyLower(src, starts[field], ends[field], o, p);
      } else {
        p = copy(src, starts[field], ends[field], o, p);
      }
    }
    // invalid_reason: none.
    o[p++] = TAB;
    o[p++] = BACKSLASH;
    o[p++] = N;
    o[p++] = NEWLINE;
    out.pos = p;
  }
}

/** How the line names its work. */
const WorkForm = { WorkId: 0, Isbn: 1, Sha256: 2, Sha256Identifier: 3 } as const;

const FIELD_COUNT = USAGE_LINE_FIELDS.length;
const FIELD_BYTES = USAGE_LINE_FIELDS.map((name) => Buffer.from(name, 'latin1'));
/** Indexes into USAGE_LINE_FIELDS. */
const [LINE_ID, WORK_ID, IDENTIFIER, URL, SHA256, USAGE, UNITS, UNIT] = [0, 1, 2, 3, 4, 5, 6, 7];
const [AGREEMENT_ID, MODEL, TERRITORY, OCCURRED_ON, REVENUE, RECEIPT_ID] = [8, 9, 10, 11, 12, 13];
/** Which field holds the work, by WorkForm. */
const WORK_FIELD = [WORK_ID, IDENTIFIER, SHA256, IDENTIFIER];
/** The staging columns after the work's, in order: required, then optional. */
const REQUIRED_AFTER_WORK = [USAGE, UNIT, UNITS];
const OPTIONAL = [AGREEMENT_ID, MODEL, TERRITORY, OCCURRED_ON, REVENUE, RECEIPT_ID];
const bit = (field: number) => 1 << field;
const REQUIRED = bit(LINE_ID) | bit(USAGE) | bit(UNIT) | bit(UNITS);
const WORK_FIELDS = bit(WORK_ID) | bit(IDENTIFIER) | bit(URL) | bit(SHA256);

const USAGE_BYTES = RSL_USAGES.map((usage) => Buffer.from(usage, 'latin1'));
const UNIT_BYTES = RATE_UNITS.map((unit) => Buffer.from(unit, 'latin1'));
const ISBN_PREFIX = Buffer.from('isbn:', 'latin1');
const SHA256_PREFIX = Buffer.from('sha256:', 'latin1');
const WORK_ID_REF = Buffer.from('workId:', 'latin1');
const NULLS_2 = Buffer.from('\t\\N\t\\N\t', 'latin1');
const NULL_ISBN = Buffer.from('\\N\tisbn\t', 'latin1');
const NULL_SHA256 = Buffer.from('\\N\tsha256\t', 'latin1');
/** A fast-path row's longest: every field at its longest, with tabs and the line number. */
const MAX_ROW = 1024;

const OPEN = 0x7b; // {
const CLOSE = 0x7d; // }
const QUOTE = 0x22;
const COLON = 0x3a;
const COMMA = 0x2c;
const BACKSLASH = 0x5c;
const SPACE = 0x20;
const TILDE = 0x7e;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const TAB = 0x09;
const NEWLINE = 0x0a;
const CR = 0x0d;
const N = 0x4e;

/** A key's slot in FIELD_BY_KEY: its length, first and last byte (distinct for every field). */
const keySlot = (length: number, first: number, last: number) =>
  (length * 31 + first * 7 + last) & 1023;
const FIELD_BY_KEY = new Int8Array(1024).fill(-1);
FIELD_BYTES.forEach((name, field) => {
  const slot = keySlot(name.length, name[0], name[name.length - 1]);
  if (FIELD_BY_KEY[slot] !== -1)
    throw new Error(`usage line fields ${field} and ${FIELD_BY_KEY[slot]} share a key slot`);
  FIELD_BY_KEY[slot] = field;
});

/** The USAGE_LINE_FIELDS index of the key src[start, end), or -1. */
function fieldAt(src: Uint8Array, start: number, end: number): number {
  if (end <= start) return -1;
  const field = FIELD_BY_KEY[keySlot(end - start, src[start], src[end - 1])];
  if (field === -1) return -1;
  const name = FIELD_BYTES[field];
  return name.length === end - start && startsWith(src, start, end, name) ? field : -1;
}

function copy(src: Uint8Array, start: number, end: number, o: Uint8Array, p: number): number {
  for (let i = start; i < end; i++) o[p++] = src[i];
  return p;
}

function copyLower(src: Uint8Array, start: number, end: number, o: Uint8Array, p: number): number {
  for (let i = start; i < end; i++) {
    const c = src[i];
    o[p++] = c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
  }
  return p;
}

function writeNumber(o: Uint8Array, p: number, value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits++;
  let q = p + digits;
  const end = q;
  do {
    o[--q] = DIGIT_0 + (value % 10);
    value = Math.floor(value / 10);
  } while (value > 0);
  return end;
}
