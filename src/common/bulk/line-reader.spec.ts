import { Readable } from 'node:stream';
import { readCsv, readNdjson, ImportLine } from './line-reader';
import { csvHeaderProblem, csvRecordToInput } from '../../catalogue/imports/import-record';

const works = { headerProblem: csvHeaderProblem, toInput: csvRecordToInput };

async function all(chunks: AsyncGenerator<ImportLine[]>): Promise<ImportLine[]> {
  const out: ImportLine[] = [];
  for await (const lines of chunks) out.push(...lines);
  return out;
}

describe('readNdjson', () => {
  it('numbers lines as the file does, skipping blanks and flagging bad JSON', async () => {
    const body = Readable.from(['{"a":1}\n\n{"b":', '2}\r\nnot json\n{"c":3}']);
    expect(await all(readNdjson(body))).toEqual([
      { lineNo: 1, input: { a: 1 } },
      { lineNo: 3, input: { b: 2 } },
      { lineNo: 4, parseError: 'not valid JSON' },
      { lineNo: 5, input: { c: 3 } },
    ]);
  });

  it('refuses a file with a line too long to be a work, without holding it', async () => {
    const body = Readable.from([
      '{"a":1}\n',
      '{"title":"',
      'x'.repeat(600_000),
      'x'.repeat(600_000),
    ]);
    await expect(all(readNdjson(body))).rejects.toThrow('Line 2 is longer than 1048576 characters');
  });

  it('refuses a body whose first line is not a JSON object', async () => {
    await expect(all(readNdjson(Readable.from(['title,kind\n'])))).rejects.toThrow(
      'The body is not NDJSON: line 1 is not JSON',
    );
    await expect(all(readNdjson(Readable.from(['[1,2]\n'])))).rejects.toThrow(
      'line 1 is not a JSON object',
    );
  });
});

describe('readCsv', () => {
  it('reads quoted fields across lines and keeps the file line numbers', async () => {
    const body = Readable.from([
      'externalId,title,kind\n',
      'W-1,"A, title",book\n',
      'W-2,"Two\nlines",article\n',
      'W-3,"broken,book\n',
    ]);
    // A parse error may surface before records still buffered: order by line to compare.
    const lines = (await all(readCsv(body, works))).sort((a, b) => a.lineNo - b.lineNo);
    expect(lines).toEqual([
      { lineNo: 2, input: { externalId: 'W-1', title: 'A, title', kind: 'book' } },
      { lineNo: 4, input: { externalId: 'W-2', title: 'Two\nlines', kind: 'article' } },
      {
        lineNo: 5,
        parseError: 'Quote Not Closed: the parsing is finished with an opening quote at line 5',
      },
    ]);
  });

  it('rejects a record with the wrong number of cells, alone', async () => {
    const body = Readable.from(['externalId,title,kind\nW-1,T\nW-2,T,book\n']);
    const lines = await all(readCsv(body, works));
    expect(lines).toEqual([
      { lineNo: 2, parseError: expect.stringContaining('Invalid Record Length') },
      { lineNo: 3, input: { externalId: 'W-2', title: 'T', kind: 'book' } },
    ]);
  });

  it('refuses a header it does not know', async () => {
    await expect(all(readCsv(Readable.from(['{"externalId":"x"}\n']), works))).rejects.toThrow(
      'The body is not CSV as documented',
    );
  });
});
