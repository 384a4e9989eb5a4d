import { findInputHazard, MAX_INPUT_DEPTH } from './input-hazards';

const nested = (depth: number): unknown => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('findInputHazard: text PostgreSQL cannot hold', () => {
  it('finds a NUL in a value, at its path', () => {
    expect(findInputHazard({ a: [{ b: 'x\u0000' }] }, '')).toEqual({
      code: 'invalid-characters',
      field: 'a.0.b',
      message: 'a.0.b contains a NUL character (U+0000), which text cannot hold',
    });
  });

  it('finds a NUL in a key', () => {
    expect(findInputHazard({ 'k\u0000': 1 }, 'query')?.field).toBe('query.k\u0000');
  });

  it('finds a lone high or low surrogate, not a pair', () => {
    expect(findInputHazard({ t: 'a\ud800' }, '')?.message).toBe(
      't contains a lone UTF-16 surrogate, which is not a character',
    );
    expect(findInputHazard({ t: '\udc00b' }, '')?.code).toBe('invalid-characters');
    expect(findInputHazard({ t: '\ud83d\udcda' }, '')).toBeUndefined();
  });

  it('names the body itself when the body is the string', () => {
    expect(findInputHazard('\u0000', '')?.message).toBe(
      'The body contains a NUL character (U+0000), which text cannot hold',
    );
  });
});

describe('findInputHazard: depth', () => {
  it(`takes values nested ${MAX_INPUT_DEPTH} deep`, () => {
    expect(MAX_INPUT_DEPTH).toBe(32);
    expect(findInputHazard(nested(32), '')).toBeUndefined();
  });

  it('refuses one level more, naming where', () => {
    expect(findInputHazard(nested(33), '')).toEqual({
      code: 'input-too-deep',
      field: Array(32).fill('0').join('.'),
      message: `${Array(32).fill('0').join('.')} nests deeper than 32 levels`,
    });
  });

  it('walks 100,000 levels without overflowing its own stack', () => {
    expect(findInputHazard(nested(100_000), '')?.code).toBe('input-too-deep');
  });

  it('ignores numbers, booleans and null', () => {
    expect(findInputHazard({ a: 1, b: true, c: null, d: [1.5] }, '')).toBeUndefined();
  });
});
