import { Http } from '../support/test-app';

/** A valid set of licence offer terms, with overrides. */
export function offerTerms(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    title: 'AI training, 2027',
    scope: { type: 'all' },
    usages: ['ai-train', 'ai-input'],
    territories: ['worldwide'],
    term: { start: '2027-01-01', end: '2027-12-31' },
    currency: 'EUR',
    pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.0125' }] },
    ...overrides,
  };
}

/** A publisher's offer on these terms, accepted by a licensee: the agreement's id. */
export async function agreedOffer(
  http: Http,
  publisherKey: string,
  licenseeKey: string,
  terms: Record<string, unknown>,
): Promise<string> {
  const offer = await http.post('/v1/licence-offers', publisherKey, offerTerms(terms));
  if (offer.status !== 201) throw new Error(`agreedOffer: offer ${offer.status} ${offer.text}`);
  const agreement = await http.post('/v1/agreements', licenseeKey, { offerId: offer.body.id });
  if (agreement.status !== 201)
    throw new Error(`agreedOffer: agreement ${agreement.status} ${agreement.text}`);
  return agreement.body.id as string;
}
