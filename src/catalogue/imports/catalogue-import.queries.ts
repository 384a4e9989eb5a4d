/** catalogue_import_rows: every line of an upload, valid or not, as staged (COPY). */
export const STAGE_ROWS = `COPY catalogue_import_rows (import_id, line_no, reason, new_id, external_id, title, kind,
  language, published_at, metadata, identifiers, splits) FROM STDIN`;

/** catalogue_imports: the import, queued before its body is read. */
export const INSERT_IMPORT = `INSERT INTO catalogue_imports (id, organization_id, created_by_principal_id, format, status, splits_effective_from)
         VALUES ($1, $2, $3, $4, 'queued', $5)`;

/** catalogue_imports: the body has been read to its end. */
export const MARK_RECEIVED = `UPDATE catalogue_imports SET lines_read = $2, received_at = now() WHERE id = $1`;

/** catalogue_imports: the organization's imports, newest first (index catalogue_imports_organization). */
export const LIST_IMPORTS = `SELECT * FROM catalogue_imports
        WHERE organization_id = $1
          AND ($2::text IS NULL OR status = $2)
          AND ($3::uuid IS NULL OR id < $3)
        ORDER BY id DESC
        LIMIT $4`;

/** catalogue_imports: one of the organization's imports. */
export const IMPORT_BY_ID = `SELECT * FROM catalogue_imports WHERE id = $1 AND organization_id = $2`;

/** catalogue_import_errors: an import's rejected lines, a page after line $2. */
export const IMPORT_ERRORS = `SELECT line_no, external_id, reason FROM catalogue_import_errors
        WHERE import_id = $1 AND line_no > $2 ORDER BY line_no LIMIT $3`;

// The loader (CatalogueImportLoader).

/** The import, as its loading starts (or resumes). TypeORM hands back UPDATE results as [rows, count]; a CTE makes it a plain SELECT. */
export const START_LOAD = `WITH started AS (UPDATE catalogue_imports SET status = 'processing'
                         WHERE id = $1 AND status IN ('queued', 'processing') RETURNING *)
       SELECT * FROM started`;

/** catalogue_import_rows: the import's last staged line (none: loaded, or lost). */
export const LAST_STAGED = `SELECT max(line_no) AS last_line FROM catalogue_import_rows WHERE import_id = $1`;

/** payees: the publisher's default payee, for works imported without splits. */
export const DEFAULT_PAYEE = `SELECT id FROM payees WHERE organization_id = $1 AND is_default`;

/** catalogue_imports: how far the load got. */
export const MARK_PROCESSED = `UPDATE catalogue_imports SET lines_processed = $2 WHERE id = $1`;

/** catalogue_imports: the import, completed (with its counts). */
export const COMPLETE = `WITH done AS (UPDATE catalogue_imports
                          SET status = 'completed', lines_processed = lines_read, finished_at = now()
                        WHERE id = $1 RETURNING *)
         SELECT * FROM done`;

/** Fresh statistics for the tables a load changes. */
export const ANALYZE_CATALOGUE = 'ANALYZE works, work_identifiers, work_splits';

/** The tables a batch looks the publisher's works up in, by externalId and by identifier. */
export const ANALYZE_LOOKUPS = 'ANALYZE works, work_identifiers';

/** One loader per publisher (a session lock, held across the batches' transactions). */
export const PUBLISHER_LOCK = `SELECT pg_advisory_lock(hashtext('catalogue-import:' || $1))`;

export const PUBLISHER_UNLOCK = `SELECT pg_advisory_unlock(hashtext('catalogue-import:' || $1))`;

/** catalogue_imports: the import, failed. */
export const FAIL = `UPDATE catalogue_imports SET status = 'failed', failure = $2, finished_at = now()
        WHERE id = $1 AND status IN ('queued', 'processing')`;

/** catalogue_import_rows: a failed import's staged lines. */
export const DROP_STAGED_ROWS = `DELETE FROM catalogue_import_rows WHERE import_id = $1`;

/** catalogue_imports: the imports not finished. */
export const UNFINISHED_IMPORTS = `SELECT id FROM catalogue_imports WHERE status IN ('queued', 'processing') ORDER BY id`;
