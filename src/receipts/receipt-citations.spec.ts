import { createHash, createHmac } from 'node:crypto';
import { hmacPads, receiptRefusal } from './receipt-citations';

const sha256 = (...parts: Buffer[]) => createHash('sha256').update(Buffer.concat(parts)).digest();

describe('receipt citations in SQL', () => {
  it("pads a secret so that sha256(outer ‖ sha256(inner ‖ m)) is RFC 2104's HMAC-SHA-256", () => {
    for (const secret of [Buffer.alloc(32, 0xa5), Buffer.from('k'), Buffer.alloc(64, 1)]) {
      const { inner, outer } = hmacPads(secret);
      expect([inner.length, outer.length]).toEqual([64, 64]);
      const message = Buffer.from('A\nlicensee\nwork\nai-train\n2027-06-09\nagreement\n1');
      expect(sha256(outer, sha256(inner, message))).toEqual(
        createHmac('sha256', secret).update(message).digest(),
      );
    }
    expect(() => hmacPads(Buffer.alloc(65))).toThrow('at most 64 bytes');
  });

  it('checks the whole subject first, and words a refusal only when it fails', () => {
    const sql = receiptRefusal({
      bytes: 'b',
      licensee: 'l',
      work: 'w',
      usage: 'u',
      day: 'd',
      agreement: 'a',
      version: 'v',
    });
    const order = [
      "THEN 'receipt-malformed'",
      'THEN NULL',
      "THEN 'receipt-not-licensee'",
      "THEN 'receipt-other-work'",
      "THEN 'receipt-other-usage'",
      "THEN 'receipt-other-day'",
      "ELSE 'receipt-other-agreement'",
    ].map((branch) => sql.indexOf(branch));
    expect(order.every((at, i) => at > (i === 0 ? -1 : order[i - 1]))).toBe(true);
  });
});
