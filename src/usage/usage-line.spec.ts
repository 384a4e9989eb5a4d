import { validateUsageLine } from './usage-line';

const period = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };
const line = (fields: Record<string, unknown>) => ({
  lineId: 'L1',
  identifier: 'isbn:978-0-306-40615-7',
  usage: 'ai-train',
  units: 12,
  unit: 'token',
  ...fields,
});

describe('validateUsageLine', () => {
  it('normalizes a valid line', () => {
    expect(validateUsageLine(line({ occurredOn: '2027-06-02', revenue: '40' }), period)).toEqual({
      ok: true,
      line: {
        lineId: 'L1',
        workId: null,
        scheme: 'isbn',
        value: '9780306406157',
        workRef: 'isbn:978-0-306-40615-7',
        usage: 'ai-train',
        unit: 'token',
        units: '12',
        agreementId: null,
        model: null,
        territory: null,
        occurredOn: '2027-06-02',
        revenue: '40',
        receiptId: null,
      },
    });
  });

  // An id's form, made by hand: version 1, the day as days since 1970, 22 bytes of tags.
  const receiptOn = (day: string, version = 1) => {
    const days = Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)) / 86_400_000;
    const bytes = Buffer.alloc(25, 0xab);
    bytes[0] = version;
    bytes[1] = days >> 8;
    bytes[2] = days & 0xff;
    return `rcpt_${bytes.toString('base64url')}`;
  };

  it("dates an undated line citing a receipt by the receipt's day, and keeps a dated line's date", () => {
    const id = receiptOn('2027-06-09');
    expect(id).toHaveLength(39);
    expect(validateUsageLine(line({ receiptId: id }), period)).toMatchObject({
      ok: true,
      line: { occurredOn: '2027-06-09', receiptId: id },
    });
    expect(
      validateUsageLine(line({ receiptId: id, occurredOn: '2027-06-20' }), period),
    ).toMatchObject({ ok: true, line: { occurredOn: '2027-06-20', receiptId: id } });
  });

  it.each([
    [{ receiptId: 'rcpt_' }, "receiptId must be a licence receipt's id"],
    [{ receiptId: receiptOn('2027-06-09').replace('rcpt_', 'rcpx_') }, 'receiptId must be'],
    [{ receiptId: `${receiptOn('2027-06-09').slice(0, 38)}B` }, 'receiptId must be'],
    [
      { receiptId: `${receiptOn('2027-06-09').slice(0, 10)}+${'A'.repeat(28)}` },
      'receiptId must be',
    ],
    [{ receiptId: 12 }, 'receiptId must be'],
    [
      { receiptId: receiptOn('2027-07-01') },
      "receiptId is for 2027-07-01, outside the report's period",
    ],
  ])('rejects the receipt id of %j', (fields, reason) => {
    const result = validateUsageLine(line(fields), period);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it.each([
    [{ workId: '0190b000-0000-7000-8000-000000051631' }, 'give exactly one of workId'],
    [{ identifier: undefined }, 'give exactly one of workId'],
    [{ colour: 'red' }, 'unknown field colour'],
    [{ occurredOn: '2027-02-30' }, 'occurredOn must be a date'],
    [{ occurredOn: '2027-07-01' }, "outside the report's period"],
    [{ units: -1 }, 'units must be a non-negative integer'],
    [{ agreementId: '00000000-0000-0000-0000-000000000000' }, 'not the nil UUID'],
    [{ identifier: undefined, workId: '00000000-0000-0000-0000-000000000000' }, 'not the nil UUID'],
    // Lone surrogates: PostgreSQL would store both as a\uFFFD, one lineId twice.
    [{ lineId: 'a\ud800' }, 'lineId must be well-formed'],
    [{ lineId: 'a\udc00' }, 'lineId must be well-formed'],
    [{ model: 'm\ud83d' }, 'model must be well-formed'],
  ])('rejects %j', (fields, reason) => {
    const result = validateUsageLine(line(fields), period);
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('takes a pair of surrogates (an emoji) in free text', () => {
    expect(
      validateUsageLine(line({ lineId: 'a\ud83d\ude00', model: '\ud83d\ude00' }), period).ok,
    ).toBe(true);
  });

  it('gives the same answer for a day however often it is asked', () => {
    for (let i = 0; i < 3; i++) {
      expect(validateUsageLine(line({ occurredOn: '2027-06-31' }), period).ok).toBe(false);
      expect(validateUsageLine(line({ occurredOn: '2027-06-30' }), period).ok).toBe(true);
    }
  });
});
