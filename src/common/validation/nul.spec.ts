import { jsonHasNul } from './nul';

describe('jsonHasNul', () => {
  it('finds an escaped NUL, not an escaped backslash followed by u0000', () => {
    expect(jsonHasNul(JSON.stringify({ title: 'a\u0000b' }))).toBe(true);
    expect(jsonHasNul(JSON.stringify({ title: 'a\\u0000b' }))).toBe(false);
    expect(jsonHasNul(JSON.stringify({ title: 'a\\\u0000b' }))).toBe(true);
    expect(jsonHasNul('"\\u0000"')).toBe(true);
    expect(jsonHasNul(JSON.stringify({ title: 'plain' }))).toBe(false);
  });
});
