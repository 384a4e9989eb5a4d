import { EntityManager } from 'typeorm';
import type { WorkSnapshotResponse } from './dto/work.dto';
import type { SplitShare } from './work-rules';

/**
 * Every statement of the works API on works, work_identifiers, work_versions and work_splits
 * (this module's), and on payees for a work's splits. The list's filters are query-builder
 * fragments (alias `work`); everything else runs as written here.
 */

type Runner = Pick<EntityManager, 'query'>;

/** The fields of a work as the API writes them (splits canonical, metadata and splits as objects). */
export interface WorkFields {
  externalId: string;
  title: string;
  kind: string;
  language: string | null;
  publishedAt: string | null;
  metadata: Record<string, unknown>;
  identifiers: string[];
}

/**
 * A work has a conflict when another publisher's active work claims one of its identifiers.
 * Driven from the works' own identifier arrays, so each check is a primary-key probe whatever
 * the planner's statistics say.
 */
const CONFLICTING_IDENTIFIERS = `
  SELECT w.id AS work_id, i AS identifier
    FROM works w CROSS JOIN LATERAL unnest(w.identifiers) AS i
   WHERE w.id = ANY($1)
     AND EXISTS (SELECT 1 FROM work_identifiers other JOIN works ow ON ow.id = other.work_id
                  WHERE other.scheme = split_part(i, ':', 1)
                    AND other.value = substr(i, length(split_part(i, ':', 1)) + 2)
                    AND other.organization_id <> w.organization_id AND ow.status = 'active')
   ORDER BY 2`;

/** The list's `conflict` filter (alias `work`): the condition of CONFLICTING_IDENTIFIERS. */
export const HAS_CONFLICT = `EXISTS (
  SELECT 1 FROM work_identifiers wi JOIN work_identifiers other
      ON other.scheme = wi.scheme AND other.value = wi.value AND other.organization_id <> wi.organization_id
    JOIN works ow ON ow.id = other.work_id AND ow.status = 'active'
   WHERE wi.work_id = work.id)`;

/** The list's `identifier` filter (alias `work`; :scheme, :value, :organizationId). */
export const WITH_IDENTIFIER = `work.id = (SELECT wi.work_id FROM work_identifiers wi
                     WHERE wi.scheme = :scheme AND wi.value = :value AND wi.organization_id = :organizationId)`;

export function conflictingIdentifiers(
  db: Runner,
  workIds: string[],
): Promise<{ work_id: string; identifier: string }[]> {
  return db.query(CONFLICTING_IDENTIFIERS, [workIds]);
}

/** external_id … splits, in the order both statements below take them. */
function fieldParams(work: WorkFields, splits: SplitShare[]): unknown[] {
  return [
    work.externalId,
    work.title,
    work.kind,
    work.language,
    work.publishedAt,
    JSON.stringify(work.metadata),
    work.identifiers,
    JSON.stringify(splits),
  ];
}

export async function insertWork(
  db: Runner,
  id: string,
  organizationId: string,
  work: WorkFields,
  splits: SplitShare[],
): Promise<void> {
  await db.query(
    `INSERT INTO works (id, organization_id, external_id, title, kind, language, published_at, metadata,
                            identifiers, splits, split_version, split_shape_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, split_shape_id($10::jsonb))`,
    [id, organizationId, ...fieldParams(work, splits)],
  );
}

export async function updateWork(
  db: Runner,
  id: string,
  work: WorkFields,
  splits: SplitShare[],
  splitVersion: number,
): Promise<void> {
  await db.query(
    `UPDATE works SET external_id = $2, title = $3, kind = $4, language = $5, published_at = $6,
                          metadata = $7, identifiers = $8, splits = $9, split_version = $10,
                          split_shape_id = split_shape_id($9::jsonb), version = version + 1,
                          updated_at = now()
          WHERE id = $1`,
    [id, ...fieldParams(work, splits), splitVersion],
  );
}

export async function markWithdrawn(db: Runner, id: string): Promise<void> {
  await db.query(
    `UPDATE works SET status = 'withdrawn', withdrawn_at = now(), version = version + 1, updated_at = now()
          WHERE id = $1`,
    [id],
  );
}

/** Copies the work as it is now into work_versions, before it changes. */
export async function keepVersion(db: Runner, workId: string): Promise<void> {
  await db.query(
    `INSERT INTO work_versions (work_id, version, snapshot, valid_from, valid_to)
       SELECT w.id, w.version, work_snapshot(w), w.updated_at, now() FROM works w WHERE w.id = $1`,
    [workId],
  );
}

