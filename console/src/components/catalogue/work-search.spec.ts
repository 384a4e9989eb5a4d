import { workSearch } from './work-search';

describe('workSearch', () => {
  it('sends identifiers to identifier=, the scheme typed or guessed from the shape', () => {
    expect(workSearch(' isbn:0-306-40615-2 ')).toEqual({
      by: 'identifier',
      identifier: 'isbn:0-306-40615-2',
      explicit: true,
    });
    expect(workSearch('DOI:10.1000/182')).toEqual({
      by: 'identifier',
      identifier: 'DOI:10.1000/182',
      explicit: true,
    });
    expect(workSearch('0-306-40615-2')).toEqual({
      by: 'identifier',
      identifier: 'isbn:0-306-40615-2',
      explicit: false,
    });
    expect(workSearch('978 0 306 40615 7')).toMatchObject({ identifier: 'isbn:978 0 306 40615 7' });
    expect(workSearch('080442957X')).toMatchObject({ identifier: 'isbn:080442957X' });
    expect(workSearch('10.1000/182')).toMatchObject({ identifier: 'doi:10.1000/182' });
    expect(workSearch('https://doi.org/10.1000/182')).toMatchObject({
      identifier: 'doi:https://doi.org/10.1000/182',
    });
    expect(workSearch('https://example.com/a')).toMatchObject({
      identifier: 'url:https://example.com/a',
    });
    expect(workSearch('0317-8471')).toMatchObject({ identifier: 'issn:0317-8471' });
  });

  it('sends anything else to q= (title text or exact external id)', () => {
    expect(workSearch('The Engine')).toEqual({ by: 'text', q: 'The Engine' });
    expect(workSearch('NWP-000123')).toEqual({ by: 'text', q: 'NWP-000123' });
    expect(workSearch('12345')).toEqual({ by: 'text', q: '12345' });
    expect(workSearch('   ')).toEqual({ by: 'none' });
  });
});
