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
