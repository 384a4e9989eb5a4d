import { decodeCursor, encodeCursor } from './page';

describe('cursors', () => {
  it('round-trips an id and stays opaque', () => {
    const id = '019abc3e-7d1a-7b3c-9a51-2f4e5d6c7b8a';
    const cursor = encodeCursor(id);
    expect(cursor).not.toContain(id);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor)).toBe(id);
  });

  it('refuses a cursor this API did not give out', () => {
    expect(() => decodeCursor('garbage')).toThrow('The cursor is not one this API gave out');
    expect(() => decodeCursor(Buffer.from("1' OR '1'='1").toString('base64url'))).toThrow();
  });
});
