import fc from 'fast-check';
import {
  allocateByLargestRemainder,
  allocateCommission,
  allocateExactSection,
  exactOfDecimal,
  allocateSigned,
  releaseOnPayment,
  roundHalfEven,
} from './allocate';

describe('allocateByLargestRemainder', () => {
  it('splits an odd amount in thirds, the extra unit to the first', () => {
    expect(allocateByLargestRemainder(100n, [3333n, 3333n, 3334n])).toEqual([33n, 33n, 34n]);
    expect(allocateByLargestRemainder(101n, [1n, 1n, 1n])).toEqual([34n, 34n, 33n]);
    expect(allocateByLargestRemainder(2n, [1n, 1n, 1n])).toEqual([1n, 1n, 0n]);
  });

  it('gives nothing when no weight', () => {
    expect(allocateByLargestRemainder(5n, [0n, 0n])).toEqual([0n, 0n]);
  });

  it('always adds up, and each piece is within one unit of its exact share', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 15n }),
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 20 }),
        (amount, weights) => {
          const pieces = allocateByLargestRemainder(amount, weights);
          const total = weights.reduce((sum, weight) => sum + weight, 0n);
          const sum = pieces.reduce((s, piece) => s + piece, 0n);
          expect(sum).toBe(total === 0n ? 0n : amount);
          pieces.forEach((piece, i) => {
            if (total === 0n) return;
            const floor = (amount * weights[i]) / total;
            expect(piece === floor || piece === floor + 1n).toBe(true);
          });
          expect(allocateByLargestRemainder(amount, weights)).toEqual(pieces);
        },
      ),
    );
  });
});

describe('roundHalfEven', () => {
  it('rounds half to even, once', () => {
    expect(
      ['0.5', '1.5', '2.5', '2.4999', '2.5001', '3', '3.000', '0.49'].map(roundHalfEven),
    ).toEqual([0n, 2n, 2n, 2n, 3n, 3n, 3n, 0n]);
  });
});

describe('releaseOnPayment', () => {
  it('releases every payee exactly what it earned over any sequence of payments', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: 0n, max: 10n ** 9n }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 8 }),
        (earned, commission, parts) => {
          const payeeTotal = earned.reduce((s, e) => s + e, 0n);
          const amount = payeeTotal + BigInt(commission);
          fc.pre(amount > 0n);
          // Payments: the invoice cut into parts, the last one paying the rest.
          const weights = parts.map(BigInt);
          const payments = allocateByLargestRemainder(amount, weights).filter((p) => p > 0n);
          const released = earned.map(() => 0n);
          let paid = 0n;
          for (const payment of payments) {
            const pieces = releaseOnPayment(
              amount,
              payeeTotal,
              paid,
              paid + payment,
              earned.map((e, i) => e - released[i]),
            );
            pieces.forEach((piece, i) => {
              expect(piece >= 0n).toBe(true);
              released[i] += piece;
              expect(released[i] <= earned[i]).toBe(true);
            });
            paid += payment;
          }
          expect(released).toEqual(earned);
        },
      ),
    );
  });
});

/** A section's amount: its exact sum rounded half-even (symmetric about zero). */
function halfEven(numerator: bigint, denominator: bigint): bigint {
  const negative = numerator < 0n;
  const n = negative ? -numerator : numerator;
  const whole = n / denominator;
  const twice = 2n * (n - whole * denominator);
  const up = twice > denominator || (twice === denominator && whole % 2n === 1n);
  const rounded = up ? whole + 1n : whole;
  return negative ? -rounded : rounded;
}

function floorOf(numerator: bigint, denominator: bigint): bigint {
  return numerator >= 0n || numerator % denominator === 0n
    ? numerator / denominator
    : numerator / denominator - 1n;
}

describe('restatement sections (signed)', () => {
  const exact = (numerator: bigint, denominator = 1n) => ({ numerator, denominator });

  it('rounds the worked example: −119.5, 60.25, 20.6 to −39; commission −11.95, 6.025, 2.06 to −4', () => {
    expect(
      allocateExactSection(-39n, [exact(-1195n, 10n), exact(6025n, 100n), exact(206n, 10n)]),
    ).toEqual([-120n, 60n, 21n]);
    expect(
      allocateExactSection(-4n, [exact(-1195n, 100n), exact(6025n, 1000n), exact(206n, 100n)]),
    ).toEqual([-12n, 6n, 2n]);
  });

  it('splits a negative line by its magnitude: −12 commission at 60/40 → −7, −5', () => {
    expect(allocateSigned(-120n, [6000n, 4000n])).toEqual([-72n, -48n]);
    expect(allocateSigned(-12n, [6000n, 4000n])).toEqual([-7n, -5n]);
    expect(allocateSigned(12n, [6000n, 4000n])).toEqual([7n, 5n]);
  });

  it('any mix of signs adds up to the rounded sum, each piece its floor or one more', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.constantFrom(1n, 3n, 8n, 1000n, 7n ** 5n),
        (numerators, denominator) => {
          const exacts = numerators.map((n) => exact(n, denominator));
          const total = numerators.reduce((s, n) => s + n, 0n);
          const amount = halfEven(total, denominator);
          const pieces = allocateExactSection(amount, exacts);
          expect(pieces.reduce((s, p) => s + p, 0n)).toBe(amount);
          pieces.forEach((piece, i) => {
            const floor = floorOf(numerators[i], denominator);
            expect(piece === floor || piece === floor + 1n).toBe(true);
          });
        },
      ),
    );
  });
});

describe("a section's commission over its lines", () => {
  it('takes bps of each gross, the units left to the largest remainders', () => {
    // 1,000 at 17.5 %: 175 from 333.4 × 3 lines 333, 333, 334 → 58.275, 58.275, 58.45: 58 each,
    // the unit left to the largest remainder (the third line).
    expect(allocateCommission(175n, [333n, 333n, 334n], 1750n)).toEqual([58n, 58n, 59n]);
    expect(allocateCommission(-4n, [-120n, 60n, 21n], 1000n)).toEqual([-12n, 6n, 2n]);
  });

  it('adds up for any lines and bps, each piece its floor or one more, never above a gross ≥ 0', () => {
    fc.assert(
      fc.property(
        fc.array(fc.bigInt({ min: -(10n ** 12n), max: 10n ** 12n }), {
          minLength: 1,
          maxLength: 12,
        }),
        fc.integer({ min: 0, max: 10_000 }),
        (grosses, bpsNumber) => {
          const bps = BigInt(bpsNumber);
          const amount = grosses.reduce((s, g) => s + g, 0n);
          const commission = halfEven(amount * bps, 10_000n);
          const pieces = allocateCommission(commission, grosses, bps);
          expect(pieces.reduce((s, p) => s + p, 0n)).toBe(commission);
          pieces.forEach((piece, i) => {
            const floor = floorOf(grosses[i] * bps, 10_000n);
            expect(piece === floor || piece === floor + 1n).toBe(true);
            if (grosses[i] >= 0n) expect(piece <= grosses[i]).toBe(true);
          });
        },
      ),
    );
  });
});

describe('exactOfDecimal', () => {
  it('reads signed decimals exactly', () => {
    expect(exactOfDecimal('-12.0350')).toEqual({ numerator: -120350n, denominator: 10000n });
    expect(exactOfDecimal('7')).toEqual({ numerator: 7n, denominator: 1n });
    expect(() => exactOfDecimal('1e5')).toThrow('not a decimal');
  });
});
