import { safeNext } from './session';

describe('the page to return to after sign-in', () => {
  it('is a path of this console, never another origin or the API', () => {
    expect(safeNext('/finance/invoices?status=all')).toBe('/finance/invoices?status=all');
    expect(safeNext(null)).toBeNull();
    expect(safeNext('https://evil.example/')).toBeNull();
    expect(safeNext('//evil.example/')).toBeNull();
    expect(safeNext('/\\evil.example/')).toBeNull();
    expect(safeNext('/finance\\..\\x')).toBeNull();
    expect(safeNext('/fin\u0000ance')).toBeNull();
    expect(safeNext('/v1/me')).toBeNull();
  });
});
