import { agreementVersions } from '../licensing/agreement-versions';
import { CandidateAgreement } from '../licensing/licence-check';
import { Fraction, proratedFee } from './prorated-fee';

export interface RevenueShare {
  agreementId: string;
  version: number;
  bps: number;
  currency: string;
}

/** Each agreement version's revenue share, where it has one. */
export function revenueShares(agreements: CandidateAgreement[]): RevenueShare[] {
  return agreements.flatMap((agreement) =>
    agreementVersions(agreement)
      .filter(({ terms }) => terms.pricing.revenueShareBps !== undefined)
      .map(({ version, terms }) => ({
        agreementId: agreement.id,
        version,
        bps: terms.pricing.revenueShareBps!,
        currency: terms.currency,
      })),
  );
}

export interface FixedCharge {
  agreementId: string;
  licenseeId: string;
  publisherId: string;
  currency: string;
  /** Exact decimals (numerator/denominator rendered by the database). */
  flatFee: string;
  minimum: string;
  /** The licence advance of the agreement's first version that has one (0: none). */
  advance: string;
}

/** A fraction as a decimal string PostgreSQL reads exactly: `n/d` is evaluated in SQL. */
function decimal(fraction: Fraction): string {
  if (fraction.denominator === 1n) return fraction.numerator.toString();
  // 30 fractional digits: far below a minor unit, and the same every time.
  const scale = 10n ** 30n;
  const scaled = (fraction.numerator * scale) / fraction.denominator;
  const whole = scaled / scale;
  const part = (scaled % scale).toString().padStart(30, '0').replace(/0+$/, '');
  return part ? `${whole}.${part}` : whole.toString();
}

function add(a: Fraction, b: Fraction): Fraction {
  return {
    numerator: a.numerator * b.denominator + b.numerator * a.denominator,
    denominator: a.denominator * b.denominator,
  };
}

/**
 * Per agreement, the flat fee and the minimum guarantee that fall in the run, pro-rated by days
 * over the days each version is in force (docs/ROYALTIES.md).
 */
export function fixedCharges(
  agreements: CandidateAgreement[],
  licenseeId: string,
  run: { start: string; end: string },
): FixedCharge[] {
  const charges: FixedCharge[] = [];
  for (const agreement of agreements) {
    let flat: Fraction = { numerator: 0n, denominator: 1n };
    let minimum: Fraction = { numerator: 0n, denominator: 1n };
    let currency = agreement.terms.currency;
    let advance = 0n;
    for (const { terms, fromDate, toDate } of agreementVersions(agreement)) {
      if (advance === 0n && terms.pricing.advance) advance = BigInt(terms.pricing.advance.amount);
      const inForce = { from: fromDate, to: toDate };
      const { flatFee, minimumGuarantee } = terms.pricing;
      if (flatFee)
        flat = add(flat, proratedFee(BigInt(flatFee.amount), flatFee.period, inForce, run));
      if (minimumGuarantee) {
        minimum = add(
          minimum,
          proratedFee(BigInt(minimumGuarantee.amount), minimumGuarantee.period, inForce, run),
        );
      }
      currency = terms.currency;
    }
    if (flat.numerator === 0n && minimum.numerator === 0n && advance === 0n) continue;
    charges.push({
      agreementId: agreement.id,
      licenseeId,
      publisherId: agreement.publisherId,
      currency,
      flatFee: decimal(flat),
      minimum: decimal(minimum),
      advance: advance.toString(),
    });
  }
  return charges;
}
