import { isCalendarDate } from '../common/validation/calendar-date';
import { isCountryCode } from '../common/validation/iso-codes';
import { RECEIPT_ID_LENGTH, RECEIPT_ID_PREFIX } from '../receipts/receipt-id';

/**
 * validateUsageLine's checks, made on a line's bytes where they arrived (src[start, end): a
 * field's value, without quotes) for UsageLineBytes: no string is made unless a check must ask
 * Intl, and then once per distinct value.
 */

const SPACE = 0x20;
const DIGIT_0 = 0x30;
const DIGIT_9 = 0x39;
const DASH = 0x2d;

export function startsWith(
  src: Uint8Array,
  start: number,
  end: number,
  prefix: Uint8Array,
): boolean {
  if (end - start < prefix.length) return false;
  for (let i = 0; i < prefix.length; i++) if (src[start + i] !== prefix[i]) return false;
  return true;
}

export function oneOf(src: Uint8Array, start: number, end: number, choices: Uint8Array[]): boolean {
  for (const choice of choices) {
    if (choice.length === end - start && startsWith(src, start, end, choice)) return true;
  }
  return false;
}

export function allSpaces(src: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (src[i] !== SPACE) return false;
  return true;
}

/** 1 to 15 digits, no leading zero (a number or a string: validateUsageLine takes both). */
export function isCount(src: Uint8Array, start: number, end: number): boolean {
  const length = end - start;
  if (length === 0 || length > 15 || (src[start] === DIGIT_0 && length > 1)) return false;
  for (let i = start; i < end; i++) if (src[i] < DIGIT_0 || src[i] > DIGIT_9) return false;
  return true;
}

export function digitsValue(src: Uint8Array, start: number, end: number): number {
  let value = 0;
  for (let i = start; i < end; i++) value = value * 10 + (src[i] - DIGIT_0);
  return value;
}

function isHexDigit(c: number): boolean {
  return (c >= DIGIT_0 && c <= DIGIT_9) || ((c | 0x20) >= 0x61 && (c | 0x20) <= 0x66);
}

export function isHex(src: Uint8Array, start: number, end: number, length: number): boolean {
  if (end - start !== length) return false;
  for (let i = start; i < end; i++) if (!isHexDigit(src[i])) return false;
  return true;
}

/** A UUID (8-4-4-4-12 hex, any case) that is not the nil UUID. */
export function isId(src: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 36) return false;
  let nil = true;
  for (let i = 0; i < 36; i++) {
    const c = src[start + i];
    if (i === 8 || i === 13 || i === 18 || i === 23) {
      if (c !== DASH) return false;
    } else {
      if (!isHexDigit(c)) return false;
      if (c !== DIGIT_0) nil = false;
    }
  }
  return !nil;
}

/** 13 digits starting 978 or 979 with a right check digit (normalizeIsbn's ISBN-13). */
export function isIsbn13(src: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 13 || src[start] !== 0x39 || src[start + 1] !== 0x37) return false;
  if (src[start + 2] !== 0x38 && src[start + 2] !== 0x39) return false;
  let sum = 0;
  for (let i = 0; i < 13; i++) {
    const d = src[start + i] - DIGIT_0;
    if (d < 0 || d > 9) return false;
    if (i < 12) sum += d * (i % 2 === 0 ? 1 : 3);
  }
  return src[start + 12] - DIGIT_0 === (10 - (sum % 10)) % 10;
}

/** isCountryCode by the code's two capitals, remembered (it asks Intl). */
const territories = new Int8Array(26 * 26).fill(-1);
export function isTerritory(src: Uint8Array, start: number, end: number): boolean {
  if (end - start !== 2) return false;
  const a = src[start] - 0x41;
  const b = src[start + 1] - 0x41;
  if (a < 0 || a > 25 || b < 0 || b > 25) return false;
  const slot = a * 26 + b;
  if (territories[slot] === -1) {
    territories[slot] = isCountryCode(String.fromCharCode(a + 0x41, b + 0x41)) ? 1 : 0;
  }
  return territories[slot] === 1;
}

/** YYYY-MM-DD as the number YYYYMMDD when it is a calendar date, else -1. */
const calendarDays = new Map<number, boolean>();
export function calendarDay(src: Uint8Array, start: number, end: number): number {
  if (end - start !== 10 || src[start + 4] !== DASH || src[start + 7] !== DASH) return -1;
  let day = 0;
  for (let i = start; i < end; i++) {
    if (i === start + 4 || i === start + 7) continue;
    const d = src[i] - DIGIT_0;
    if (d < 0 || d > 9) return -1;
    day = day * 10 + d;
  }
  let known = calendarDays.get(day);
  if (known === undefined) {
    if (calendarDays.size >= 400) calendarDays.clear();
    known = isCalendarDate(String.fromCharCode(...src.subarray(start, end)));
    calendarDays.set(day, known);
  }
  return known ? day : -1;
}

/** A period bound, YYYY-MM-DD, as YYYYMMDD. */
export function dayNumber(date: string): number {
  return Number(date.replace(/-/g, ''));
}

const BASE64URL = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  .split('')
  .forEach((c, i) => (BASE64URL[c.charCodeAt(0)] = i));
const RECEIPT_PREFIX = Buffer.from(RECEIPT_ID_PREFIX, 'latin1');
const DAY_MS = 86_400_000;
/** Receipt days seen, by days since 1970-01-01: YYYYMMDD and the date's bytes. */
const receiptDays = new Map<number, { number: number; text: Uint8Array }>();

/**
 * The day a receipt id names (receipt-id.ts's receiptIdDay, on bytes), or null when the bytes
 * are not an id's form: `rcpt_`, 34 base64url characters, the last one's 4 unused bits zero.
 */
export function receiptIdDay(
  src: Uint8Array,
  start: number,
  end: number,
): { number: number; text: Uint8Array } | null {
  if (end - start !== RECEIPT_ID_LENGTH || !startsWith(src, start, end, RECEIPT_PREFIX)) {
    return null;
  }
  const body = start + RECEIPT_PREFIX.length;
  for (let i = body; i < end; i++) {
    if (src[i] > 127 || BASE64URL[src[i]] === -1) return null;
  }
  if ((BASE64URL[src[end - 1]] & 0x0f) !== 0) return null;
  // Bytes 1 and 2 of the id (the day) are in its characters 1 to 3.
  const c1 = BASE64URL[src[body + 1]];
  const c2 = BASE64URL[src[body + 2]];
  const c3 = BASE64URL[src[body + 3]];
  const days = (((c1 & 0x0f) << 4) | (c2 >> 2)) * 256 + (((c2 & 0x03) << 6) | c3);
  let day = receiptDays.get(days);
  if (day === undefined) {
    if (receiptDays.size >= 400) receiptDays.clear();
    const text = new Date(days * DAY_MS).toISOString().slice(0, 10);
    day = { number: dayNumber(text), text: Buffer.from(text, 'latin1') };
    receiptDays.set(days, day);
  }
  return day;
}
