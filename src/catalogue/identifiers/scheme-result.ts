/**
 * What a scheme normalizer returns: the normalized value, or why the input was rejected. A bare
 * string on success keeps the hot path to the one allocation the caller makes anyway; the
 * failure shape is the `ok: false` arm of `IdentifierResult`, so it is passed through as is.
 */
export interface Invalid {
  ok: false;
  reason: string;
}

export type SchemeResult = string | Invalid;

export function invalid(reason: string): Invalid {
  return { ok: false, reason };
}
