import { normalizeIdentifier } from './identifier';

const isni = (value: string) => normalizeIdentifier('isni', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'isni', value } });

describe('isni: an ISNI with an X check character', () => {
  it('normalizes 0000 0001 2146 438X to 16 characters', () => {
    expect(isni('0000 0001 2146 438X')).toEqual(normalized('000000012146438X'));
  });
});

describe('isni: an ISNI with a digit check character', () => {
  it('is accepted', () => {
    expect(isni('0000 0001 2103 2683')).toEqual(normalized('0000000121032683'));
  });
});

describe('isni: equivalent forms', () => {
  it('drops spaces and capitalizes X', () => {
    for (const form of [
      '000000012146438X',
      '000000012146438x',
      '0000 0001 2146 438x',
      '0000000 12146438X',
    ]) {
      expect(isni(form)).toEqual(normalized('000000012146438X'));
    }
  });
});

describe('isni: a wrong check character', () => {
  it('names the expected one', () => {
    expect(isni('0000 0001 2146 4381')).toEqual({
      ok: false,
      reason: 'isni 0000000121464381 has a wrong check digit (expected X)',
    });
    expect(isni('000000012103268X')).toEqual({
      ok: false,
      reason: 'isni 000000012103268X has a wrong check digit (expected 3)',
    });
  });
});

describe('isni: malformed values', () => {
  it('rejects a wrong length, letters, a misplaced X and hyphens', () => {
    const reason =
      'isni must be 16 characters, 15 digits and a check digit or X, with optional spaces';
    for (const value of [
      '0000 0001 2146 438',
      '0000 0001 2146 438X0',
      '0000 000X 2146 4380',
      '0000-0001-2146-438X',
      'ISNI 0000 0001 2146 438X',
    ]) {
      expect(isni(value)).toEqual({ ok: false, reason });
    }
  });
});
