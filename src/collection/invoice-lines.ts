/** One line of a Stripe invoice: minor units (negative for an adjustment that credits). */
export interface StripeLine {
  amount: number;
  description: string;
  metadata: Record<string, string>;
}

const KIND_LABELS: Record<string, string> = {
  'per-unit': 'Usage royalties',
  'revenue-share': 'Revenue share',
  'flat-fee': 'Flat fee',
  'minimum-guarantee': 'Minimum guarantee top-up',
  advance: 'Licence advance',
  'per-unit-adjustment': 'Usage restated from earlier periods',
  'revenue-share-adjustment': 'Revenue share restated from earlier periods',
};

/**
 * A Stripe invoice's lines for one platform invoice: one per charge kind, with the run's figures.
 * The charges of an invoice add up to its amount (the run allocates the rounded amount over
 * them); were they ever not to, a rounding line makes the Stripe invoice's total the platform
 * invoice's amount exactly, so what Stripe collects is what the ledger expects.
 */
export function invoiceLines(
  invoice: { amount: bigint; periodStart: string; periodEnd: string },
  sums: { kind: string; amount: bigint; charges: number }[],
): StripeLine[] {
  const period = `${invoice.periodStart} to ${invoice.periodEnd}`;
  const lines: StripeLine[] = sums
    .filter((s) => s.amount !== 0n)
    .map((s) => ({
      amount: safe(s.amount),
      description: `${KIND_LABELS[s.kind] ?? s.kind}, ${period} (${s.charges} ${s.charges === 1 ? 'charge' : 'charges'})`,
      metadata: { chargeKind: s.kind, charges: String(s.charges) },
    }));
  const total = sums.reduce((sum, s) => sum + s.amount, 0n);
  if (total !== invoice.amount) {
    lines.push({
      amount: safe(invoice.amount - total),
      description: `Rounding, ${period}`,
      metadata: { chargeKind: 'rounding', charges: '0' },
    });
  }
  return lines;
}

function safe(amount: bigint): number {
  const n = Number(amount);
  if (!Number.isSafeInteger(n))
    throw new RangeError(`amount ${amount} is beyond Stripe's integers`);
  return n;
}
