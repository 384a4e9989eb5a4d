import { normalizeIdentifier } from './identifier';

const isbn = (value: string) => normalizeIdentifier('isbn', value);
const normalized = (value: string) => ({ ok: true, identifier: { scheme: 'isbn', value } });

describe('isbn: a hyphenated ISBN-13', () => {
  it('normalizes 978-0-306-40615-7 to its 13 digits', () => {
    expect(isbn('978-0-306-40615-7')).toEqual(normalized('9780306406157'));
  });
});

describe('isbn: an ISBN-10', () => {
  it('converts 0-306-40615-2 to its 978-prefixed ISBN-13 with a recomputed check digit', () => {
    expect(isbn('0-306-40615-2')).toEqual(normalized('9780306406157'));
  });
});

describe('isbn: equivalent forms', () => {
  it('normalizes hyphens, spaces, surrounding blanks and the ISBN-10 form to one value', () => {
    for (const form of [
      '9780306406157',
      '978 0 306 40615 7',
      ' 978-0306406157 ',
      '0306406152',
      '0 306 40615 2',
    ]) {
      expect(isbn(form)).toEqual(normalized('9780306406157'));
    }
  });
});

describe('isbn: an ISBN-10 ending in X', () => {
  it('accepts X in either case as the check character', () => {
    expect(isbn('0-8044-2957-X')).toEqual(normalized('9780804429573'));
    expect(isbn('080442957x')).toEqual(normalized('9780804429573'));
  });
});

describe('isbn: a 979 ISBN-13', () => {
  it('is accepted as is', () => {
    expect(isbn('979-10-90636-07-1')).toEqual(normalized('9791090636071'));
  });
});

describe('isbn: a wrong ISBN-13 check digit', () => {
  it('names the expected digit', () => {
    expect(isbn('978-0-306-40615-8')).toEqual({
      ok: false,
      reason: 'isbn 9780306406158 has a wrong check digit (expected 7)',
    });
  });
});

describe('isbn: a wrong ISBN-10 check digit', () => {
  it('names the expected digit, X included', () => {
    expect(isbn('0-306-40615-3')).toEqual({
      ok: false,
      reason: 'isbn 0306406153 has a wrong check digit (expected 2)',
    });
    expect(isbn('0804429571')).toEqual({
      ok: false,
      reason: 'isbn 0804429571 has a wrong check digit (expected X)',
    });
  });

  it('shows a lower-case x as X', () => {
    expect(isbn('030640615x')).toEqual({
      ok: false,
      reason: 'isbn 030640615X has a wrong check digit (expected 2)',
    });
  });
});

describe('isbn: an ISBN-13 outside 978 and 979', () => {
  it('is rejected', () => {
    expect(isbn('9770306406157')).toEqual({
      ok: false,
      reason: 'isbn 9770306406157 must start with 978 or 979',
    });
  });
});

describe('isbn: malformed values', () => {
  it('rejects letters, a misplaced X and a prefix', () => {
    const reason =
      'isbn must be digits with optional hyphens or spaces (X only as the last ISBN-10 character)';
    for (const value of ['ISBN 9780306406157', '97803064061X7', '978030640615X', '03064O6152']) {
      expect(isbn(value)).toEqual({ ok: false, reason });
    }
  });

  it('rejects a character below 0, an X in another place, another letter last', () => {
    const reason =
      'isbn must be digits with optional hyphens or spaces (X only as the last ISBN-10 character)';
    // Each would pass its check digit were the odd character read as a digit ('/' as −1, 'X' as
    // 40: their distance from '0'), worked out by hand: before the check digit, 9780/06406151
    // sums to 89 and 978030640X155 to 195 (weights 1, 3, 1, …), X030640616 to 500 (10 down to 2).
    for (const value of ['9780/06406151', '978030640X155', 'X030640616', '030640615Y']) {
      expect(isbn(value)).toEqual({ ok: false, reason });
    }
  });

  it('rejects a wrong number of digits', () => {
    expect(isbn('978-0-306-4061')).toEqual({
      ok: false,
      reason: 'isbn must have 10 or 13 digits (got 11)',
    });
  });
});
