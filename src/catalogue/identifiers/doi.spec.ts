import { normalizeIdentifier } from './identifier';

const doi = (value: string) => normalizeIdentifier('doi', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'doi', value } });

describe('doi: a bare DOI', () => {
  it('accepts 10.1000/182 as is', () => {
    expect(doi('10.1000/182')).toEqual(normalized('10.1000/182'));
  });
});

describe('doi: equivalent forms', () => {
  it('strips doi: and resolver prefixes in any case and lower-cases the DOI', () => {
    for (const form of [
      '10.1000/ABC.def',
      'doi:10.1000/abc.DEF',
      'DOI: 10.1000/abc.def',
      'https://doi.org/10.1000/abc.def',
      'HTTPS://DOI.ORG/10.1000/ABC.DEF',
      'http://dx.doi.org/10.1000/abc.def',
      'https://dx.doi.org/10.1000/abc.def',
    ]) {
      expect(doi(form)).toEqual(normalized('10.1000/abc.def'));
    }
  });
});

describe('doi: a registrant with subdivisions', () => {
  it('is accepted', () => {
    expect(doi('10.1000.10/XYZ')).toEqual(normalized('10.1000.10/xyz'));
  });
});

describe('doi: a percent-encoded resolver URL', () => {
  it('decodes the suffix, which the URL form encodes', () => {
    expect(doi('https://doi.org/10.1002/%28SICI%291097-4636%23x')).toEqual(
      normalized('10.1002/(sici)1097-4636#x'),
    );
  });

  it('rejects malformed percent-encoding', () => {
    expect(doi('https://doi.org/10.1000/%E0%A4%A')).toEqual({
      ok: false,
      reason: 'doi resolver URL has malformed percent-encoding',
    });
  });
});

describe('doi: non-ASCII characters', () => {
  it('keep their case, as DOIs are case-insensitive for ASCII only', () => {
    expect(doi('10.1000/ÄBC')).toEqual(normalized('10.1000/Äbc'));
  });
});

describe('doi: malformed values', () => {
  it('rejects a short registrant, a missing suffix, spaces and other prefixes', () => {
    const reason = 'doi must look like 10.<registrant>/<suffix>';
    for (const value of [
      '10.100/182',
      '10.1234567890/1',
      '10.1000/',
      '10.1000',
      '11.1000/182',
      '10.1000/a b',
      '10.1000/a\u0000',
      'https://example.org/10.1000/182',
      'doi:',
    ]) {
      expect(doi(value)).toEqual({ ok: false, reason });
    }
  });

  it('strips a prefix only at the start', () => {
    // Cut at the length of a "doi:" found later, this would leave 10.1000/doi:x.
    expect(doi('abcd10.1000/doi:x')).toEqual({
      ok: false,
      reason: 'doi must look like 10.<registrant>/<suffix>',
    });
  });
});
