import { Hash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { DomainError } from '../errors/domain-error';
import { uploadQuotaExceeded } from './upload-quota-rules';

export interface UploadBodyLimits {
  /** More bytes than this: 413 `payload-too-large` (the route's largest upload). */
  maxBytes: number;
  /**
   * What the organization's upload quota has left (UploadQuota.remaining): more bytes than
   * this, when it is less than `maxBytes`, is a 413 `upload-quota-exceeded`.
   */
  quotaBytes?: number;
  /** No byte for this long while the upload waits for one: 408. */
  idleTimeoutMs: number;
  /**
   * Fewer bytes than this per second, over any window of `idleTimeoutMs` in which the upload
   * only waited on its client: 408 (a trickle of a few bytes a minute would otherwise hold its
   * database connection as long as it likes). 0: no minimum.
   */
  minBytesPerSecond: number;
  /** Fed every byte as it passes. */
  hash?: Hash;
}

/** The body as the route reads it, and how many bytes of it have passed so far. */
export interface UploadBody extends Transform {
  /** Bytes received: once the route has read the body to its end, the body's length. */
  readonly bytes: number;
}

/**
 * An upload's body as the route reads it: the bytes pass through unchanged, one callback per
 * chunk the socket delivers (never per line), until there are more than `maxBytes` or
 * `quotaBytes` (413) or the client sends nothing for `idleTimeoutMs` (408). Time the upload
 * spends waiting on us — the database slower than the client, so the body is paused or bytes
 * are buffered — is not the client's idleness. Either error, or the client's connection
 * failing, ends the stream with that error, so the COPY reading it fails and its transaction
 * rolls back. Nothing is read, and the idle clock does not run, until the route starts reading.
 * The count of bytes (`bytes`) is the same one the limit reads: one addition per chunk.
 */
export function uploadBody(body: Readable, limits: UploadBodyLimits): UploadBody {
  let seen = 0;
  const quota = limits.quotaBytes ?? Infinity;
  const quotaBinds = quota < limits.maxBytes;
  const limit = Math.min(quota, limits.maxBytes);
  let timer: NodeJS.Timeout | undefined;
  // The minimum rate, judged window by window: bytes of this window, and whether we throttled
  // the client in it (backpressure pauses the body: those seconds are ours, not its).
  let windowBytes = 0;
  let throttled = false;
  let rate: NodeJS.Timeout | undefined;
  const windowMinimum = Math.ceil((limits.minBytesPerSecond * limits.idleTimeoutMs) / 1000);
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      timer?.refresh();
      seen += chunk.length;
      windowBytes += chunk.length;
      if (seen > limit) {
        callback(
          quotaBinds
            ? uploadQuotaExceeded(limit)
            : new DomainError(
                'payload-too-large',
                413,
                `An upload may be at most ${limits.maxBytes} bytes`,
              ),
        );
        return;
      }
      limits.hash?.update(chunk);
      callback(null, chunk);
    },
    flush(callback) {
      clearTimeout(timer);
      clearInterval(rate);
      callback();
    },
    destroy(error, callback) {
      clearTimeout(timer);
      clearInterval(rate);
      callback(error);
    },
  });
  const waitingOnUs = () =>
    body.isPaused() ||
    body.readableLength > 0 ||
    guard.writableLength > 0 ||
    guard.readableLength > 0;
  const tooSlow = () => {
    // A window without a byte is the idle timer's to judge (upload-stalled).
    const slow =
      windowBytes > 0 &&
      windowBytes < windowMinimum &&
      !throttled &&
      !waitingOnUs() &&
      !body.readableEnded;
    windowBytes = 0;
    throttled = false;
    if (!slow) return;
    guard.destroy(
      new DomainError(
        'upload-too-slow',
        408,
        `The upload arrived at fewer than ${limits.minBytesPerSecond} bytes a second for ${limits.idleTimeoutMs} ms; nothing of it was kept, send it again`,
      ),
    );
  };
  body.on('pause', () => {
    throttled = true;
  });
  const stalled = () => {
    if (waitingOnUs() || body.readableEnded) {
      timer?.refresh();
      return;
    }
    guard.destroy(
      new DomainError(
        'upload-stalled',
        408,
        `No byte of the upload arrived for ${limits.idleTimeoutMs} ms; nothing of it was kept, send it again`,
      ),
    );
  };
  // The body flows in only once the route reads (a `data` or `readable` listener): an error
  // (413, 408, the client's) then always has a listener — one with none would crash the
  // process — and the time before the route reads is ours, not the client's idleness.
  let started = false;
  let failed: Error | undefined;
  body.once('error', (error) => {
    if (started) guard.destroy(error);
    else failed = error;
  });
  const start = (event: string | symbol) => {
    if (event !== 'data' && event !== 'readable') return;
    guard.off('newListener', start);
    started = true;
    const error = failed;
    if (error) {
      process.nextTick(() => guard.destroy(error));
      return;
    }
    timer = setTimeout(stalled, limits.idleTimeoutMs);
    if (windowMinimum > 0) rate = setInterval(tooSlow, limits.idleTimeoutMs);
    body.pipe(guard);
  };
  guard.on('newListener', start);
  Object.defineProperty(guard, 'bytes', { get: () => seen });
  return guard as UploadBody;
}
