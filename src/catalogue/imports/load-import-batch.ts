import { EntityManager } from 'typeorm';

export interface RangeParams {
  importId: string;
  fromLine: number;
  toLine: number;
}

export interface BatchParams extends RangeParams {
  /** This batch loads the lines whose externalId hashes to `partition` of `partitions`. */
  partition: number;
  partitions: number;
  organizationId: string;
  defaultPayeeId: string;
  /** Effective date of split changes (new works' first splits apply to all time). */
  splitsEffectiveFrom: string;
}

/**
 * Two lines of a range claiming one identifier: the first keeps it, the others are rejected.
 * Runs on the whole range before its partitions load in parallel, so they cannot collide.
 */
const DEDUPLICATE_IDENTIFIERS = `
  UPDATE catalogue_import_rows r SET reason = 'identifier ' || d.identifier || ' is also on line ' || d.first_line
    FROM (SELECT i AS identifier, min(line_no) AS first_line, array_agg(line_no) AS lines
            FROM catalogue_import_rows CROSS JOIN unnest(identifiers) AS i
           WHERE import_id = :importId AND line_no BETWEEN :fromLine AND :toLine AND reason IS NULL
           GROUP BY i HAVING count(DISTINCT external_id) > 1) d
   WHERE r.import_id = :importId AND r.line_no = ANY (d.lines) AND r.line_no <> d.first_line
     AND r.reason IS NULL`;

export async function deduplicateIdentifiers(
  manager: EntityManager,
  range: RangeParams,
): Promise<void> {
  await manager.query(...bind(DEDUPLICATE_IDENTIFIERS, range));
}

/**
 * Loads one range of staged lines in set-based SQL, inside the caller's transaction:
 * reject what cannot be applied, then create, update or leave each work, keeping earlier
 * versions, identifiers and split versions exactly as the API would.
 */
