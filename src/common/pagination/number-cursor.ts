import { BadRequest } from '../errors/domain-error';

/**
 * A cursor over a sequence number (a work's version, an import's or a statement's line, a
 * report's issue, a ledger account's entry): the number after a tag letter, base64url. Opaque to
 * clients like the id cursors of `page.ts`.
 */
export function encodeNumberCursor(tag: string, value: number | string): string {
  return Buffer.from(`${tag}${value}`).toString('base64url');
}

/** 400 invalid-cursor: a cursor this API did not give out. */
export function invalidCursor(): BadRequest {
  return new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
    errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
  });
}

/**
 * The digits `encodeNumberCursor(tag)` wrapped, as text (a bigint sequence keeps every digit),
 * or 400 invalid-cursor.
 */
export function decodeDigitsCursor(tag: string, maxDigits: number, cursor: string): string {
  const match = new RegExp(`^${tag}(\\d{1,${maxDigits}})$`).exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!match) throw invalidCursor();
  return match[1];
}

/** The number, or 400 invalid-cursor when the cursor is not one `encodeNumberCursor(tag)` gave. */
export function decodeNumberCursor(tag: string, maxDigits: number, cursor: string): number {
  return Number(decodeDigitsCursor(tag, maxDigits, cursor));
}
