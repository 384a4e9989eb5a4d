import { normalizeIdentifier } from './identifier';

const isrc = (value: string) => normalizeIdentifier('isrc', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'isrc', value } });

describe('isrc: a compact ISRC', () => {
  it('accepts USRC17607839 as is', () => {
    expect(isrc('USRC17607839')).toEqual(normalized('USRC17607839'));
  });
});

describe('isrc: equivalent forms', () => {
  it('drops hyphens and upper-cases', () => {
    for (const form of ['US-RC1-76-07839', 'usrc17607839', 'us-rc1-76-07839', 'USRC1-76-07839']) {
      expect(isrc(form)).toEqual(normalized('USRC17607839'));
    }
  });
});

describe('isrc: malformed values', () => {
  it('rejects a wrong length, a digit in the country, a letter in the year or designation', () => {
    const reason =
      'isrc must be 12 characters, CC-XXX-YY-NNNNN (country, registrant, year, designation)';
    for (const value of [
      'USRC1760783',
      'USRC176078390',
      'U1RC17607839',
      'USRC1A607839',
      'USRC1760783A',
      'US-RC-176-07839',
      'US RC1 76 07839',
    ]) {
      expect(isrc(value)).toEqual({ ok: false, reason });
    }
  });
});
