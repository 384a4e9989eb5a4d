/**
 * PostgreSQL COPY text format: tab-separated fields, `\N` for null, backslash escapes for the
 * characters that would break a line or a field.
 */
const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

export function copyField(value: string | null | undefined): string {
  if (value === null || value === undefined) return '\\N';
  return NEEDS_ESCAPE.test(value) ? value.replace(/[\\\t\n\r]/g, (c) => ESCAPES[c]) : value;
}

/** A `text[]` literal: every element double-quoted, `"` and `\` escaped. */
export function arrayLiteral(values: string[]): string {
  let literal = '{';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) literal += ',';
    literal += `"${values[i].replace(/[\\"]/g, (c) => `\\${c}`)}"`;
  }
  return `${literal}}`;
}

export function copyLine(fields: (string | null | undefined)[]): string {
  let line = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(fields[i]);
  }
  return `${line}\n`;
}
