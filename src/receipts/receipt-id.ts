import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A licence receipt's id: what a usage line cites, recomputed from the line when it is matched,
 * so the service tells a genuine id from a forged one without storing a row per licence check.
 *
 * The id is `rcpt_` and 25 bytes in base64url (34 characters):
 *
 *   [0]      the version of the id secret that made it (1–255)
 *   [1..2]   the day, as days since 1970-01-01 (big-endian), in clear: it dates an undated line
 *   [3..6]   HMAC(secret, "L" licensee)                                   — whose receipt
 *   [7..10]  HMAC(secret, "W" licensee work)                              — which work
 *   [11..14] HMAC(secret, "U" licensee work usage)                        — which use
 *   [15..24] HMAC(secret, "A" licensee work usage day agreement version)  — the whole subject
 *
 * Each tag is a prefix of an HMAC-SHA-256 over the fields joined by "\n" (none of them can hold
 * one). The layers let a mismatch say what disagrees: a line citing a receipt its licensee was
 * never given (another licensee's, or made up) fails the first tag; one for another work, use,
 * day or agreement version fails a later one. Forging a valid id means guessing 192 bits of MAC.
 */
export interface ReceiptSubject {
  licenseeId: string;
  workId: string;
  usage: string;
  /** `YYYY-MM-DD`, the day of use the receipt is for. */
  day: string;
  agreementId: string;
  agreementVersion: number;
}

export const RECEIPT_ID_PREFIX = 'rcpt_';
const BYTES = 25;
export const RECEIPT_ID_LENGTH = RECEIPT_ID_PREFIX.length + Math.ceil((BYTES * 8) / 6);
const DAY_MS = 86_400_000;

/** Why a cited receipt id does not stand for the line citing it (null: it does). */
export type ReceiptMismatch =
  /** Not an id this service makes (wrong length, alphabet or secret version). */
  | 'receipt-malformed'
  /** Never given to this licensee: another licensee's receipt, or a made-up one. */
  | 'receipt-not-licensee'
  | 'receipt-other-work'
  | 'receipt-other-usage'
  | 'receipt-other-day'
  /** The same work, use and day under another agreement or version (or a tampered id). */
  | 'receipt-other-agreement';

function tag(secret: Buffer, bytes: number, ...fields: string[]): Buffer {
  return createHmac('sha256', secret).update(fields.join('\n')).digest().subarray(0, bytes);
}

function dayNumber(day: string): number {
  return Math.round(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
}

/** The day a receipt id names (`YYYY-MM-DD`), or null when it is not a well-formed id. */
export function receiptIdDay(id: string): string | null {
  const bytes = decode(id);
  if (!bytes) return null;
  return new Date(bytes.readUInt16BE(1) * DAY_MS).toISOString().slice(0, 10);
}

/** The version of the secret a well-formed id was made with. */
export function receiptIdVersion(id: string): number | null {
  return decode(id)?.[0] ?? null;
}

function decode(id: string): Buffer | null {
  if (id.length !== RECEIPT_ID_LENGTH || !id.startsWith(RECEIPT_ID_PREFIX)) return null;
  const body = id.slice(RECEIPT_ID_PREFIX.length);
  if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
  const bytes = Buffer.from(body, 'base64url');
  // Only the canonical spelling: trailing bits that base64url ignores must be zero.
  return bytes.length === BYTES && bytes.toString('base64url') === body ? bytes : null;
}

function tags(secret: Buffer, subject: ReceiptSubject): Buffer[] {
  const { licenseeId, workId, usage, day, agreementId, agreementVersion } = subject;
  return [
    tag(secret, 4, 'L', licenseeId),
    tag(secret, 4, 'W', licenseeId, workId),
    tag(secret, 4, 'U', licenseeId, workId, usage),
    tag(secret, 10, 'A', licenseeId, workId, usage, day, agreementId, String(agreementVersion)),
  ];
}

/** The id of the receipt for `subject`, made with secret `version`. */
export function receiptId(secret: Buffer, version: number, subject: ReceiptSubject): string {
  const head = Buffer.alloc(3);
  head.writeUInt8(version, 0);
  head.writeUInt16BE(dayNumber(subject.day), 1);
  return RECEIPT_ID_PREFIX + Buffer.concat([head, ...tags(secret, subject)]).toString('base64url');
}

/**
 * Whether `id` is the receipt for `subject` (null) or what disagrees. `secrets` are the id
 * secrets by version (every version ever used: old receipts stay checkable).
 */
export function receiptMismatch(
  secrets: ReadonlyMap<number, Buffer>,
  id: string,
  subject: ReceiptSubject,
): ReceiptMismatch | null {
  const bytes = decode(id);
  const secret = bytes && secrets.get(bytes[0]);
  if (!bytes || !secret) return 'receipt-malformed';
  const [licensee, work, usage, whole] = tags(secret, subject);
  if (!timingSafeEqual(licensee, bytes.subarray(3, 7))) return 'receipt-not-licensee';
  if (!timingSafeEqual(work, bytes.subarray(7, 11))) return 'receipt-other-work';
  if (!timingSafeEqual(usage, bytes.subarray(11, 15))) return 'receipt-other-usage';
  if (bytes.readUInt16BE(1) !== dayNumber(subject.day)) return 'receipt-other-day';
  if (!timingSafeEqual(whole, bytes.subarray(15, 25))) return 'receipt-other-agreement';
  return null;
}
