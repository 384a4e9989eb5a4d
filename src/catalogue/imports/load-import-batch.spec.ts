import { bind } from './load-import-batch';

describe('bind', () => {
  it('numbers named parameters in order of first use and leaves casts alone', () => {
    expect(
      bind(`SELECT :b::date, split_part(i, ':', 1), :a, :b, x::text`, { a: 1, b: '2027-01-01' }),
    ).toEqual([`SELECT $1::date, split_part(i, ':', 1), $2, $1, x::text`, ['2027-01-01', 1]]);
  });

  it('refuses a placeholder without a value', () => {
    expect(() => bind('SELECT :missing', {})).toThrow('no value for :missing');
  });
});
