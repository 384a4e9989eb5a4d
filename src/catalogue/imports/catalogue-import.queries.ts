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
