import { normalizeIdentifier } from './identifier';

const issn = (value: string) => normalizeIdentifier('issn', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'issn', value } });

describe('issn: valid ISSNs', () => {
  it('accepts 0317-8471 and 2049-3630 as they are', () => {
    expect(issn('0317-8471')).toEqual(normalized('0317-8471'));
    expect(issn('2049-3630')).toEqual(normalized('2049-3630'));
  });
});

describe('issn: equivalent forms', () => {
  it('adds the hyphen and capitalizes X', () => {
    expect(issn('03178471')).toEqual(normalized('0317-8471'));
    expect(issn(' 2049-3630 ')).toEqual(normalized('2049-3630'));
    expect(issn('2434-561x')).toEqual(normalized('2434-561X'));
    expect(issn('2434561x')).toEqual(normalized('2434-561X'));
    expect(issn('2434-561X')).toEqual(normalized('2434-561X'));
  });
});

describe('issn: a wrong check digit', () => {
  it('names the expected digit, X included', () => {
    expect(issn('0317-8472')).toEqual({
      ok: false,
      reason: 'issn 0317-8472 has a wrong check digit (expected 1)',
    });
    expect(issn('24345610')).toEqual({
      ok: false,
      reason: 'issn 2434-5610 has a wrong check digit (expected X)',
    });
    expect(issn('0317-847x')).toEqual({
      ok: false,
      reason: 'issn 0317-847X has a wrong check digit (expected 1)',
    });
  });
});

describe('issn: malformed values', () => {
  it('rejects a misplaced hyphen, letters, a check character other than a digit or X and a wrong length', () => {
    const reason = 'issn must be 8 characters, NNNN-NNNC, with an optional hyphen';
    for (const value of [
      '03178-471',
      '0317 8471',
      'O317-8471',
      '0317-847',
      '0317-84711',
      'X317-8471',
      '0317-847A',
      '0317-847/',
    ]) {
      expect(issn(value)).toEqual({ ok: false, reason });
    }
  });
});
