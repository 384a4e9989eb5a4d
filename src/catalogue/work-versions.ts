import { EntityManager } from 'typeorm';
import { decodeNumberCursor, encodeNumberCursor } from '../common/pagination/number-cursor';
import { PageQuery } from '../common/pagination/page';
import { SplitVersionsResponse, WorkVersionResponse, WorkVersionsResponse } from './dto/work.dto';
import { currentSnapshot, earlierVersions, splitRows } from './work.queries';
import { Work } from './work.entity';

/**
 * A work's history as the API shows it: its kept versions (work_versions) followed by the current
 * one, and its split versions (work_splits) grouped by version.
 */

/** Every version of the work, oldest first, paged by version number; the last is the current one. */
export async function workVersionPage(
  manager: EntityManager,
  work: Work,
  page: PageQuery,
): Promise<WorkVersionsResponse> {
  const limit = page.limit ?? 50;
  const after = page.cursor ? decodeNumberCursor('v', 9, page.cursor) : 0;
  const earlier = await earlierVersions(manager, work.id, after, limit + 1);
  const versions: WorkVersionResponse[] = earlier.map((row) => ({
    version: row.version,
    validFrom: row.valid_from.toISOString(),
    validTo: row.valid_to.toISOString(),
    work: row.snapshot,
  }));
  if (earlier.length <= limit) {
    versions.push({
      version: work.version,
      validFrom: work.updatedAt.toISOString(),
      validTo: null,
      work: await currentSnapshot(manager, work.id),
    });
  }
  const data = versions.slice(0, limit);
  return {
    data,
    nextCursor:
      versions.length > limit ? encodeNumberCursor('v', data[data.length - 1].version) : null,
  };
}

/** The work's split versions, oldest first, each with its shares by payee. */
export async function splitVersionsOf(
  manager: EntityManager,
  workId: string,
): Promise<SplitVersionsResponse> {
  const rows = await splitRows(manager, workId);
  const versions = new Map<number, SplitVersionsResponse['data'][number]>();
  for (const row of rows) {
    const version = versions.get(row.split_version) ?? {
      splitVersion: row.split_version,
      effectiveFrom: row.effective_from,
      recordedAt: row.recorded_at.toISOString(),
      splits: [],
    };
    version.splits.push({ payeeId: row.payee_id, shareBps: row.share_bps });
    versions.set(row.split_version, version);
  }
  return { data: [...versions.values()] };
}
