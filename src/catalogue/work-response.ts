import { SplitResponse, WorkIdentifierResponse, WorkResponse } from './dto/work.dto';
import type { Work } from './work.entity';

export function splitIdentifier(text: string): WorkIdentifierResponse {
  const colon = text.indexOf(':');
  return { scheme: text.slice(0, colon), value: text.slice(colon + 1) };
}

/** The work as it is in this version, without what depends on other publishers (conflicts). */
export function toWorkSnapshot(
  work: Work,
): Omit<WorkResponse, 'conflict' | 'conflictingIdentifiers'> {
  return {
    id: work.id,
    externalId: work.externalId,
    title: work.title,
    kind: work.kind,
    identifiers: work.identifiers.map(splitIdentifier),
    language: work.language,
    publishedAt: work.publishedAt,
    metadata: work.metadata,
    splits: work.splits.map((split): SplitResponse => ({
      payeeId: split.payeeId,
      shareBps: split.shareBps,
    })),
    splitVersion: work.splitVersion,
    status: work.status,
    version: work.version,
    createdAt: work.createdAt.toISOString(),
    updatedAt: work.updatedAt.toISOString(),
    withdrawnAt: work.withdrawnAt?.toISOString() ?? null,
  };
}

export function toWorkResponse(work: Work, conflictingIdentifiers: string[]): WorkResponse {
  return {
    ...toWorkSnapshot(work),
    conflict: conflictingIdentifiers.length > 0,
    conflictingIdentifiers,
  };
}
