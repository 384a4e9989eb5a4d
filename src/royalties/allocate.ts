/**
 * Splits an integer amount by integer weights so the pieces add up exactly: each piece is the
 * floor of its exact share, and the minor units left go one each to the largest remainders
 * (ties to the earlier weight). The SQL of a royalty run does the same (royalty-calculator.ts);
 * this is the reference its tests hold it to.
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
