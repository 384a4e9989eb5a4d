/**
 * PostgreSQL text and jsonb cannot hold U+0000. JSON text can only carry it escaped, as
 * `\u0000` after an even number of backslashes, so the raw text tells without parsing.
 */
const ESCAPED_NUL = /(?:^|[^\\])(?:\\\\)*\\u0000/;

export function jsonHasNul(jsonText: string): boolean {
  return jsonText.includes('\\u0000') && ESCAPED_NUL.test(jsonText);
}
