import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';
import { DomainError } from '../common/errors/domain-error';
import { Received } from './stage-lines';
import { FromStagingThread, StagingThreadData, ToStagingThread } from './staging-thread';
import { ReportPeriod } from './usage-line';

/** How many uploads may parse in threads at once: each thread is a heap and a core's worth. */
export class StagingThreads {
  private running = 0;
  constructor(private readonly max: number) {}

  /** Whether a thread may start now (counted until given back). */
  take(): boolean {
    if (this.running >= this.max) return false;
    this.running++;
    return true;
  }

  give(): void {
    this.running--;
  }
}

/** Input chunks handed to the thread and not yet consumed: enough to keep it busy, no more. */
const IN_FLIGHT = 4;

/**
 * Stages an NDJSON upload as stageLines does, with the parsing and validating in a worker
 * thread, so a large upload uses a second core. The request thread reads the body (already
 * limited and hashed by the caller), hands the bytes over, and yields the thread's COPY text in
 * order; back-pressure runs both ways (at most IN_FLIGHT chunks ahead of the thread; nothing
 * read while the caller does not take what was staged). The thread's totals land in `received`
 * at the end; its 400s (not NDJSON, a line too long) are thrown here as the same errors.
 */
export async function* stageInThread(
  source: Readable,
  period: ReportPeriod,
  expectedLines: number,
  received: Received,
): AsyncGenerator<string> {
  const data: StagingThreadData = { period, expectedLines };
  const thread = startThread(data);
  const staged: string[] = [];
  let inFlight = 0;
  let finished = false;
  // Set by the thread's messages and events, read by the loop below.
  const outcome: { failure: Error | null } = { failure: null };
  let wake: () => void = () => {};
  const changed = () => {
    const resolve = wake;
    wake = () => {};
    resolve();
  };
  thread.on('message', (message: FromStagingThread) => {
    if ('copy' in message) staged.push(message.copy);
    else if ('consumed' in message) inFlight--;
    else if ('done' in message) {
      received.lines += BigInt(message.done.lines);
      received.units += BigInt(message.done.units);
      received.invalid += BigInt(message.done.invalid);
      received.lineIds.adopt(message.done.suspects);
      finished = true;
    } else {
      const { code, status, detail } = message.failed;
      outcome.failure =
        code !== null && status !== null
          ? new DomainError(code, status, detail)
          : new Error(`staging thread: ${detail}`);
    }
    changed();
  });
  thread.on('error', (error: Error) => {
    outcome.failure ??= error;
    changed();
  });
  thread.on('exit', (exitCode) => {
    if (!finished) outcome.failure ??= new Error(`staging thread exited with code ${exitCode}`);
    changed();
  });
  const body = source[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let bodyDone = false;
  try {
    for (;;) {
      if (outcome.failure) throw outcome.failure;
      if (staged.length) {
        yield staged.shift()!;
        continue;
      }
      if (finished) return;
      if (!bodyDone && inFlight < IN_FLIGHT) {
        const next = await body.next();
        if (next.done) {
          bodyDone = true;
          thread.postMessage({ end: true } satisfies ToStagingThread);
        } else {
          // A copy of its own: a Buffer may share its memory with others, a transfer may not.
          const chunk = new Uint8Array(next.value);
          thread.postMessage({ chunk } satisfies ToStagingThread, [chunk.buffer]);
          inFlight++;
        }
        continue;
      }
      // Nothing to do until the thread answers (its messages arrive between awaits).
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    thread.removeAllListeners();
    await thread.terminate();
    if (!bodyDone) source.destroy();
  }
}

/** Compiled, the thread runs its .js; under ts-node or jest, its .ts through ts-node. */
function startThread(data: StagingThreadData): Worker {
  // Its live data is a chunk of lines at a time (the duplicate filter is outside the heap):
  // a small heap keeps V8 collecting instead of growing while millions of lines pass.
  const resourceLimits = { maxOldGenerationSizeMb: 32, maxYoungGenerationSizeMb: 16 };
  const compiled = join(__dirname, 'staging-thread.js');
  if (existsSync(compiled)) return new Worker(compiled, { workerData: data, resourceLimits });
  // Uncapped: the TypeScript compiler alone needs more.
  return new Worker(join(__dirname, 'staging-thread.ts'), {
    workerData: data,
    execArgv: ['--require', 'ts-node/register/transpile-only'],
  });
}
