import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import {
  RECEIPT_ID_LENGTH,
  receiptId,
  receiptIdDay,
  receiptIdVersion,
  receiptMismatch,
  ReceiptSubject,
} from './receipt-id';

const SECRET = Buffer.from('0123456789abcdef0123456789abcdef');
const OTHER_SECRET = Buffer.from('fedcba9876543210fedcba9876543210');
const SECRETS = new Map([[1, SECRET]]);

const SUBJECT: ReceiptSubject = {
  licenseeId: '019abc3e-0000-7000-8000-000000000001',
  workId: '019abc3e-0000-7000-8000-0000000000aa',
  usage: 'ai-train',
  day: '2027-06-15',
  agreementId: '019abc3e-0000-7000-8000-0000000000bb',
  agreementVersion: 2,
};

/** The id worked out by hand from the layout in receipt-id.ts, not with its code. */
function expectedId(secret: Buffer, version: number, s: ReceiptSubject): string {
  const mac = (bytes: number, text: string) =>
    createHmac('sha256', secret).update(text).digest().subarray(0, bytes);
  const [year, month, date] = s.day.split('-').map(Number);
  const days = (Date.UTC(year, month - 1, date) - Date.UTC(1970, 0, 1)) / 86_400_000;
  return (
    'rcpt_' +
    Buffer.concat([
      Buffer.from([version, days >> 8, days & 0xff]),
      mac(4, `L\n${s.licenseeId}`),
      mac(4, `W\n${s.licenseeId}\n${s.workId}`),
      mac(4, `U\n${s.licenseeId}\n${s.workId}\n${s.usage}`),
      mac(
        10,
        `A\n${s.licenseeId}\n${s.workId}\n${s.usage}\n${s.day}\n${s.agreementId}\n${s.agreementVersion}`,
      ),
    ]).toString('base64url')
  );
}

describe('receipt ids', () => {
  it('are the layout of docs/LICENSING.md: version, day, then the four tags', () => {
    const id = receiptId(SECRET, 1, SUBJECT);
    expect(id).toBe(expectedId(SECRET, 1, SUBJECT));
    expect(id).toHaveLength(39);
    expect(RECEIPT_ID_LENGTH).toBe(39);
    expect(receiptIdDay(id)).toBe('2027-06-15');
    expect(receiptMismatch(SECRETS, id, SUBJECT)).toBeNull();
  });

  it('tell the version of the secret that made them', () => {
    expect(receiptIdVersion(receiptId(SECRET, 7, SUBJECT))).toBe(7);
    expect(receiptIdVersion(receiptId(SECRET, 255, SUBJECT))).toBe(255);
    expect(receiptIdVersion('rcpt_short')).toBeNull();
  });

  it('say which field of the line disagrees', () => {
    const id = receiptId(SECRET, 1, SUBJECT);
    const other = (change: Partial<ReceiptSubject>) =>
      receiptMismatch(SECRETS, id, { ...SUBJECT, ...change });
    expect(other({ licenseeId: '019abc3e-0000-7000-8000-000000000002' })).toBe(
      'receipt-not-licensee',
    );
    expect(other({ workId: '019abc3e-0000-7000-8000-0000000000ab' })).toBe('receipt-other-work');
    expect(other({ usage: 'ai-input' })).toBe('receipt-other-usage');
    expect(other({ day: '2027-06-16' })).toBe('receipt-other-day');
    expect(other({ agreementVersion: 1 })).toBe('receipt-other-agreement');
    expect(other({ agreementId: '019abc3e-0000-7000-8000-0000000000bc' })).toBe(
      'receipt-other-agreement',
    );
  });

  it('made with another secret, or an unknown version of it, are not receipts of this service', () => {
    expect(receiptMismatch(SECRETS, receiptId(OTHER_SECRET, 1, SUBJECT), SUBJECT)).toBe(
      'receipt-not-licensee',
    );
    expect(receiptMismatch(SECRETS, receiptId(SECRET, 2, SUBJECT), SUBJECT)).toBe(
      'receipt-malformed',
    );
  });

  it('refuse what is not an id: length, prefix, alphabet, a non-canonical spelling', () => {
    const id = receiptId(SECRET, 1, SUBJECT);
    for (const bad of [
      '',
      id.slice(0, -1),
      `${id}A`,
      `rcpx_${id.slice(5)}`,
      `${id.slice(0, -1)}=`,
      `${id.slice(0, -1)}+`,
    ]) {
      expect(receiptMismatch(SECRETS, bad, SUBJECT)).toBe('receipt-malformed');
      expect(receiptIdDay(bad)).toBeNull();
    }
    // 25 bytes leave 4 spare bits in the last character: a spelling with them set is refused.
    const last = id.at(-1)!;
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const sibling = id.slice(0, -1) + alphabet[alphabet.indexOf(last) ^ 1];
    expect(receiptMismatch(SECRETS, sibling, SUBJECT)).toBe('receipt-malformed');
  });

  it('any one field changed is caught, and named by the first layer it touches', () => {
    const uuid = fc.uuid();
    const day = fc
      .integer({ min: 0, max: 40_000 })
      .map((n) => new Date(Date.UTC(2000, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
    const subject = fc.record({
      licenseeId: uuid,
      workId: uuid,
      usage: fc.constantFrom('ai-train', 'ai-input', 'search', 'x-acme:finetune'),
      day,
      agreementId: uuid,
      agreementVersion: fc.integer({ min: 1, max: 500 }),
    });
    const order: [keyof ReceiptSubject, string][] = [
      ['licenseeId', 'receipt-not-licensee'],
      ['workId', 'receipt-other-work'],
      ['usage', 'receipt-other-usage'],
      ['day', 'receipt-other-day'],
      ['agreementId', 'receipt-other-agreement'],
      ['agreementVersion', 'receipt-other-agreement'],
    ];
    fc.assert(
      fc.property(subject, subject, (given, line) => {
        const id = receiptId(SECRET, 1, given);
        expect(id).toBe(expectedId(SECRET, 1, given));
        const first = order.find(([field]) => given[field] !== line[field]);
        expect(receiptMismatch(SECRETS, id, line)).toBe(first ? first[1] : null);
        expect(receiptMismatch(SECRETS, id, given)).toBeNull();
      }),
    );
  });
});
