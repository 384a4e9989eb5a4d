import {
  candidateAgreement as agreement,
  storedTerms,
} from '../../test/factories/offer-terms.factory';
import { CandidateAgreement } from '../licensing/licence-check';
import { OfferTerms } from '../licensing/offer-terms';
import { fixedCharges, revenueShares } from './fixed-charges';

const june = { start: '2027-06-01', end: '2027-06-30' };
/** The fixed charges of licensee `lic`'s agreements in a run over June 2027. */
const inJune = (...agreements: CandidateAgreement[]) => fixedCharges(agreements, 'lic', june);

const terms = (pricing: OfferTerms['pricing'], currency = 'EUR') =>
  storedTerms({ pricing, currency });

const charge = (over: Partial<ReturnType<typeof fixedCharges>[number]>) => ({
  licenseeId: 'lic',
  currency: 'EUR',
  flatFee: '0',
  minimum: '0',
  advance: '0',
  ...over,
});

describe('revenueShares', () => {
  it('lists each version that has a share (0 bps included), with its currency', () => {
    expect(
      revenueShares([
        agreement('a', terms({ revenueShareBps: 1500 }), '2027-01-01', [
          ['2027-03-01', terms({ flatFee: { amount: 100, period: 'month' } })],
          ['2027-05-01', terms({ revenueShareBps: 0 }, 'USD')],
        ]),
        agreement('b', terms({ flatFee: { amount: 100, period: 'month' } })),
      ]),
    ).toEqual([
      { agreementId: 'a', version: 1, bps: 1500, currency: 'EUR' },
      { agreementId: 'a', version: 3, bps: 0, currency: 'USD' },
    ]);
  });
});

describe('fixedCharges: whole periods', () => {
  it('charges a monthly flat fee and a quarterly minimum in force all June', () => {
    // 9,100 a quarter: June is 30 of Q2's 91 days, 3,000.
    expect(
      inJune(
        agreement(
          'a',
          terms({
            flatFee: { amount: 50_000, period: 'month' },
            minimumGuarantee: { amount: 9_100, period: 'quarter' },
          }),
        ),
      ),
    ).toEqual([
      charge({ agreementId: 'a', publisherId: 'pub-a', flatFee: '50000', minimum: '3000' }),
    ]);
  });
});

describe('fixedCharges: pro-rated', () => {
  it('writes a fraction that does not end as 30 decimals, truncated', () => {
    // 1,000 a month from 11 June: 20/30 of it, 666.666…
    const [row] = inJune(
      agreement('a', terms({ flatFee: { amount: 1_000, period: 'month' } }), '2027-06-11'),
    );
    expect(row.flatFee).toBe('666.' + '6'.repeat(30));
  });

  it('writes a fraction that ends without trailing zeros, and one below 1 with its leading zeros', () => {
    // 45 a month for one day of June: 1.5; 1 a month for one day: 1/30 = 0.0333…
    const [row] = inJune(
      agreement(
        'a',
        terms({
          flatFee: { amount: 45, period: 'month' },
          minimumGuarantee: { amount: 1, period: 'month' },
        }),
        '2027-06-30',
      ),
    );
    expect(row.flatFee).toBe('1.5');
    expect(row.minimum).toBe('0.0' + '3'.repeat(29));
  });

  it.each([
    // 1000 × 10/30 + 3000 × 10/30 = 333⅓ + 1,000.
    [3_000, '1333.' + '3'.repeat(30)],
    // 1000 × 10/30 + 2000 × 10/30 = 333⅓ + 666⅔ = 1,000.
    [2_000, '1000'],
  ])('adds each version’s share: 1,000 a month for 10 days, then %i for 10 days', (then, fee) => {
    const [row] = inJune(
      agreement('a', terms({ flatFee: { amount: 1_000, period: 'month' } }), '2027-06-11', [
        ['2027-06-21', terms({ flatFee: { amount: then, period: 'month' } })],
      ]),
    );
    expect(row.flatFee).toBe(fee);
  });

  it('adds a minimum guarantee over versions the same way', () => {
    // 600 a month for 15 days (300), then 900 a month for 15 days (450).
    const [row] = inJune(
      agreement('a', terms({ minimumGuarantee: { amount: 600, period: 'month' } }), '2027-01-01', [
        ['2027-06-16', terms({ minimumGuarantee: { amount: 900, period: 'month' } })],
      ]),
    );
    expect([row.flatFee, row.minimum]).toEqual(['0', '750']);
  });
});

describe('fixedCharges: advances and currency', () => {
  it('takes the advance of the first version that has one, and the last version’s currency', () => {
    expect(
      inJune(
        agreement('a', terms({ revenueShareBps: 100 }), '2027-01-01', [
          ['2027-02-01', terms({ advance: { amount: 5_000 } })],
          ['2027-03-01', terms({ advance: { amount: 7_000 } }, 'USD')],
        ]),
      ),
    ).toEqual([
      charge({ agreementId: 'a', publisherId: 'pub-a', currency: 'USD', advance: '5000' }),
    ]);
  });
});

describe('fixedCharges: nothing to charge', () => {
  it('leaves out agreements without a fee, minimum or advance, or whose fees fall outside the run', () => {
    expect(
      inJune(
        agreement('rates', terms({ revenueShareBps: 100 })),
        agreement('later', terms({ flatFee: { amount: 100, period: 'month' } }), '2027-07-01'),
        agreement('flat', terms({ flatFee: { amount: 100, period: 'month' } })),
        agreement('min', terms({ minimumGuarantee: { amount: 200, period: 'month' } })),
        agreement('adv', terms({ advance: { amount: 300 } })),
      ),
    ).toEqual([
      charge({ agreementId: 'flat', publisherId: 'pub-flat', flatFee: '100' }),
      charge({ agreementId: 'min', publisherId: 'pub-min', minimum: '200' }),
      charge({ agreementId: 'adv', publisherId: 'pub-adv', advance: '300' }),
    ]);
  });
});
