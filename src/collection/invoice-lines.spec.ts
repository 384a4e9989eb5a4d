import { invoiceLines } from './invoice-lines';

const june = { periodStart: '2027-06-01', periodEnd: '2027-06-30' };

describe('invoiceLines: one Stripe line per charge kind', () => {
  it('carries each kind’s sum, and they add up to the invoice', () => {
    const lines = invoiceLines({ amount: 53_973n, ...june }, [
      { kind: 'flat-fee', amount: 50_000n, charges: 1 },
      { kind: 'per-unit', amount: 4_473n, charges: 12 },
      { kind: 'per-unit-adjustment', amount: -500n, charges: 2 },
    ]);
    expect(lines).toEqual([
      {
        amount: 50_000,
        description: 'Flat fee, 2027-06-01 to 2027-06-30 (1 charge)',
        metadata: { chargeKind: 'flat-fee', charges: '1' },
      },
      {
        amount: 4_473,
        description: 'Usage royalties, 2027-06-01 to 2027-06-30 (12 charges)',
        metadata: { chargeKind: 'per-unit', charges: '12' },
      },
      {
        amount: -500,
        description: 'Usage restated from earlier periods, 2027-06-01 to 2027-06-30 (2 charges)',
        metadata: { chargeKind: 'per-unit-adjustment', charges: '2' },
      },
    ]);
  });

  it('adds a rounding line when the charges do not come to the amount, so Stripe’s total is it', () => {
    const lines = invoiceLines({ amount: 1_001n, ...june }, [
      { kind: 'per-unit', amount: 999n, charges: 3 },
    ]);
    expect(lines.map((l) => l.amount)).toEqual([999, 2]);
    expect(lines[1]).toEqual({
      amount: 2,
      description: 'Rounding, 2027-06-01 to 2027-06-30',
      metadata: { chargeKind: 'rounding', charges: '0' },
    });
  });

  it('names every kind of charge, and an unknown kind by itself', () => {
    const kinds = [
      'per-unit',
      'revenue-share',
      'flat-fee',
      'minimum-guarantee',
      'advance',
      'per-unit-adjustment',
      'revenue-share-adjustment',
      'x-new-kind',
    ];
    const lines = invoiceLines(
      { amount: 8n, ...june },
      kinds.map((kind) => ({ kind, amount: 1n, charges: 1 })),
    );
    expect(lines.map((l) => l.description.split(',')[0])).toEqual([
      'Usage royalties',
      'Revenue share',
      'Flat fee',
      'Minimum guarantee top-up',
      'Licence advance',
      'Usage restated from earlier periods',
      'Revenue share restated from earlier periods',
      'x-new-kind',
    ]);
  });

  it('leaves out kinds that sum to nothing', () => {
    const lines = invoiceLines({ amount: 700n, ...june }, [
      { kind: 'per-unit', amount: 700n, charges: 2 },
      { kind: 'revenue-share', amount: 0n, charges: 1 },
    ]);
    expect(lines).toHaveLength(1);
  });

  it('refuses an amount Stripe cannot carry as an integer', () => {
    expect(() =>
      invoiceLines({ amount: 2n ** 60n, ...june }, [
        { kind: 'per-unit', amount: 2n ** 60n, charges: 1 },
      ]),
    ).toThrow(new RangeError("amount 1152921504606846976 is beyond Stripe's integers"));
  });
});
