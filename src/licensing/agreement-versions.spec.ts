import { candidateAgreement, storedTerms } from '../../test/factories/offer-terms.factory';
import { agreementVersions } from './agreement-versions';
import { CandidateAgreement } from './licence-check';

/** An agreement whose versions are told apart by their titles. */
const agreement = (
  startsOn: string,
  lastDay: string | null,
  amendments: [string, string][] = [],
): CandidateAgreement =>
  candidateAgreement(
    'a1',
    storedTerms({ title: 'v1' }),
    startsOn,
    amendments.map(([effectiveOn, title]) => [effectiveOn, storedTerms({ title })]),
    lastDay,
  );

const spans = (a: CandidateAgreement) =>
  agreementVersions(a).map((v) => [v.version, v.terms.title, v.fromDate, v.toDate]);

describe('agreementVersions: no amendment', () => {
  it('is version 1 from the start to the last day, or open-ended', () => {
    expect(spans(agreement('2027-01-01', '2027-12-31'))).toEqual([
      [1, 'v1', '2027-01-01', '2027-12-31'],
    ]);
    expect(spans({ ...agreement('2027-01-01', null), amendments: undefined })).toEqual([
      [1, 'v1', '2027-01-01', null],
    ]);
  });
});

describe('agreementVersions: amendments', () => {
  it('end each version the day before the next takes effect (across months and years)', () => {
    expect(
      spans(
        agreement('2027-01-15', null, [
          ['2027-03-01', 'v2'],
          ['2028-01-01', 'v3'],
        ]),
      ),
    ).toEqual([
      [1, 'v1', '2027-01-15', '2027-02-28'],
      [2, 'v2', '2027-03-01', '2027-12-31'],
      [3, 'v3', '2028-01-01', null],
    ]);
  });

  it('keeps a version in force for one day, and drops one replaced on its first day', () => {
    expect(
      spans(
        agreement('2027-06-01', '2027-06-30', [
          ['2027-06-02', 'v2'],
          ['2027-06-10', 'v3'],
          ['2027-06-10', 'v4'],
        ]),
      ),
    ).toEqual([
      [1, 'v1', '2027-06-01', '2027-06-01'],
      [2, 'v2', '2027-06-02', '2027-06-09'],
      [4, 'v4', '2027-06-10', '2027-06-30'],
    ]);
  });

  it('drops versions that take effect after the last day', () => {
    expect(spans(agreement('2027-01-01', '2027-03-31', [['2027-04-01', 'v2']]))).toEqual([
      [1, 'v1', '2027-01-01', '2027-03-31'],
    ]);
  });
});