const STATEMENTS = [
  // The batch, with the default split filled in and each line matched to the stored work.
  `CREATE TEMP TABLE batch ON COMMIT DROP AS
   SELECT r.line_no, r.reason, r.external_id, r.title, r.kind, r.language, r.published_at, r.metadata,
          r.identifiers, r.splits IS NOT NULL AS explicit_splits, s.splits,
          COALESCE(w.id, r.new_id) AS work_id,
          CASE WHEN r.reason IS NOT NULL THEN NULL
               WHEN w.id IS NULL THEN 'create'
               WHEN w.title = r.title AND w.kind = r.kind AND w.language IS NOT DISTINCT FROM r.language
                    AND w.published_at IS NOT DISTINCT FROM r.published_at AND w.metadata = r.metadata
                    AND w.identifiers = r.identifiers AND w.splits = s.splits THEN 'unchanged'
               ELSE 'update' END AS action,
          w.id IS NULL OR w.identifiers IS DISTINCT FROM r.identifiers AS identifiers_changed,
          w.id IS NULL OR w.splits IS DISTINCT FROM s.splits AS splits_changed,
          NULL::int AS split_shape_id
     FROM catalogue_import_rows r
    CROSS JOIN LATERAL (SELECT COALESCE(r.splits, jsonb_build_array(jsonb_build_object(
                          'payeeId', :defaultPayeeId::text, 'shareBps', 10000))) AS splits) s
     -- A probe of the unique key per line, whatever the statistics say (loadImportBatch).
     LEFT JOIN LATERAL (SELECT * FROM works w
                         WHERE w.organization_id = :organizationId AND w.external_id = r.external_id
                        OFFSET 0) w ON true
    WHERE r.import_id = :importId AND r.line_no BETWEEN :fromLine AND :toLine
      AND (hashtext(COALESCE(r.external_id, ''))::bigint + 2147483648) % :partitions = :partition`,

  // The last line for an externalId wins; earlier ones in the same batch are superseded
  // (across batches the later line simply updates the work the earlier one wrote).
  `UPDATE batch b SET reason = 'superseded by line ' || d.last_line || ', which has the same externalId',
          action = NULL
     FROM (SELECT external_id, max(line_no) AS last_line FROM batch WHERE action IS NOT NULL
            GROUP BY external_id HAVING count(*) > 1) d
    WHERE b.action IS NOT NULL AND b.external_id = d.external_id AND b.line_no < d.last_line`,

  // Payees must be this publisher's.
  `UPDATE batch b SET reason = 'payee ' || s.payee || ' is not one of this publisher''s payees', action = NULL
     FROM (SELECT b2.line_no, min(e->>'payeeId') AS payee
             FROM batch b2 CROSS JOIN jsonb_array_elements(b2.splits) AS e
            WHERE b2.action IS NOT NULL AND b2.explicit_splits
              AND NOT EXISTS (SELECT 1 FROM payees p
                               WHERE p.id = (e->>'payeeId')::uuid AND p.organization_id = :organizationId)
            GROUP BY b2.line_no) s
    WHERE b.line_no = s.line_no`,

  // An identifier may belong to one work of the publisher (two lines of the range claiming one
  // were settled by DEDUPLICATE_IDENTIFIERS before the partitions ran).
  `UPDATE batch b SET reason = 'identifier ' || c.identifier || ' is already registered to work ' || c.other_work,
          action = NULL
     FROM (SELECT DISTINCT ON (b2.line_no) b2.line_no, i AS identifier, wi.work_id AS other_work
             FROM batch b2 CROSS JOIN unnest(b2.identifiers) AS i
             -- A probe of the primary key per identifier, whatever the statistics say.
             JOIN LATERAL (SELECT work_id FROM work_identifiers wi
                            WHERE wi.scheme = split_part(i, ':', 1)
                              AND wi.value = substr(i, length(split_part(i, ':', 1)) + 2)
                              AND wi.organization_id = :organizationId
                           OFFSET 0) wi ON true
            WHERE b2.action IN ('create', 'update') AND b2.identifiers_changed AND wi.work_id <> b2.work_id
            ORDER BY b2.line_no, i) c
    WHERE b.line_no = c.line_no`,
  // Keep the versions being replaced, then write.
  `INSERT INTO work_versions (work_id, version, snapshot, valid_from, valid_to)
   SELECT w.id, w.version, work_snapshot(w), w.updated_at, now()
     FROM works w JOIN batch b ON b.work_id = w.id WHERE b.action = 'update'`,
  // Each new split's shape (split_shape_id() finds or stores it), looked up once per distinct
  // split of the batch, all in one statement and in one order (md5): parallel batches storing
  // the same new shapes wait on one another rather than deadlock. Only the batch's own tables
  // are joined, so a hash join cannot read a big one.
  'SET LOCAL enable_hashjoin = on',
  `UPDATE batch b SET split_shape_id = m.id
     FROM (SELECT d.splits, split_shape_id(d.splits) AS id
             FROM (SELECT u.splits
                     FROM (SELECT DISTINCT splits FROM batch
                            WHERE action IN ('create', 'update') AND splits_changed) u
                    ORDER BY md5(u.splits::text)) d) m
    WHERE b.action IN ('create', 'update') AND b.splits_changed AND b.splits = m.splits`,
  'SET LOCAL enable_hashjoin = off',
  `INSERT INTO works (id, organization_id, external_id, title, kind, language, published_at, metadata,
                      identifiers, splits, split_version, split_shape_id)
   SELECT work_id, :organizationId, external_id, title, kind, language, published_at, metadata,
          identifiers, splits, 1, split_shape_id
     FROM batch WHERE action = 'create' ORDER BY line_no`,
  `UPDATE works w SET title = b.title, kind = b.kind, language = b.language, published_at = b.published_at,
          metadata = b.metadata, identifiers = b.identifiers, splits = b.splits,
          split_version = w.split_version + CASE WHEN b.splits_changed THEN 1 ELSE 0 END,
          split_shape_id = CASE WHEN b.splits_changed THEN b.split_shape_id
                                ELSE w.split_shape_id END,
          version = w.version + 1, updated_at = now()
     FROM batch b WHERE b.action = 'update' AND w.id = b.work_id`,
  `DELETE FROM work_identifiers wi USING batch b
    WHERE b.action = 'update' AND b.identifiers_changed AND wi.work_id = b.work_id`,
  `INSERT INTO work_identifiers (scheme, value, organization_id, work_id)
   SELECT split_part(i, ':', 1), substr(i, length(split_part(i, ':', 1)) + 2), :organizationId, b.work_id
     FROM batch b CROSS JOIN unnest(b.identifiers) AS i
    WHERE b.action IN ('create', 'update') AND b.identifiers_changed`,
  `INSERT INTO work_splits (work_id, split_version, effective_from, organization_id, payee_id, share_bps)
   SELECT b.work_id, w.split_version,
          CASE WHEN b.action = 'create' THEN DATE '0001-01-01' ELSE :splitsEffectiveFrom::date END,
          :organizationId, (e->>'payeeId')::uuid, (e->>'shareBps')::int
     FROM batch b JOIN works w ON w.id = b.work_id CROSS JOIN jsonb_array_elements(b.splits) AS e
    WHERE b.action IN ('create', 'update') AND b.splits_changed`,

  `INSERT INTO catalogue_import_errors (import_id, line_no, external_id, reason)
   SELECT :importId, line_no, external_id, reason FROM batch WHERE reason IS NOT NULL`,
  `UPDATE catalogue_imports i SET created = i.created + c.created, updated = i.updated + c.updated,
          unchanged = i.unchanged + c.unchanged, rejected = i.rejected + c.rejected
     FROM (SELECT count(*) FILTER (WHERE action = 'create') AS created,
                  count(*) FILTER (WHERE action = 'update') AS updated,
                  count(*) FILTER (WHERE action = 'unchanged') AS unchanged,
                  count(*) FILTER (WHERE reason IS NOT NULL) AS rejected
             FROM batch) c
    WHERE i.id = :importId`,
  `DELETE FROM catalogue_import_rows r
    WHERE r.import_id = :importId AND r.line_no BETWEEN :fromLine AND :toLine
      AND (hashtext(COALESCE(r.external_id, ''))::bigint + 2147483648) % :partitions = :partition`,
];

