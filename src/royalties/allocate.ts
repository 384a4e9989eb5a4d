/**
 * Splits an integer amount by integer weights so the pieces add up exactly: each piece is the
 * floor of its exact share, and the minor units left go one each to the largest remainders
 * (ties to the earlier weight). The SQL of a royalty run does the same (calculation/:
 * allocate-charges, share-to-payees, repay-advances); this is the reference its tests hold it to.
 */
export function allocateByLargestRemainder(amount: bigint, weights: bigint[]): bigint[] {
  if (amount < 0n) throw new Error('allocate a non-negative amount');
  if (weights.some((weight) => weight < 0n)) throw new Error('weights are non-negative');
  const total = weights.reduce((sum, weight) => sum + weight, 0n);
  if (total === 0n) return weights.map(() => 0n);
  const pieces = weights.map((weight) => (amount * weight) / total);
  let left = amount - pieces.reduce((sum, piece) => sum + piece, 0n);
  const order = weights
    .map((weight, index) => ({ index, remainder: amount * weight - pieces[index] * total }))
    .sort((a, b) =>
      a.remainder === b.remainder ? a.index - b.index : a.remainder > b.remainder ? -1 : 1,
    );
  for (const { index } of order) {
    if (left === 0n) break;
    pieces[index]++;
    left--;
  }
  return pieces;
}

/** Rounds a non-negative exact decimal string to an integer, half to even. */
export function roundHalfEven(decimal: string): bigint {
  const match = /^(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) throw new Error(`not a non-negative decimal: ${decimal}`);
  const whole = BigInt(match[1]);
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (fraction === '') return whole;
  const half = fraction === '5';
  if (half) return whole % 2n === 0n ? whole : whole + 1n;
  return fraction[0] >= '5' ? whole + 1n : whole;
}

/**
 * What one payment on an invoice releases to each payee (awaiting collection → payable): the
 * payees' total released after it is payeeTotal × paid / amount (floored; all of it once fully
 * paid), less what was released before, spread by largest remainder of what each still awaits.
 */
export function releaseOnPayment(
  invoiceAmount: bigint,
  payeeTotal: bigint,
  paidBefore: bigint,
  paidAfter: bigint,
  awaiting: bigint[],
): bigint[] {
  const after = paidAfter === invoiceAmount ? payeeTotal : (payeeTotal * paidAfter) / invoiceAmount;
  const before = (payeeTotal * paidBefore) / invoiceAmount;
  const delta = after - before;
  if (delta <= 0n) return awaiting.map(() => 0n);
  return allocateByLargestRemainder(
    delta,
    awaiting.map((a) => (a > 0n ? a : 0n)),
  );
}

/** An exact rational amount of minor units: numerator / denominator (denominator > 0). */
export interface Exact {
  numerator: bigint;
  denominator: bigint;
}

function floorDiv(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  return numerator % denominator !== 0n && numerator < 0n !== denominator < 0n
    ? quotient - 1n
    : quotient;
}

/**
 * A signed section (restatement adjustments) rounded to `amount` (its exact sum rounded): each
 * line gets its exact amount floored, and the units left — between 0 and the number of lines —
 * one each to the largest fractions (ties to the earlier line). Lines of either sign; the SQL of
 * a royalty run's adjustment lines does the same.
 */
export function allocateExactSection(amount: bigint, exacts: Exact[]): bigint[] {
  const pieces = exacts.map((e) => floorDiv(e.numerator, e.denominator));
  let left = amount - pieces.reduce((sum, piece) => sum + piece, 0n);
  if (left < 0n || left > BigInt(exacts.length)) {
    throw new Error(`the amount ${amount} is not the rounded sum of the exact amounts`);
  }
  // Fraction i = numerator_i / denominator_i − piece_i, compared by cross-multiplication.
  const fraction = (i: number): Exact => ({
    numerator: exacts[i].numerator - pieces[i] * exacts[i].denominator,
    denominator: exacts[i].denominator,
  });
  const order = exacts
    .map((_, index) => index)
    .sort((a, b) => {
      const x = fraction(a);
      const y = fraction(b);
      const difference = x.numerator * y.denominator - y.numerator * x.denominator;
      return difference === 0n ? a - b : difference > 0n ? -1 : 1;
    });
  for (const index of order) {
    if (left === 0n) break;
    pieces[index]++;
    left--;
  }
  return pieces;
}

/**
 * A section's commission over its lines (the section's commission is its amount × bps rounded):
 * each line's gross × bps / 10000 floored, and the units left one each to the largest remainders
 * (ties to the earlier line); so a line's commission never exceeds its own gross.
 */
export function allocateCommission(commission: bigint, grosses: bigint[], bps: bigint): bigint[] {
  return allocateExactSection(
    commission,
    grosses.map((gross) => ({ numerator: gross * bps, denominator: 10_000n })),
  );
}

/** A signed decimal string ("-12.0350") as an exact rational. */
export function exactOfDecimal(decimal: string): Exact {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(decimal);
  if (!match) throw new Error(`not a decimal: ${decimal}`);
  const fraction = match[3] ?? '';
  const magnitude = BigInt(match[2] + fraction);
  return {
    numerator: match[1] ? -magnitude : magnitude,
    denominator: 10n ** BigInt(fraction.length),
  };
}

/** A signed amount split by its magnitude's largest remainder, each piece given its sign back. */
export function allocateSigned(amount: bigint, weights: bigint[]): bigint[] {
  const sign = amount < 0n ? -1n : 1n;
  return allocateByLargestRemainder(amount * sign, weights).map((piece) => piece * sign);
}
