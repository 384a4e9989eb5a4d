import { arrayLiteral, copyField, copyLine } from './copy-text';

describe('COPY text encoding', () => {
  it('escapes what would break a field or a line, and writes null as \\N', () => {
    expect(copyField('plain')).toBe('plain');
    expect(copyField('a\tb\nc\rd\\e')).toBe('a\\tb\\nc\\rd\\\\e');
    expect(copyField(null)).toBe('\\N');
    expect(copyLine(['1', null, 'x\ty'])).toBe('1\t\\N\tx\\ty\n');
  });

  it('writes text[] literals that survive quotes, backslashes and commas', () => {
    expect(arrayLiteral([])).toBe('{}');
    expect(arrayLiteral(['isbn:9780306406157', 'url:https://e.com/a,b?x="1"\\'])).toBe(
      '{"isbn:9780306406157","url:https://e.com/a,b?x=\\"1\\"\\\\"}',
    );
  });
});
