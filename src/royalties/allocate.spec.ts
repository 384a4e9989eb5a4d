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

  it('gives the units left to the largest remainders, wherever they stand', () => {
    // 9 by 2, 2, 3: 2.57, 2.57, 3.86 → 2, 2, 3 and two left: to .86, then the first .57 (a tie).
    expect(allocateByLargestRemainder(9n, [2n, 2n, 3n])).toEqual([3n, 2n, 4n]);
    // 7 by 2, 5, 3: 1.4, 3.5, 2.1 → 1, 3, 2 and one left, to the middle (.5).
    expect(allocateByLargestRemainder(7n, [2n, 5n, 3n])).toEqual([1n, 4n, 2n]);
    // 8 by 3, 3, 1, 3: 2.4, 2.4, 0.8, 2.4 → 2, 2, 0, 2 and two left: 0.8 first, then the first .4.
    expect(allocateByLargestRemainder(8n, [3n, 3n, 1n, 3n])).toEqual([3n, 2n, 1n, 2n]);
  });

  it('refuses a negative amount or a negative weight', () => {
    expect(() => allocateByLargestRemainder(-1n, [1n])).toThrow('allocate a non-negative amount');
    expect(() => allocateByLargestRemainder(5n, [2n, -1n, 3n])).toThrow('weights are non-negative');
  });

  it('places the units left as handing them out one at a time would (largest remainder, earliest first)', () => {
    // The oracle hands out the units one by one, with no sort: each to the largest remainder
    // (amount × weight − piece × total) not served yet, the earliest on a tie.
    const oracle = (amount: bigint, weights: bigint[]): bigint[] => {
      const total = weights.reduce((sum, weight) => sum + weight, 0n);
      if (total === 0n) return weights.map(() => 0n);
      const pieces = weights.map((weight) => (amount * weight) / total);
      const served = weights.map(() => false);
      let left = amount - pieces.reduce((sum, piece) => sum + piece, 0n);
      while (left > 0n) {
        let best = -1;
        weights.forEach((weight, i) => {
          if (served[i]) return;
          const remainder = amount * weight - pieces[i] * total;
          const bestRemainder = best < 0 ? -1n : amount * weights[best] - pieces[best] * total;
          if (remainder > bestRemainder) best = i;
        });
        pieces[best] += 1n;
        served[best] = true;
        left -= 1n;
      }
      return pieces;
    };
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 1000n }),
        fc.array(fc.bigInt({ min: 0n, max: 12n }), { minLength: 1, maxLength: 40 }),
        (amount, weights) => {
          expect(allocateByLargestRemainder(amount, weights)).toEqual(oracle(amount, weights));
        },
      ),
    );
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

  it('reads several whole digits, and only trailing zeros of the fraction as nothing', () => {
    expect(['12.5', '13.5', '10.50', '2.500', '3.05', '3.50'].map(roundHalfEven)).toEqual([
      12n,
      14n,
      10n,
      2n,
      3n,
      4n,
    ]);
  });

  it('refuses what is not a non-negative decimal', () => {
    for (const bad of ['-2.5', 'x1', '1.5x', '1.', '.5', '']) {
      expect(() => roundHalfEven(bad)).toThrow('not a non-negative decimal');
    }
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

  it('releases nothing on a payment that does not raise the floored share, nor on a refund', () => {
    // 1,000 invoiced, 900 to payees: 1 paid of 1,000 releases floor(0.9) − 0 = 0.
    expect(releaseOnPayment(1000n, 900n, 0n, 1n, [600n, 300n])).toEqual([0n, 0n]);
    // 500 paid, 100 of it refunded: nothing is taken back here.
    expect(releaseOnPayment(1000n, 900n, 500n, 400n, [300n, 150n])).toEqual([0n, 0n]);
  });

  it('spreads by what each payee still awaits, nothing to one awaiting nothing or less', () => {
    // 1,000 invoiced, 900 to payees, 500 of it paid: 450 released, all to the second payee.
    expect(releaseOnPayment(1000n, 900n, 0n, 500n, [-50n, 900n, 0n])).toEqual([0n, 450n, 0n]);
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

  it('gives the units left to the largest fractions, compared across denominators', () => {
    // 0.2, 2/3 and 0.75: floors 0, 0, 0 and the sum 1.6167 rounds to 2: 0.75 then 2/3.
    expect(allocateExactSection(2n, [exact(1n, 5n), exact(2n, 3n), exact(3n, 4n)])).toEqual([
      0n,
      1n,
      1n,
    ]);
    // 0.9, −0.5 (floor −1, fraction 0.5), 1/3: floors 0, −1, 0; the sum 0.7333 rounds to 1,
    // two units left: 0.9 then the −0.5 line.
    expect(allocateExactSection(1n, [exact(9n, 10n), exact(-1n, 2n), exact(1n, 3n)])).toEqual([
      1n,
      0n,
      0n,
    ]);
  });

  it('refuses an amount that is not the rounded sum of its lines', () => {
    // Floors 0 and 0: the amount must be 0, 1 or 2 (a unit at most per line).
    expect(() => allocateExactSection(-1n, [exact(1n, 2n), exact(1n, 2n)])).toThrow(
      'the amount -1 is not the rounded sum of the exact amounts',
    );
    expect(() => allocateExactSection(3n, [exact(1n, 2n), exact(1n, 2n)])).toThrow(
      'the amount 3 is not the rounded sum of the exact amounts',
    );
  });

  it('places the units left as handing them out one at a time would (largest fraction, earliest first)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.bigInt({ min: -(10n ** 6n), max: 10n ** 6n }),
            fc.bigInt({ min: 1n, max: 40n }),
          ),
          { minLength: 1, maxLength: 15 },
        ),
        (lines) => {
          const exacts = lines.map(([n, d]) => exact(n, d));
          // The exact sum as one fraction over the product of the denominators, rounded.
          const denominator = lines.reduce((p, [, d]) => p * d, 1n);
          const numerator = lines.reduce((s, [n, d]) => s + n * (denominator / d), 0n);
          const amount = halfEven(numerator, denominator);
          // The oracle: floors, then each unit left to the unserved line of largest fraction.
          const pieces = lines.map(([n, d]) => floorOf(n, d));
          const served = lines.map(() => false);
          let left = amount - pieces.reduce((s, p) => s + p, 0n);
          while (left > 0n) {
            let best = -1;
            lines.forEach(([n, d], i) => {
              if (served[i]) return;
              if (best < 0) return void (best = i);
              const [bn, bd] = lines[best];
              // (n/d − floor) > (bn/bd − bestFloor), cross-multiplied.
              if ((n - pieces[i] * d) * bd > (bn - pieces[best] * bd) * d) best = i;
            });
            pieces[best] += 1n;
            served[best] = true;
            left -= 1n;
          }
          expect(allocateExactSection(amount, exacts)).toEqual(pieces);
        },
      ),
    );
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