export async function loadImportBatch(manager: EntityManager, batch: BatchParams): Promise<void> {
  // The batch is thousands of rows against tables of millions, matched on indexed keys: index
  // probes win, but without fresh statistics (a temp table has none) the planner picks hash
  // joins that read the whole big table for every batch. The lookups by the publisher's keys
  // are written as LATERAL subqueries kept whole (OFFSET 0), one index probe per line: when the
  // statistics predate the import (autovacuum off or not yet come round, or a publisher new to
  // a big catalogue) the planner took the publisher's rows for a handful and read them all for
  // each line instead — minutes for a 50,000-line batch from the second on (the catalogue
  // import's fault test found it).
  await manager.query('SET LOCAL enable_hashjoin = off');
  await manager.query('SET LOCAL enable_mergejoin = off');
  for (const statement of STATEMENTS) {
    await manager.query(...bind(statement, batch));
  }
}

/** `:name` placeholders (not `::type` casts; none inside string literals) to node-postgres's `$n`. */
export function bind(sql: string, params: object): [string, unknown[]] {
  const values: unknown[] = [];
  const numbers = new Map<string, number>();
  const text = sql.replace(/(?<!:):([A-Za-z]\w*)/g, (_, name: string) => {
    if (!(name in params)) throw new Error(`no value for :${name}`);
    let number = numbers.get(name);
    if (number === undefined) {
      values.push((params as Record<string, unknown>)[name]);
      number = values.length;
      numbers.set(name, number);
    }
    return `$${number}`;
  });
  return [text, values];
}
