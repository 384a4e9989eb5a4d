import {
  addMonthsMinusOneDay,
  agreementPeriod,
  periodsOverlap,
  scopesOverlap,
  usagesOverlap,
} from './agreement-rules';

describe('agreement periods', () => {
  it('runs a duration from acceptance to the day before the same day months later', () => {
    expect(addMonthsMinusOneDay('2027-01-15', 12)).toBe('2028-01-14');
    expect(addMonthsMinusOneDay('2027-01-31', 1)).toBe('2027-02-27');
    expect(addMonthsMinusOneDay('2028-02-29', 12)).toBe('2029-02-27');
    expect(agreementPeriod({ durationMonths: 3 }, '2027-03-01')).toEqual({
      startsOn: '2027-03-01',
      endsOn: '2027-05-31',
    });
    expect(agreementPeriod({ start: '2027-01-01' }, '2026-11-25')).toEqual({
      startsOn: '2027-01-01',
      endsOn: null,
    });
  });

  it('overlaps on a shared day, first and last days included', () => {
    expect(
      periodsOverlap(
        { startsOn: '2027-01-01', endsOn: '2027-06-30' },
        { startsOn: '2027-06-30', endsOn: null },
      ),
    ).toBe(true);
    expect(
      periodsOverlap(
        { startsOn: '2027-01-01', endsOn: '2027-06-30' },
        { startsOn: '2027-07-01', endsOn: null },
      ),
    ).toBe(false);
    expect(
      periodsOverlap(
        { startsOn: '2027-01-01', endsOn: null },
        { startsOn: '2020-01-01', endsOn: '2026-12-31' },
      ),
    ).toBe(false);
  });
});

describe('overlap of what is priced', () => {
  it('treats ai-all and all as covering the narrower usages', () => {
    expect(usagesOverlap(['ai-all'], ['ai-train'])).toBe(true);
    expect(usagesOverlap(['search'], ['ai-train'])).toBe(false);
    expect(usagesOverlap(['x-acme:finetune'], ['all'])).toBe(true);
  });

  it('compares scopes by works, kinds, or conservatively', () => {
    expect(
      scopesOverlap({ type: 'works', workIds: ['a', 'b'] }, { type: 'works', workIds: ['c'] }),
    ).toBe(false);
    expect(scopesOverlap({ type: 'works', workIds: ['a'] }, { type: 'all' })).toBe(true);
    expect(
      scopesOverlap({ type: 'filter', kinds: ['book'] }, { type: 'filter', kinds: ['image'] }),
    ).toBe(false);
    expect(
      scopesOverlap({ type: 'filter', kinds: ['book'] }, { type: 'works', workIds: ['a'] }),
    ).toBe(true);
  });
});
