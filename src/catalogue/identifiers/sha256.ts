import { invalid, SchemeResult } from './scheme-result';

const SHA256 = /^[0-9A-Fa-f]{64}$/;
const MALFORMED = 'sha256 must be 64 hexadecimal digits';

/** A SHA-256 digest: 64 hex digits, any case; normalized lower case. `value` is trimmed. */
export function normalizeSha256(value: string): SchemeResult {
  return SHA256.test(value) ? value.toLowerCase() : invalid(MALFORMED);
}
