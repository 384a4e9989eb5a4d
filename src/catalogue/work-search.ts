import { EntityManager, SelectQueryBuilder } from 'typeorm';
import { RequestValidationFailed } from '../common/errors/validation-error';
import { ListWorksQuery } from './dto/work.dto';
import { parseIdentifier } from './identifiers/identifier';
import { conflictingIdentifiers, HAS_CONFLICT, WITH_IDENTIFIER } from './work.queries';
import { Work } from './work.entity';

/**
 * The works list's filters, and the conflicts every work response shows: the identifiers of a
 * work that another publisher's active work also claims.
 */

/** Narrows the scoped query (alias `work`) by the list's filters. */
export function filterWorks(
  works: SelectQueryBuilder<Work>,
  query: ListWorksQuery,
  organizationId: string,
): SelectQueryBuilder<Work> {
  if (query.identifier) {
    const parsed = parseIdentifier(query.identifier);
    if (!parsed.ok) {
      throw new RequestValidationFailed([{ field: 'identifier', messages: [parsed.reason] }]);
    }
    // Driven by the identifier's primary key: one index probe, then the work by id.
    works.andWhere(WITH_IDENTIFIER, { ...parsed.identifier, organizationId });
  }
  if (query.status) works.andWhere('work.status = :status', { status: query.status });
  // Served by the unique (organization_id, external_id) index.
  if (query.externalId)
    works.andWhere('work.externalId = :externalId', { externalId: query.externalId });
  if (query.q) {
    works.andWhere(`(work.title ILIKE :pattern ESCAPE '\\' OR work.externalId = :text)`, {
      pattern: `%${query.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      text: query.q,
    });
  }
  if (query.conflict)
    works.andWhere(query.conflict === 'true' ? HAS_CONFLICT : `NOT ${HAS_CONFLICT}`);
  return works;
}

/** The conflicting identifiers of each of these works (absent: none). */
export async function conflictsOf(
  manager: EntityManager,
  ids: string[],
): Promise<Map<string, string[]>> {
  const conflicts = new Map<string, string[]>();
  if (ids.length === 0) return conflicts;
  const rows = await conflictingIdentifiers(manager, ids);
  for (const row of rows)
    conflicts.set(row.work_id, [...(conflicts.get(row.work_id) ?? []), row.identifier]);
  return conflicts;
}
