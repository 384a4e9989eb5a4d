/**
 * The rules a work must satisfy, shared by the HTTP DTOs and the bulk import validator so the
 * two paths can never disagree.
 */
export const WORK_KINDS = [
  'book',
  'article',
  'web-page',
  'image',
  'audio',
  'video',
  'code',
  'dataset',
  'other',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];

export const WORK_STATUSES = ['active', 'withdrawn'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

export const EXTERNAL_ID_MAX = 200;
export const TITLE_MAX = 1000;
/** Serialized JSON size of `metadata`. */
export const METADATA_MAX_BYTES = 16 * 1024;
export const IDENTIFIERS_MAX = 50;
export const SPLITS_MAX = 50;
export const TOTAL_BPS = 10_000;

/** BCP 47 language tag, simplified: `en`, `pt-BR`, `zh-Hant-TW`. */
export const LANGUAGE_TAG = /^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export interface SplitShare {
  payeeId: string;
  shareBps: number;
}

/** Why a set of splits is not acceptable, or null when it is. Payee ownership is checked in SQL. */
export function splitsProblem(splits: SplitShare[]): string | null {
  if (splits.length === 0) return 'splits must not be empty';
  if (splits.length > SPLITS_MAX) return `at most ${SPLITS_MAX} splits`;
  const seen = new Set<string>();
  let total = 0;
  for (const split of splits) {
    if (!Number.isSafeInteger(split.shareBps) || split.shareBps <= 0) {
      return `shareBps must be a positive integer (got ${String(split.shareBps)})`;
    }
    if (seen.has(split.payeeId)) return `payee ${split.payeeId} appears twice`;
    seen.add(split.payeeId);
    total += split.shareBps;
  }
  if (total !== TOTAL_BPS)
    return `shares sum to ${total} bps; they must sum to exactly ${TOTAL_BPS}`;
  return null;
}
