import { countOf, describePost, describeRate, formatBps, formatElapsed } from './royalty-figures';

describe('the confirmation before posting a run', () => {
  it('restates one currency in figures', () => {
    expect(
      describePost(
        {
          periodStart: '2027-06-01',
          periodEnd: '2027-06-30',
          summary: {
            statements: 4,
            byCurrency: [{ currency: 'EUR', invoices: 3, invoiced: 1800000, commission: 180000 }],
          },
        },
        'en-GB',
      ),
    ).toBe(
      'Post run June 2027: 3 invoices, EUR\u00a018,000.00; 4 statements; commission EUR\u00a01,800.00',
    );
  });

  it('names each currency where several meet, exactly past 2^53', () => {
    expect(
      describePost(
        {
          periodStart: '2027-06-01',
          periodEnd: '2027-06-15',
          summary: {
            statements: 1,
            byCurrency: [
              { currency: 'EUR', invoices: 1, invoiced: '900719925474099312', commission: 5 },
              { currency: 'JPY', invoices: 2, invoiced: 1500, commission: 150 },
              { currency: 'USD', invoices: 1, invoiced: 1, commission: 0 },
            ],
          },
        },
        'en-GB',
      ),
    ).toBe(
      'Post run 2027-06-01 – 2027-06-15: 1 invoice, EUR\u00a09,007,199,254,740,993.12, ' +
        '2 invoices, JPY\u00a01,500 and 1 invoice, USD\u00a00.01; 1 statement; ' +
        'commission EUR\u00a00.05, JPY\u00a0150 and USD\u00a00.00',
    );
  });

  it('says so when the run invoiced nothing', () => {
    expect(
      describePost({
        periodStart: '2027-07-01',
        periodEnd: '2027-07-31',
        summary: { statements: 0, byCurrency: [] },
      }),
    ).toBe('Post run July 2027: no invoices; 0 statements');
  });
});

describe('rates, shares and counts in words', () => {
  it('shows a per-unit rate as given, with its unit and per', () => {
    expect(describeRate({ kind: 'per-unit', unit: 'token', rate: '0.0125', per: 1000 })).toBe(
      '0.0125 per 1,000 tokens',
    );
    expect(describeRate({ kind: 'per-unit-adjustment', unit: 'request', rate: '2', per: 1 })).toBe(
      '2 per request',
    );
    expect(describeRate({ kind: 'revenue-share', unit: null, rate: '1500', per: 10000 })).toBe(
      '1500 bps of revenue',
    );
    expect(describeRate({ kind: 'flat-fee', unit: null, rate: null, per: null })).toBeNull();
  });

  it('turns bps into an exact percentage', () => {
    expect(formatBps(1000)).toBe('10.00 %');
    expect(formatBps(3333)).toBe('33.33 %');
    expect(formatBps(5)).toBe('0.05 %');
    expect(formatBps(10000)).toBe('100.00 %');
    expect(formatBps(-250)).toBe('-2.50 %');
    expect(() => formatBps(1.5)).toThrow(RangeError);
  });

  it('counts with the right noun and shows elapsed time as a clock', () => {
    expect(countOf(1, 'invoice')).toBe('1 invoice');
    expect(countOf(1200, 'statement')).toBe('1,200 statements');
    expect(formatElapsed(999)).toBe('0:00');
    expect(formatElapsed(65_000)).toBe('1:05');
    expect(formatElapsed(3_723_000)).toBe('1:02:03');
    expect(formatElapsed(-5)).toBe('0:00');
  });
});
