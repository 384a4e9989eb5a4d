import { CandidateAgreement } from '../licensing/licence-check';
import { coveredByAny } from '../licensing/usage-types';
import { agreementVersions } from '../licensing/agreement-versions';

export interface RunRate {
  agreementId: string;
  version: number;
  usage: string;
  unit: string;
  per: number;
  rate: string;
  currency: string;
}

/**
 * The per-unit rate of each agreement version for each usage type it was used for: the first
 * rate whose usage covers it (`ai-all` covers `ai-train`). Usage in another unit than the rate's
 * is not priced per unit (other components may price it).
 */
export function runRates(agreements: CandidateAgreement[], usages: string[]): RunRate[] {
  const rows: RunRate[] = [];
  for (const agreement of agreements) {
    for (const { version, terms } of agreementVersions(agreement)) {
      for (const usage of usages) {
        const rate = (terms.pricing.rates ?? []).find((candidate) =>
          coveredByAny([candidate.usage], usage),
        );
        if (!rate) continue;
        rows.push({
          agreementId: agreement.id,
          version,
          usage,
          unit: rate.unit,
          per: rate.per,
          rate: rate.rate,
          currency: terms.currency,
        });
      }
    }
  }
  return rows;
}
