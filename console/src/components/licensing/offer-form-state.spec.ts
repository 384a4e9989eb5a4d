import { emptyOfferForm, offerFormFrom, termsFromForm } from './offer-form-state';
import type { Terms } from './terms';

const TERMS: Terms = {
  title: 'Everything, 2030',
  scope: { type: 'filter', kinds: ['book'], identifierSchemes: ['isbn'] },
  usages: ['ai-input', 'search'],
  prohibits: ['ai-train'],
  territories: ['DE', 'EU'],
  userTypes: ['commercial'],
  term: { start: '2030-01-01', end: '2030-12-31' },
  currency: 'EUR',
  pricing: {
    rates: [{ usage: 'search', unit: 'request', per: 1000, rate: '0.0125' }],
    flatFee: { amount: 125050, period: 'month' },
    minimumGuarantee: { amount: 0, period: 'quarter' },
    revenueShareBps: 1500,
    advance: { amount: 1000000 },
  },
  attributionRequired: true,
};

describe('the offer form', () => {
  it('holds terms from the API and gives them back exactly (amounts in minor units, rates as typed)', () => {
    const form = offerFormFrom(TERMS);
    expect(form.flatFee.amount).toBe('1250.50');
    expect(form.advance.amount).toBe('10000.00');
    expect(termsFromForm(form)).toEqual({ terms: TERMS, errors: {} });
  });

  it('reads amounts typed in major units, with thousands separators, into minor units', () => {
    const form = {
      ...emptyOfferForm(),
      title: 'Fees',
      usages: ['ai-train'],
      start: '2030-01-01',
      rates: [],
      flatFee: { enabled: true, amount: '1,250.5', period: 'year' as const },
      advance: { enabled: true, amount: '0.01' },
    };
    const { terms, errors } = termsFromForm(form);
    expect(errors).toEqual({});
    expect(terms.pricing).toEqual({
      flatFee: { amount: 125050, period: 'year' },
      advance: { amount: 1 },
    });
    expect(terms.term).toEqual({ start: '2030-01-01' });
  });

  it('names what it cannot read, by the API’s field names, and leaves the rules to the API', () => {
    const form = {
      ...emptyOfferForm(),
      rates: [{ usage: 'ai-train', unit: 'token' as const, per: '1.5', rate: 'not checked here' }],
      flatFee: { enabled: true, amount: '12.345', period: 'month' as const },
      advance: { enabled: true, amount: '0' },
      termType: 'duration' as const,
      durationMonths: 'twelve',
    };
    expect(termsFromForm(form).errors).toEqual({
      'pricing.rates.0.per': 'Enter a whole number',
      'pricing.flatFee.amount': 'Not an amount of EUR',
      'pricing.advance.amount': 'At least the smallest unit of the currency',
      'term.durationMonths': 'Enter a whole number',
    });
  });
});
