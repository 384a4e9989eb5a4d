import { invalid, SchemeResult } from './scheme-result';

/** Same limit as a work's `externalId` (`EXTERNAL_ID_MAX` in work-rules.ts). */
export const EXT_MAX = 200;

const CONTROL = /\p{Cc}/u;
const TOO_LONG = `ext must be at most ${EXT_MAX} characters`;
const CONTROL_CHARACTERS = 'ext must not contain control characters';

/**
 * The publisher's own identifier: any text of at most 200 UTF-16 code units without control
 * characters (C0, DEL, C1), kept as given. `value` is trimmed and non-empty.
 */
export function normalizeExt(value: string): SchemeResult {
  if (value.length > EXT_MAX) return invalid(TOO_LONG);
  if (CONTROL.test(value)) return invalid(CONTROL_CHARACTERS);
  return value;
}
