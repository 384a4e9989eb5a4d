import type { components } from '../../api/schema';

type Work = components['schemas']['WorkResponse'];
type CreateBody = components['schemas']['CreateWorkDto'];
type UpdateBody = components['schemas']['UpdateWorkDto'];
type Kind = CreateBody['kind'];
type Scheme = components['schemas']['IdentifierDto']['scheme'];

/** The work form as typed: text as the user left it (the API, not the page, judges it). */
export interface Draft {
  title: string;
  externalId: string;
  kind: Kind;
  language: string;
  publishedAt: string;
  identifiers: { key: string; scheme: Scheme; value: string }[];
  splits: { key: string; payeeId: string | null; payeeName?: string; shareBps: string }[];
  splitsEffectiveFrom: string;
}

const rowKey = () => crypto.randomUUID();

export function emptyDraft(): Draft {
  return {
    title: '',
    externalId: '',
    kind: 'book',
    language: '',
    publishedAt: '',
    identifiers: [],
    splits: [],
    splitsEffectiveFrom: '',
  };
}

export function draftOf(work: Work): Draft {
  return {
    title: work.title,
    externalId: work.externalId,
    kind: work.kind,
    language: work.language ?? '',
    publishedAt: work.publishedAt ?? '',
    identifiers: work.identifiers.map((i) => ({
      key: rowKey(),
      scheme: i.scheme,
      value: i.value,
    })),
    splits: work.splits.map((s) => ({
      key: rowKey(),
      payeeId: s.payeeId,
      shareBps: String(s.shareBps),
    })),
    splitsEffectiveFrom: '',
  };
}

const WHOLE = /^\s*\d{1,9}\s*$/;

/** The running sum of the typed shares, in bps; null while one is not a whole number. */
export function shareSum(splits: Draft['splits']): number | null {
  let sum = 0;
  for (const split of splits) {
    if (!WHOLE.test(split.shareBps)) return null;
    sum += Number(split.shareBps);
  }
  return sum;
}

/**
 * The splits as the API reads them. What is not a whole number goes as null and an unchosen payee
 * as an empty id, so the API names the field it refuses, beside that field.
 */
function splitsOf(draft: Draft): { payeeId: string; shareBps: number }[] {
  return draft.splits.map((split) => ({
    payeeId: split.payeeId ?? '',
    shareBps: WHOLE.test(split.shareBps) ? Number(split.shareBps) : (null as unknown as number),
  }));
}

function identifiersOf(draft: Draft): { scheme: Scheme; value: string }[] {
  // An added row left empty is no identifier.
  return draft.identifiers
    .filter((i) => i.value.trim() !== '')
    .map((i) => ({ scheme: i.scheme, value: i.value }));
}

export function toCreateBody(draft: Draft): CreateBody {
  return {
    title: draft.title,
    externalId: draft.externalId,
    kind: draft.kind,
    identifiers: identifiersOf(draft),
    ...(draft.language.trim() ? { language: draft.language.trim() } : {}),
    ...(draft.publishedAt ? { publishedAt: draft.publishedAt } : {}),
    ...(draft.splits.length > 0 ? { splits: splitsOf(draft) } : {}),
  };
}

function canonical(splits: { payeeId: string; shareBps: number }[]): string {
  return JSON.stringify(
    [...splits].sort((a, b) => (a.payeeId < b.payeeId ? -1 : a.payeeId > b.payeeId ? 1 : 0)),
  );
}

export function splitsChanged(draft: Draft, work: Work): boolean {
  return canonical(splitsOf(draft)) !== canonical(work.splits);
}

/** Every field as the form holds it; splits (and their date) only when they changed. */
export function toUpdateBody(draft: Draft, work: Work): UpdateBody {
  const changed = splitsChanged(draft, work);
  return {
    title: draft.title,
    externalId: draft.externalId,
    kind: draft.kind,
    identifiers: identifiersOf(draft),
    language: draft.language.trim() || null,
    publishedAt: draft.publishedAt || null,
    ...(changed ? { splits: splitsOf(draft) } : {}),
    ...(changed && draft.splitsEffectiveFrom
      ? { splitsEffectiveFrom: draft.splitsEffectiveFrom }
      : {}),
  };
}
