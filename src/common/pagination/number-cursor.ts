import { BadRequest } from '../errors/domain-error';

/**
 * A cursor over a sequence number (a work's version, an import's line): the number after a tag
 * letter, base64url. Opaque to clients like the id cursors of `page.ts`.
 */
export function encodeNumberCursor(tag: string, value: number): string {
  return Buffer.from(`${tag}${value}`).toString('base64url');
}

/** The number, or 400 invalid-cursor when the cursor is not one `encodeNumberCursor(tag)` gave. */
export function decodeNumberCursor(tag: string, maxDigits: number, cursor: string): number {
  const match = new RegExp(`^${tag}(\\d{1,${maxDigits}})$`).exec(
    Buffer.from(cursor, 'base64url').toString(),
  );
  if (!match) {
    throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  }
  return Number(match[1]);
}
