import { storedTerms } from '../../test/factories/offer-terms.factory';
import { OfferTerms, termsProblems } from './offer-terms';

const valid = storedTerms();

const problems = (over: Partial<OfferTerms>) => termsProblems({ ...valid, ...over });

describe('termsProblems: valid terms', () => {
  it('has none', () => {
    expect(termsProblems(valid)).toEqual([]);
  });
});

describe('termsProblems: priced usages', () => {
  it('must be permitted, and not prohibited (the first problem of a rate only)', () => {
    expect(
      problems({
        usages: ['ai-all'],
        prohibits: ['ai-input', 'search'],
        pricing: {
          rates: [
            { usage: 'ai-train', unit: 'token', per: 1, rate: '1' },
            { usage: 'ai-input', unit: 'token', per: 1, rate: '1' },
            { usage: 'search', unit: 'crawl', per: 1, rate: '1' },
          ],
        },
      }),
    ).toEqual([
      { field: 'pricing.rates.1.usage', message: 'ai-input is priced but prohibited' },
      { field: 'pricing.rates.2.usage', message: 'search is priced but not permitted by usages' },
    ]);
  });
});

describe('termsProblems: prohibitions', () => {
  it('may not take away every permitted usage', () => {
    expect(
      problems({
        usages: ['ai-train', 'ai-input'],
        prohibits: ['ai-all'],
        pricing: { revenueShareBps: 100 },
      }),
    ).toEqual([{ field: 'prohibits', message: 'every permitted usage is also prohibited' }]);
    expect(
      problems({
        usages: ['ai-train', 'search'],
        prohibits: ['ai-all'],
        pricing: { revenueShareBps: 100 },
      }),
    ).toEqual([]);
  });
});

describe('termsProblems: territories', () => {
  it('do not mix worldwide with places; places alone are fine', () => {
    expect(problems({ territories: ['EU', 'worldwide'] })).toEqual([
      { field: 'territories', message: 'worldwide stands alone' },
    ]);
    expect(problems({ territories: ['EU', 'US'] })).toEqual([]);
    expect(problems({ territories: ['EU'] })).toEqual([]);
  });
});

describe('termsProblems: the term', () => {
  const both = 'give start (and end), or durationMonths from acceptance, not both';
  const neither = 'give start (and end), or durationMonths from acceptance';

  it('is a start (and end) or a duration, not both, not neither', () => {
    expect(problems({ term: { durationMonths: 12 } })).toEqual([]);
    expect(problems({ term: { start: '2027-01-01' } })).toEqual([]);
    expect(problems({ term: { start: '2027-01-01', durationMonths: 12 } })).toEqual([
      { field: 'term', message: both },
    ]);
    expect(problems({ term: { end: '2027-12-31', durationMonths: 12 } })).toEqual([
      { field: 'term', message: both },
    ]);
    expect(problems({ term: {} })).toEqual([{ field: 'term', message: neither }]);
    expect(problems({ term: { end: '2027-12-31' } })).toEqual([
      { field: 'term', message: neither },
    ]);
  });

  it('has real calendar dates, the end not before the start', () => {
    expect(problems({ term: { start: '2027-02-29', end: '2027-13-01' } })).toEqual([
      { field: 'term.start', message: 'start is not a calendar date' },
      { field: 'term.end', message: 'end is not a calendar date' },
    ]);
    expect(problems({ term: { start: '2027-06-02', end: '2027-06-01' } })).toEqual([
      { field: 'term.end', message: 'end is before start' },
    ]);
    expect(problems({ term: { start: '2027-06-01', end: '2027-06-01' } })).toEqual([]);
  });
});

describe('termsProblems: pricing', () => {
  it('needs at least one component; any one will do, a revenue share of 0 included', () => {
    const none = [{ field: 'pricing', message: 'pricing needs at least one component' }];
    expect(problems({ pricing: {} })).toEqual(none);
    expect(problems({ pricing: { rates: [] } })).toEqual(none);
    for (const pricing of [
      { flatFee: { amount: 100, period: 'month' as const } },
      { revenueShareBps: 0 },
      { minimumGuarantee: { amount: 100, period: 'year' as const } },
      { advance: { amount: 100 } },
    ]) {
      expect(problems({ pricing })).toEqual([]);
    }
  });
});
