import { Hash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import { DomainError } from '../errors/domain-error';

export interface UploadBodyLimits {
  /** More bytes than this: 413. */
  maxBytes: number;
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

/**
 * An upload's body as the route reads it: the bytes pass through unchanged, one callback per
 * chunk the socket delivers (never per line), until there are more than `maxBytes` (413) or the
 * client sends nothing for `idleTimeoutMs` (408). Time the upload spends waiting on us — the
 * database slower than the client, so the body is paused or bytes are buffered — is not the
 * client's idleness. Either error, or the client's connection failing, ends the stream with
 * that error, so the COPY reading it fails and its transaction rolls back.
 */
export function uploadBody(body: Readable, limits: UploadBodyLimits): Transform {
  let seen = 0;
  // The minimum rate, judged window by window: bytes of this window, and whether we throttled
  // the client in it (backpressure pauses the body: those seconds are ours, not its).
  let windowBytes = 0;
  let throttled = false;
  const windowMinimum = Math.ceil((limits.minBytesPerSecond * limits.idleTimeoutMs) / 1000);
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      timer.refresh();
      seen += chunk.length;
      windowBytes += chunk.length;
      if (seen > limits.maxBytes) {
        callback(
          new DomainError(
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
  const rate = setInterval(() => {
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
  }, limits.idleTimeoutMs);
  if (windowMinimum === 0) clearInterval(rate);
  body.on('pause', () => {
    throttled = true;
  });
  const timer = setTimeout(() => {
    if (waitingOnUs() || body.readableEnded) {
      timer.refresh();
      return;
    }
    guard.destroy(
      new DomainError(
        'upload-stalled',
        408,
        `No byte of the upload arrived for ${limits.idleTimeoutMs} ms; nothing of it was kept, send it again`,
      ),
    );
  }, limits.idleTimeoutMs);
  body.once('error', (error) => guard.destroy(error));
  return body.pipe(guard);
}
