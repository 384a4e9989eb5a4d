import { STAGING_COLUMNS, STAGING_COPY_COLUMNS } from './usage-staging';

/** usage_reports: the report as received, with what the upload held (its lines, once staged). */
export const INSERT_REPORT = `INSERT INTO usage_reports (id, licensee_id, report_id, content_hash, format, period_start,
                period_end, currency, supersedes_id, status, declared_line_count, declared_units,
                lines_received, units_received, lines_invalid, rejection, processed_at,
                created_by_principal_id, repeat_suspects, lines_citing)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                 CASE WHEN $10 = 'rejected' THEN now() END, $17, $18, $19)`;

/** usage_reports: the licensee's reports, newest first, from before the cursor ($2). */
export const LIST_REPORTS = `SELECT * FROM usage_reports
        WHERE licensee_id = $1 AND ($2::uuid IS NULL OR id < $2) AND ($3::text IS NULL OR status = $3)
        ORDER BY id DESC LIMIT $4`;

/** usage_reports: one of the licensee's reports by its id. */
export const REPORT_BY_ID = `SELECT * FROM usage_reports WHERE id = $1 AND licensee_id = $2`;

/** usage_reports: one of the licensee's reports by the licensee's reportId (its idempotency key). */
export const REPORT_BY_REPORT_ID = `SELECT * FROM usage_reports WHERE licensee_id = $1 AND report_id = $2`;

/** The report's staging table (usage_staging.r_<id>), where its lines wait for matching. */
export const createStage = (stage: string) => `CREATE TABLE ${stage} (${STAGING_COLUMNS})`;

export const copyIntoStage = (stage: string) =>
  `COPY ${stage} (${STAGING_COPY_COLUMNS}) FROM STDIN`;

/** A rejected report keeps no lines. */
export const dropStage = (stage: string) => `DROP TABLE ${stage}`;
