import { createHash } from 'node:crypto';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { canonicalJson } from '../common/idempotency/idempotency';
import { LicenceOfferTermsDto } from './dto/licence-offer.dto';
import { OfferTerms, termsProblems } from './offer-terms';

/** An offer's terms as the API receives them, made the terms stored and hashed. */

/** Terms as stored: defaults filled in, lists without duplicates, so equal terms hash equal. */
export function normalizeTerms(dto: LicenceOfferTermsDto): OfferTerms {
  const unique = (values: string[] | undefined) => [...new Set(values ?? [])].sort();
  const scope: OfferTerms['scope'] =
    dto.scope.type === 'works'
      ? { type: 'works', workIds: unique(dto.scope.workIds?.map((id) => id.toLowerCase())) }
      : dto.scope.type === 'filter'
        ? {
            type: 'filter',
            ...(dto.scope.kinds ? { kinds: unique(dto.scope.kinds) } : {}),
            ...(dto.scope.identifierSchemes
              ? { identifierSchemes: unique(dto.scope.identifierSchemes) }
              : {}),
          }
        : { type: 'all' };
  return {
    title: dto.title.trim(),
    scope,
    usages: unique(dto.usages),
    prohibits: unique(dto.prohibits),
    territories: unique(dto.territories),
    userTypes: unique(dto.userTypes),
    term: { ...dto.term },
    currency: dto.currency,
    pricing: JSON.parse(JSON.stringify(dto.pricing)) as OfferTerms['pricing'],
    attributionRequired: dto.attributionRequired ?? false,
    // Only when given: the terms (and hashes) of offers that name none stay as they were.
    ...(dto.reportDueDay !== undefined ? { reportDueDay: dto.reportDueDay } : {}),
  };
}

export function hashTerms(terms: OfferTerms): Buffer {
  return createHash('sha256').update(canonicalJson(terms)).digest();
}

/** The terms as stored, or 400 naming each problem. */
export function validTerms(dto: LicenceOfferTermsDto): OfferTerms {
  const terms = normalizeTerms(dto);
  const problems = termsProblems(terms);
  if (problems.length) {
    throw new RequestValidationFailed(
      problems.map((problem) => ({ field: problem.field, messages: [problem.message] })),
    );
  }
  return terms;
}
