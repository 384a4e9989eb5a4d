/**
 * A worker thread's half of staging a large NDJSON upload (see threaded-staging.ts): raw bytes
 * in, COPY text out, in order. Parsing and validating are most of an upload's work; here they
 * run beside the request thread, which keeps receiving, hashing and writing to PostgreSQL.
 */
import { PassThrough } from 'node:stream';
import { parentPort, workerData } from 'node:worker_threads';
import { readNdjson } from '../common/bulk/line-reader';
import { DomainError } from '../common/errors/domain-error';
import { RepeatWatch } from './repeat-watch';
import { Received, stageLines } from './stage-lines';
import { ReportPeriod } from './usage-line';

/** Messages from the request thread. */
export type ToStagingThread = { chunk: Uint8Array } | { end: true };

/** Messages to the request thread. */
export type FromStagingThread =
  | { copy: string }
  | { consumed: true }
  | { done: { lines: string; units: string; invalid: string; suspects: string[] | null } }
  | { failed: { code: string | null; status: number | null; detail: string } };

export interface StagingThreadData {
  period: ReportPeriod;
  expectedLines: number;
}

function run(port: NonNullable<typeof parentPort>, data: StagingThreadData): void {
  const post = (message: FromStagingThread) => port.postMessage(message);
  const input = new PassThrough({ highWaterMark: 256 * 1024 });
  port.on('message', (message: ToStagingThread) => {
    if ('end' in message) input.end();
    else input.write(message.chunk, () => post({ consumed: true }));
  });
  const received: Received = {
    lines: 0n,
    units: 0n,
    invalid: 0n,
    lineIds: new RepeatWatch(data.expectedLines),
  };
  void (async () => {
    try {
      for await (const copy of stageLines(readNdjson(input), data.period, received)) {
        post({ copy });
      }
      post({
        done: {
          lines: String(received.lines),
          units: String(received.units),
          invalid: String(received.invalid),
          suspects: received.lineIds.suspected(),
        },
      });
    } catch (error) {
      post({
        failed:
          error instanceof DomainError
            ? { code: error.code, status: error.status, detail: error.detail }
            : { code: null, status: null, detail: String(error) },
      });
    }
  })();
}

if (parentPort) run(parentPort, workerData as StagingThreadData);
