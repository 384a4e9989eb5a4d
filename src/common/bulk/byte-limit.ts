import { Transform } from 'node:stream';
import { DomainError } from '../errors/domain-error';

/** Passes bytes through until there are more than `max`, then fails with 413. */
export function byteLimit(max: number): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      seen += chunk.length;
      if (seen > max) {
        callback(
          new DomainError('payload-too-large', 413, `An import may be at most ${max} bytes`),
        );
        return;
      }
      callback(null, chunk);
    },
  });
}
