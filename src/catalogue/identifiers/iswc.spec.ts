import { normalizeIdentifier } from './identifier';

const iswc = (value: string) => normalizeIdentifier('iswc', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'iswc', value } });

describe('iswc: a formatted ISWC', () => {
  it('normalizes T-034.524.680-1 to T0345246801', () => {
    expect(iswc('T-034.524.680-1')).toEqual(normalized('T0345246801'));
  });
});

describe('iswc: equivalent forms', () => {
  it('drops separators and capitalizes the T', () => {
    for (const form of [
      'T0345246801',
      't0345246801',
      't-034.524.680-1',
      'T-034524680-1',
      'T.034.524.680.1',
    ]) {
      expect(iswc(form)).toEqual(normalized('T0345246801'));
    }
  });
});

describe('iswc: a wrong check digit', () => {
  it('names the expected digit', () => {
    expect(iswc('T-034.524.680-2')).toEqual({
      ok: false,
      reason: 'iswc T0345246802 has a wrong check digit (expected 1)',
    });
    expect(iswc('T-345.246.800-1')).toEqual({
      ok: false,
      reason: 'iswc T3452468001 has a wrong check digit (expected 3)',
    });
  });
});

describe('iswc: malformed values', () => {
  it('rejects a missing T, letters and other separators', () => {
    const reason =
      'iswc must be T followed by 10 digits, with optional - and . separators (T-345.246.800-3)';
    for (const value of ['0345246801', 'T 034 524 680 1', 'T-034.524.68O-1', 'TT0345246801']) {
      expect(iswc(value)).toEqual({ ok: false, reason });
    }
  });

  it('rejects a wrong number of digits', () => {
    expect(iswc('T-034.524.680')).toEqual({
      ok: false,
      reason: 'iswc must have 10 digits after the T (got 9)',
    });
    expect(iswc('T-034.524.680-12')).toEqual({
      ok: false,
      reason: 'iswc must have 10 digits after the T (got 11)',
    });
  });
});
