import { FieldError, RequestValidationFailed } from '../common/errors/validation-error';
import { canonicalJson } from '../common/idempotency/idempotency';
import type { UpdateWorkDto } from './dto/work.dto';
import { formatIdentifier, normalizeIdentifier } from './identifiers/identifier';
import type { Work } from './work.entity';
import type { WorkFields } from './work.queries';
import { METADATA_MAX_BYTES, SplitShare, splitsProblem } from './work-rules';

/**
 * Normalized `scheme:value` strings, sorted and without duplicates (an ISBN-10 and its ISBN-13
 * are one identifier); every invalid one is named with its position.
 */
export function normalizeIdentifierList(
  identifiers: { scheme: string; value: string }[],
  field = 'identifiers',
): string[] {
  const errors: FieldError[] = [];
  const normalized = new Set<string>();
  identifiers.forEach((identifier, index) => {
    const result = normalizeIdentifier(identifier.scheme, identifier.value);
    if (result.ok) normalized.add(formatIdentifier(result.identifier));
    else errors.push({ field: `${field}.${index}`, messages: [result.reason] });
  });
  if (errors.length) throw new RequestValidationFailed(errors);
  return [...normalized].sort();
}

export function assertMetadataSize(metadata: Record<string, unknown> | undefined): void {
  if (metadata === undefined) return;
  const bytes = Buffer.byteLength(JSON.stringify(metadata));
  if (bytes > METADATA_MAX_BYTES) {
    throw new RequestValidationFailed([
      {
        field: 'metadata',
        messages: [`metadata is ${bytes} bytes of JSON; at most ${METADATA_MAX_BYTES}`],
      },
    ]);
  }
}

/** Sorted by payee, so equal sets compare equal. */
export function canonicalSplits(splits: SplitShare[]): SplitShare[] {
  const problem = splitsProblem(splits);
  if (problem) throw new RequestValidationFailed([{ field: 'splits', messages: [problem] }]);
  return splits
    .map((split) => ({ payeeId: split.payeeId, shareBps: split.shareBps }))
    .sort((a, b) => (a.payeeId < b.payeeId ? -1 : a.payeeId > b.payeeId ? 1 : 0));
}

export function sameSplits(a: SplitShare[], b: SplitShare[]): boolean {
  return (
    a.length === b.length &&
    a.every((split, i) => split.payeeId === b[i].payeeId && split.shareBps === b[i].shareBps)
  );
}

/** The work's fields after an update: what the update gives (identifiers normalized), the current value otherwise. */
export function updatedFields(
  current: Work,
  dto: UpdateWorkDto,
  identifiers: string[] | undefined,
): WorkFields {
  return {
    externalId: dto.externalId ?? current.externalId,
    title: dto.title ?? current.title,
    kind: dto.kind ?? current.kind,
    language: dto.language === undefined ? current.language : dto.language,
    publishedAt: dto.publishedAt === undefined ? current.publishedAt : dto.publishedAt,
    metadata: dto.metadata ?? current.metadata,
    identifiers: identifiers ?? current.identifiers,
  };
}

/** The fields whose value the update changes, in WorkFields' order. */
export function changedFields(current: Work, next: WorkFields): (keyof WorkFields)[] {
  // Canonical JSON: metadata with its keys in another order is the same metadata.
  return (Object.keys(next) as (keyof WorkFields)[]).filter(
    (field) => canonicalJson(next[field]) !== canonicalJson(current[field]),
  );
}
