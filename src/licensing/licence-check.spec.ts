import { CandidateAgreement, CandidateWork, checkLicence } from './licence-check';
import { storedTerms } from '../../test/factories/offer-terms.factory';
import { OfferTerms } from './offer-terms';

const work: CandidateWork = {
  id: 'w1',
  organizationId: 'p1',
  kind: 'book',
  status: 'active',
  identifiers: ['isbn:9780306406157'],
};

function agreement(
  terms: Partial<OfferTerms> = {},
  period: Partial<CandidateAgreement> = {},
): CandidateAgreement {
  return {
    id: 'a1',
    publisherId: 'p1',
    startsOn: '2027-01-01',
    lastDay: '2027-12-31',
    terms: storedTerms({
      title: 't',
      usages: ['ai-all'],
      territories: ['EU', 'US'],
      pricing: { rates: [{ usage: 'ai-train', unit: 'token', per: 1000, rate: '0.5' }] },
      attributionRequired: true,
      ...terms,
    }),
    ...period,
  };
}

const ask = (usage: string, at = '2027-06-01', territory?: string) => ({ usage, at, territory });

describe('checkLicence', () => {
  it('licenses a covered use and gives the applicable rate', () => {
    expect(checkLicence([work], [agreement()], ask('ai-train', '2027-06-01', 'DE'))).toEqual({
      licensed: true,
      workId: 'w1',
      publisherId: 'p1',
      agreementId: 'a1',
      agreementVersion: 1,
      rate: { unit: 'token', per: 1000, rate: '0.5', currency: 'EUR' },
      attributionRequired: true,
    });
    expect(checkLicence([work], [agreement()], ask('ai-input'))).toMatchObject({
      licensed: true,
      rate: null,
    });
  });

  it('lets a prohibition win over a permission', () => {
    expect(checkLicence([work], [agreement({ prohibits: ['ai-input'] })], ask('ai-input'))).toEqual(
      {
        licensed: false,
        reason: 'prohibited',
        workId: 'w1',
      },
    );
  });

  it('counts the first and last day of the term, and not a day more', () => {
    expect(checkLicence([work], [agreement()], ask('ai-train', '2027-01-01')).licensed).toBe(true);
    expect(checkLicence([work], [agreement()], ask('ai-train', '2027-12-31')).licensed).toBe(true);
    expect(checkLicence([work], [agreement()], ask('ai-train', '2028-01-01'))).toMatchObject({
      reason: 'outside-term',
    });
    expect(
      checkLicence(
        [work],
        [agreement({}, { lastDay: '2027-03-31' })],
        ask('ai-train', '2027-04-01'),
      ),
    ).toMatchObject({
      reason: 'outside-term',
    });
  });

  it('knows the EU and refuses other territories', () => {
    expect(checkLicence([work], [agreement()], ask('ai-train', '2027-06-01', 'FR')).licensed).toBe(
      true,
    );
    expect(checkLicence([work], [agreement()], ask('ai-train', '2027-06-01', 'GB'))).toMatchObject({
      reason: 'territory',
    });
  });

  it('names the closest refusal', () => {
    expect(checkLicence([], [agreement()], ask('ai-train'))).toEqual({
      licensed: false,
      reason: 'unknown-work',
      workId: null,
    });
    expect(
      checkLicence([{ ...work, status: 'withdrawn' }], [agreement()], ask('ai-train')),
    ).toMatchObject({ reason: 'withdrawn' });
    expect(checkLicence([work], [], ask('ai-train'))).toMatchObject({ reason: 'no-agreement' });
    expect(
      checkLicence(
        [work],
        [agreement({ scope: { type: 'works', workIds: ['w2'] } })],
        ask('ai-train'),
      ),
    ).toMatchObject({
      reason: 'no-agreement',
    });
    expect(
      checkLicence([work], [agreement({ usages: ['search'] })], ask('ai-train')),
    ).toMatchObject({
      reason: 'usage-not-permitted',
    });
    expect(
      checkLicence(
        [work],
        [
          agreement({ usages: ['search'] }),
          agreement({}, { startsOn: '2030-01-01', lastDay: null }),
        ],
        ask('ai-train'),
      ),
    ).toMatchObject({ reason: 'outside-term' });
  });

  it('filters scope by kind and identifier scheme', () => {
    expect(
      checkLicence(
        [work],
        [agreement({ scope: { type: 'filter', kinds: ['image'] } })],
        ask('ai-train'),
      ),
    ).toMatchObject({
      reason: 'no-agreement',
    });
    expect(
      checkLicence(
        [work],
        [agreement({ scope: { type: 'filter', identifierSchemes: ['isbn'] } })],
        ask('ai-train'),
      ).licensed,
    ).toBe(true);
  });
});

describe('checkLicence with amendments', () => {
  const amended = agreement(
    {},
    {
      amendments: [
        {
          effectiveOn: '2027-07-01',
          terms: {
            ...agreement().terms,
            usages: ['ai-input'],
            pricing: { rates: [{ usage: 'ai-input', unit: 'request', per: 1, rate: '2' }] },
          },
        },
      ],
    },
  );

  it('applies the original terms up to the day before the amendment', () => {
    expect(checkLicence([work], [amended], ask('ai-train', '2027-06-30'))).toMatchObject({
      licensed: true,
      agreementVersion: 1,
      rate: { unit: 'token', per: 1000, rate: '0.5', currency: 'EUR' },
    });
    expect(checkLicence([work], [amended], ask('ai-input', '2027-06-30'))).toMatchObject({
      licensed: true,
      rate: null,
    });
  });

  it('applies the amended terms from its effective day on', () => {
    expect(checkLicence([work], [amended], ask('ai-train', '2027-07-01'))).toEqual({
      licensed: false,
      reason: 'usage-not-permitted',
      workId: 'w1',
    });
    expect(checkLicence([work], [amended], ask('ai-input', '2027-07-01'))).toMatchObject({
      licensed: true,
      agreementVersion: 2,
      rate: { unit: 'request', per: 1, rate: '2', currency: 'EUR' },
    });
  });
});
