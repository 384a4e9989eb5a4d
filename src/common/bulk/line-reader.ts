import { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import { parse } from 'csv-parse';
import { BadRequest } from '../errors/domain-error';
import { jsonHasNul } from '../validation/nul';

/** What a CSV upload's columns mean: the header check and a record's conversion to input. */
export interface CsvShape {
  /** Why the header is not this CSV, or null. */
  headerProblem(header: string[]): string | null;
  /** The record as input, or why it cannot be one. */
  toInput(record: Record<string, string>): Record<string, unknown> | string;
}

/** One line of an upload: the parsed input, or why it could not be parsed. */
export type ImportLine =
  { lineNo: number; input: unknown } | { lineNo: number; parseError: string };

export type ImportFormat = 'ndjson' | 'csv';

/** The streamed format a Content-Type names, or null: the caller answers 415 in its own words. */
export function streamedFormat(contentType: string | undefined): ImportFormat | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  if (type === 'text/csv') return 'csv';
  if (['application/x-ndjson', 'application/ndjson', 'application/jsonl'].includes(type))
    return 'ndjson';
  return null;
}

/** No valid line comes near this (metadata is at most 16 KiB); past it the file is refused. */
export const MAX_LINE_CHARACTERS = 1024 * 1024;

/**
 * Numbers and parses the lines of an NDJSON body, one at a time. A first line that is not a JSON
 * object means the body is not NDJSON at all: 400, nothing stored.
 */
export class NdjsonLines {
  /** The number of the line last read (blank lines count). */
  lineNo = 0;
  private first = true;

  /** The next line, parsed, or why it could not be; null when it is blank. */
  parse(raw: string): ImportLine | null {
    const lineNo = ++this.lineNo;
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return null;
    if (jsonHasNul(line)) {
      return {
        lineNo,
        parseError: 'the line contains a NUL character (\\u0000), which text cannot hold',
      };
    }
    let input: unknown;
    try {
      input = JSON.parse(line);
    } catch {
      if (this.first) throw notOfFormat('ndjson', `line ${lineNo} is not JSON`);
      return { lineNo, parseError: 'not valid JSON' };
    }
    if (this.first && (typeof input !== 'object' || input === null || Array.isArray(input))) {
      throw notOfFormat('ndjson', `line ${lineNo} is not a JSON object`);
    }
    this.first = false;
    return { lineNo, input };
  }

  /** The next line was read elsewhere (a faster reader of one shape), as a JSON object. */
  readObject(): number {
    this.first = false;
    return ++this.lineNo;
  }
}

/**
 * NDJSON, one object per line, streamed, yielded a chunk's worth of lines at a time (one await
 * per chunk, not per line: a file has millions). Blank lines are skipped.
 */
export async function* readNdjson(body: Readable): AsyncGenerator<ImportLine[]> {
  const decoder = new StringDecoder('utf8');
  const reader = new NdjsonLines();
  let rest = '';
  for await (const chunk of body as AsyncIterable<Buffer>) {
    const text = rest + decoder.write(chunk);
    const lines: ImportLine[] = [];
    let start = 0;
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', start)) {
      const line = reader.parse(text.slice(start, newline));
      if (line) lines.push(line);
      start = newline + 1;
    }
    rest = text.slice(start);
    if (rest.length > MAX_LINE_CHARACTERS) throw lineTooLong(reader.lineNo + 1);
    if (lines.length) yield lines;
  }
  rest += decoder.end();
  if (rest !== '') {
    const line = reader.parse(rest);
    if (line) yield [line];
  }
}

export function lineTooLong(lineNo: number): BadRequest {
  return new BadRequest(
    'line-too-long',
    `Line ${lineNo} is longer than ${MAX_LINE_CHARACTERS} characters`,
  );
}

/**
 * CSV with a header row (columns as `shape` says), streamed; quoted fields may hold commas,
 * quotes and line breaks. A record that cannot be parsed is rejected alone; a header that
 * cannot be read means the body is not our CSV: 400.
 */
export async function* readCsv(body: Readable, shape: CsvShape): AsyncGenerator<ImportLine[]> {
  const skipped: ImportLine[] = [];
  let headerRead = false;
  const parser = body.pipe(
    parse({
      bom: true,
      columns: (header: string[]) => {
        const problem = shape.headerProblem(header.map((column) => column.trim()));
        if (problem) throw notOfFormat('csv', problem);
        headerRead = true;
        return header.map((column) => column.trim());
      },
      skip_empty_lines: true,
      max_record_size: MAX_LINE_CHARACTERS,
      skip_records_with_error: true,
      info: true,
    }),
  );
  parser.on('skip', (error: Error & { lines?: number }) => {
    // A header row that cannot be parsed (NDJSON sent as text/csv, say) is not a rejected line:
    // the body is not CSV at all, and nothing of it is stored.
    if (!headerRead) {
      parser.destroy(notOfFormat('csv', `its header row cannot be read (${error.message})`));
      return;
    }
    // One line may raise more than one error; it is rejected once, under its own number.
    const lineNo = error.lines ?? 0;
    if (skipped.at(-1)?.lineNo === lineNo) return;
    skipped.push({ lineNo, parseError: error.message });
  });
  body.on('error', (error) => parser.destroy(error));
  for await (const { record, info } of parser as AsyncIterable<{
    record: Record<string, string>;
    info: { lines: number };
  }>) {
    if (skipped.length) yield skipped.splice(0);
    const input = shape.toInput(record);
    yield [
      typeof input === 'string'
        ? { lineNo: info.lines, parseError: input }
        : { lineNo: info.lines, input },
    ];
  }
  if (skipped.length) yield skipped.splice(0);
}

function notOfFormat(format: ImportFormat, why: string): BadRequest {
  return new BadRequest(
    'unreadable-import',
    `The body is not ${format === 'ndjson' ? 'NDJSON' : 'CSV as documented'}: ${why}`,
  );
}

export function readImport(
  format: ImportFormat,
  body: Readable,
  csv: CsvShape,
): AsyncGenerator<ImportLine[]> {
  return format === 'ndjson' ? readNdjson(body) : readCsv(body, csv);
}