export interface EarlierVersionRow {
  version: number;
  snapshot: WorkSnapshotResponse;
  valid_from: Date;
  valid_to: Date;
}

/** At most `limit` kept versions after version `after`, oldest first. */
export function earlierVersions(
  db: Runner,
  workId: string,
  after: number,
  limit: number,
): Promise<EarlierVersionRow[]> {
  return db.query(
    `SELECT version, snapshot, valid_from, valid_to FROM work_versions
          WHERE work_id = $1 AND version > $2 ORDER BY version LIMIT $3`,
    [workId, after, limit],
  );
}

export async function currentSnapshot(db: Runner, workId: string): Promise<WorkSnapshotResponse> {
  const [current] = await db.query<{ snapshot: WorkSnapshotResponse }[]>(
    `SELECT work_snapshot(w) AS snapshot FROM works w WHERE w.id = $1`,
    [workId],
  );
  return current.snapshot;
}

export interface SplitRow {
  split_version: number;
  effective_from: string;
  payee_id: string;
  share_bps: number;
  recorded_at: Date;
}

export function splitRows(db: Runner, workId: string): Promise<SplitRow[]> {
  return db.query(
    `SELECT split_version, effective_from, payee_id, share_bps, recorded_at FROM work_splits
          WHERE work_id = $1 ORDER BY split_version, payee_id`,
    [workId],
  );
}

export async function insertSplitVersion(
  db: Runner,
  organizationId: string,
  workId: string,
  splitVersion: number,
  effectiveFrom: string,
  splits: SplitShare[],
): Promise<void> {
  await db.query(
    `INSERT INTO work_splits (work_id, split_version, effective_from, organization_id, payee_id, share_bps)
       SELECT $1, $2, $3, $4, payee_id, share_bps
         FROM unnest($5::uuid[], $6::int[]) AS s(payee_id, share_bps)`,
    [
      workId,
      splitVersion,
      effectiveFrom,
      organizationId,
      splits.map((split) => split.payeeId),
      splits.map((split) => split.shareBps),
    ],
  );
}

export async function insertIdentifiers(
  db: Runner,
  organizationId: string,
  workId: string,
  identifiers: string[],
): Promise<void> {
  if (identifiers.length === 0) return;
  await db.query(
    `INSERT INTO work_identifiers (scheme, value, organization_id, work_id)
       SELECT split_part(i, ':', 1), substr(i, length(split_part(i, ':', 1)) + 2), $1, $2
         FROM unnest($3::text[]) AS i`,
    [organizationId, workId, identifiers],
  );
}

export async function deleteIdentifiers(db: Runner, workId: string): Promise<void> {
  await db.query(`DELETE FROM work_identifiers WHERE work_id = $1`, [workId]);
}

/** The first of these identifiers (`scheme:value`) another work of the publisher holds. */
export async function identifierHeldElsewhere(
  db: Runner,
  organizationId: string,
  identifiers: string[],
  self: string | null,
): Promise<{ identifier: string; work_id: string } | undefined> {
  const [existing] = await db.query<{ identifier: string; work_id: string }[]>(
    `SELECT wi.scheme || ':' || wi.value AS identifier, wi.work_id
         FROM unnest($2::text[]) AS given(identifier)
         JOIN work_identifiers wi
           ON wi.scheme = split_part(given.identifier, ':', 1)
          AND wi.value = substr(given.identifier, length(split_part(given.identifier, ':', 1)) + 2)
          AND wi.organization_id = $1
        WHERE wi.work_id IS DISTINCT FROM $3
        LIMIT 1`,
    [organizationId, identifiers, self],
  );
  return existing;
}

/** Another work of the publisher with this external id. */
export async function workWithExternalId(
  db: Runner,
  organizationId: string,
  externalId: string,
  self: string | null,
): Promise<{ id: string } | undefined> {
  const [existing] = await db.query<{ id: string }[]>(
    `SELECT id FROM works WHERE organization_id = $1 AND external_id = $2 AND id IS DISTINCT FROM $3`,
    [organizationId, externalId, self],
  );
  return existing;
}

export async function defaultPayee(
  db: Runner,
  organizationId: string,
): Promise<{ id: string } | undefined> {
  const [payee] = await db.query<{ id: string }[]>(
    `SELECT id FROM payees WHERE organization_id = $1 AND is_default`,
    [organizationId],
  );
  return payee;
}

/** Which of these ids are the publisher's payees. */
export function payeesAmong(
  db: Runner,
  organizationId: string,
  ids: string[],
): Promise<{ id: string }[]> {
  return db.query(`SELECT id FROM payees WHERE organization_id = $1 AND id = ANY($2)`, [
    organizationId,
    ids,
  ]);
}
