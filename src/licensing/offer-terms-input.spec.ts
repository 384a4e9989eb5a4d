import { createHash } from 'node:crypto';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { LicenceOfferTermsDto } from './dto/licence-offer.dto';
import { hashTerms, normalizeTerms, validTerms } from './offer-terms-input';

const dto = (over: Partial<LicenceOfferTermsDto> = {}): LicenceOfferTermsDto => ({
  title: '  Training  ',
  scope: { type: 'all' },
  usages: ['ai-train', 'ai-input', 'ai-train'],
  territories: ['US', 'EU', 'US'],
  term: { start: '2027-01-01' },
  currency: 'EUR',
  pricing: { revenueShareBps: 1000 },
  ...over,
});

describe('normalizeTerms: lists and defaults', () => {
  it('trims the title, sorts lists without duplicates, fills absent lists and attribution', () => {
    expect(normalizeTerms(dto())).toStrictEqual({
      title: 'Training',
      scope: { type: 'all' },
      usages: ['ai-input', 'ai-train'],
      prohibits: [],
      territories: ['EU', 'US'],
      userTypes: [],
      term: { start: '2027-01-01' },
      currency: 'EUR',
      pricing: { revenueShareBps: 1000 },
      attributionRequired: false,
    });
  });

  it('keeps prohibitions, user types, attribution and a report due day when given', () => {
    expect(
      normalizeTerms(
        dto({
          prohibits: ['search', 'ai-index', 'search'],
          userTypes: ['personal', 'commercial'],
          attributionRequired: true,
          reportDueDay: 20,
        }),
      ),
    ).toMatchObject({
      prohibits: ['ai-index', 'search'],
      userTypes: ['commercial', 'personal'],
      attributionRequired: true,
      reportDueDay: 20,
    });
  });
});

describe('normalizeTerms: scope', () => {
  it('lower-cases, sorts and de-duplicates work ids', () => {
    expect(
      normalizeTerms(dto({ scope: { type: 'works', workIds: ['B-2', 'a-1', 'b-2'] } })).scope,
    ).toStrictEqual({ type: 'works', workIds: ['a-1', 'b-2'] });
    expect(normalizeTerms(dto({ scope: { type: 'works' } })).scope).toStrictEqual({
      type: 'works',
      workIds: [],
    });
  });

  it('sorts a filter’s kinds and schemes, and leaves out those not given', () => {
    expect(
      normalizeTerms(
        dto({
          scope: {
            type: 'filter',
            kinds: ['image', 'book', 'image'],
            identifierSchemes: ['isbn', 'doi'],
          },
        }),
      ).scope,
    ).toStrictEqual({
      type: 'filter',
      kinds: ['book', 'image'],
      identifierSchemes: ['doi', 'isbn'],
    });
    expect(normalizeTerms(dto({ scope: { type: 'filter' } })).scope).toStrictEqual({
      type: 'filter',
    });
    expect(normalizeTerms(dto({ scope: { type: 'filter', kinds: ['book'] } })).scope).toStrictEqual(
      { type: 'filter', kinds: ['book'] },
    );
  });
});

describe('normalizeTerms: copies', () => {
  it('does not share the term or pricing objects with the request', () => {
    const request = dto({ pricing: { flatFee: { amount: 100, period: 'month' } } });
    const terms = normalizeTerms(request);
    request.term.start = '2030-01-01';
    request.pricing.flatFee!.amount = 1;
    expect(terms.term.start).toBe('2027-01-01');
    expect(terms.pricing.flatFee!.amount).toBe(100);
  });
});

describe('hashTerms', () => {
  it('is the SHA-256 of the terms as JSON with keys sorted', () => {
    const canonical =
      '{"attributionRequired":false,"currency":"EUR","pricing":{"revenueShareBps":1000},' +
      '"prohibits":[],"scope":{"type":"all"},"term":{"start":"2027-01-01"},' +
      '"territories":["EU","US"],"title":"Training","usages":["ai-input","ai-train"],"userTypes":[]}';
    expect(hashTerms(normalizeTerms(dto())).toString('hex')).toBe(
      createHash('sha256').update(canonical).digest('hex'),
    );
  });
});

describe('validTerms', () => {
  it('returns the normalized terms when nothing is wrong', () => {
    expect(validTerms(dto()).usages).toEqual(['ai-input', 'ai-train']);
  });

  it('refuses with every problem as a field error', () => {
    let thrown: unknown;
    try {
      validTerms(dto({ territories: ['worldwide', 'EU'], term: {}, pricing: {} }));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(RequestValidationFailed);
    expect((thrown as RequestValidationFailed).errors).toEqual([
      { field: 'territories', messages: ['worldwide stands alone'] },
      { field: 'term', messages: ['give start (and end), or durationMonths from acceptance'] },
      { field: 'pricing', messages: ['pricing needs at least one component'] },
    ]);
  });
});
