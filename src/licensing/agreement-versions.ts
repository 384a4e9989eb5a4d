import { CandidateAgreement } from './licence-check';
import { OfferTerms } from './offer-terms';

function dayBefore(date: string): string {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
}

/** Each version of an agreement with the days it is in force (the last one to the last day). */
export function agreementVersions(
  agreement: CandidateAgreement,
): { version: number; terms: OfferTerms; fromDate: string; toDate: string | null }[] {
  const versions = [
    { version: 1, terms: agreement.terms, fromDate: agreement.startsOn },
    ...(agreement.amendments ?? []).map((amendment, index) => ({
      version: index + 2,
      terms: amendment.terms,
      fromDate: amendment.effectiveOn,
    })),
  ];
  return versions
    .map((version, index) => {
      const next = versions[index + 1];
      const toDate = next ? dayBefore(next.fromDate) : agreement.lastDay;
      return { ...version, toDate };
    })
    .filter((version) => version.toDate === null || version.toDate >= version.fromDate);
}
