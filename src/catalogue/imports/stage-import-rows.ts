import { arrayLiteral, copyLine } from '../../common/bulk/copy-text';
import { ImportLine } from '../../common/bulk/line-reader';
import { newId } from '../../common/ids';
import { validateWorkRecord } from './import-record';

/** Roughly 64 KiB of COPY text per write. */
const CHUNK = 64 * 1024;

/** Each line as a COPY row: valid lines with their data, rejected ones with the reason. */
export async function* stageImportRows(
  importId: string,
  chunks: AsyncIterable<ImportLine[]>,
  received: { lastLine: number },
): AsyncGenerator<string> {
  let chunk = '';
  for await (const lines of chunks) {
    for (const line of lines) {
      if (line.lineNo > received.lastLine) received.lastLine = line.lineNo;
      const result =
        'parseError' in line
          ? { ok: false as const, reason: line.parseError, externalId: null }
          : validateWorkRecord(line.input);
      const lineNo = String(line.lineNo);
      if (result.ok) {
        const work = result.work;
        chunk += copyLine([
          importId,
          lineNo,
          null,
          newId(),
          work.externalId,
          work.title,
          work.kind,
          work.language,
          work.publishedAt,
          JSON.stringify(work.metadata),
          arrayLiteral(work.identifiers),
          work.splits ? JSON.stringify(work.splits) : null,
        ]);
      } else {
        const externalId =
          typeof result.externalId === 'string' ? result.externalId.slice(0, 200) : null;
        chunk += copyLine([
          importId,
          lineNo,
          result.reason,
          null,
          externalId,
          null,
          null,
          null,
          null,
          null,
          null,
          null,
        ]);
      }
    }
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}
