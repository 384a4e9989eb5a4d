import { candidateAgreement, storedTerms } from '../../test/factories/offer-terms.factory';
import { OfferTerms } from '../licensing/offer-terms';
import { runRates } from './run-rates';

type Rate = NonNullable<OfferTerms['pricing']['rates']>[number];

const terms = (rates: Rate[] | undefined, currency = 'EUR') =>
  storedTerms({ usages: ['all'], currency, pricing: rates ? { rates } : { revenueShareBps: 100 } });

const rate = (usage: string, value: string, unit: Rate['unit'] = 'token', per = 1000): Rate => ({
  usage,
  unit,
  per,
  rate: value,
});

describe('runRates', () => {
  it('gives each usage the first rate covering it, per agreement version', () => {
    const agreements = [
      candidateAgreement(
        'a',
        terms([rate('ai-train', '0.5'), rate('ai-all', '0.2', 'request', 1)]),
        '2027-01-01',
        [['2027-06-15', terms([rate('search', '0.01', 'crawl', 10)], 'USD')]],
      ),
      candidateAgreement('b', terms(undefined)),
    ];
    expect(runRates(agreements, ['ai-train', 'ai-input', 'search'])).toEqual([
      // ai-train's own rate comes first, though ai-all covers it too.
      {
        agreementId: 'a',
        version: 1,
        usage: 'ai-train',
        unit: 'token',
        per: 1000,
        rate: '0.5',
        currency: 'EUR',
      },
      {
        agreementId: 'a',
        version: 1,
        usage: 'ai-input',
        unit: 'request',
        per: 1,
        rate: '0.2',
        currency: 'EUR',
      },
      {
        agreementId: 'a',
        version: 2,
        usage: 'search',
        unit: 'crawl',
        per: 10,
        rate: '0.01',
        currency: 'USD',
      },
    ]);
  });

  it('prefers the earlier of two covering rates whatever their breadth', () => {
    const agreement = candidateAgreement('a', terms([rate('all', '9'), rate('ai-train', '1')]));
    expect(runRates([agreement], ['ai-train']).map((r) => r.rate)).toEqual(['9']);
  });
});
