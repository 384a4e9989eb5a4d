import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateUsage1764600000000 implements MigrationInterface {
  name = 'CreateUsage1764600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // A licensee's statement of use for a period (after DDEX DSR): its report id is never reused;
    // a correction is a new report that supersedes it. Only status, counts and supersession change.
    await queryRunner.query(`
      CREATE TABLE usage_reports (
        id uuid PRIMARY KEY,
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        report_id text NOT NULL CHECK (length(report_id) BETWEEN 1 AND 200),
        content_hash bytea NOT NULL CHECK (length(content_hash) = 32),
        format text NOT NULL CHECK (format IN ('json', 'ndjson', 'csv')),
        period_start date NOT NULL,
        period_end date NOT NULL,
        currency text,
        supersedes_id uuid REFERENCES usage_reports (id),
        superseded_by_id uuid REFERENCES usage_reports (id),
        status text NOT NULL CHECK (status IN ('received', 'processing', 'accepted', 'rejected')),
        declared_line_count bigint NOT NULL CHECK (declared_line_count >= 0),
        declared_units numeric NOT NULL CHECK (declared_units >= 0),
        lines_received bigint NOT NULL DEFAULT 0,
        units_received numeric NOT NULL DEFAULT 0,
        lines_matched bigint NOT NULL DEFAULT 0,
        lines_unmatched bigint NOT NULL DEFAULT 0,
        lines_out_of_scope bigint NOT NULL DEFAULT 0,
        lines_invalid bigint NOT NULL DEFAULT 0,
        totals_by_usage jsonb NOT NULL DEFAULT '[]'::jsonb,
        rejection jsonb,
        created_by_principal_id uuid NOT NULL REFERENCES principals (id),
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        -- Counts for royalties from accepted_at until superseded_at (null: still counts).
        accepted_at timestamptz,
        superseded_at timestamptz,
        UNIQUE (licensee_id, report_id),
        CHECK (period_end >= period_start),
        CHECK ((status = 'rejected') = (rejection IS NOT NULL)),
        CHECK ((status = 'accepted') = (accepted_at IS NOT NULL)),
        CHECK ((superseded_by_id IS NULL) = (superseded_at IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX usage_reports_licensee ON usage_reports (licensee_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_reports_unfinished ON usage_reports (id) WHERE status IN ('received', 'processing')`,
    );
    // A report is superseded at most once.
    await queryRunner.query(
      `CREATE UNIQUE INDEX usage_reports_one_successor ON usage_reports (supersedes_id)
        WHERE supersedes_id IS NOT NULL AND status <> 'rejected'`,
    );
    await queryRunner.query(`
      CREATE FUNCTION usage_reports_keep_content() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (to_jsonb(NEW) - ARRAY['status', 'lines_received', 'units_received', 'lines_matched',
              'lines_unmatched', 'lines_out_of_scope', 'lines_invalid', 'totals_by_usage', 'rejection',
              'processed_at', 'accepted_at', 'superseded_by_id', 'superseded_at'])
           IS DISTINCT FROM
           (to_jsonb(OLD) - ARRAY['status', 'lines_received', 'units_received', 'lines_matched',
              'lines_unmatched', 'lines_out_of_scope', 'lines_invalid', 'totals_by_usage', 'rejection',
              'processed_at', 'accepted_at', 'superseded_by_id', 'superseded_at'])
           OR OLD.status IN ('accepted', 'rejected') AND NEW.status IS DISTINCT FROM OLD.status
           OR OLD.superseded_by_id IS NOT NULL AND NEW.superseded_by_id IS DISTINCT FROM OLD.superseded_by_id THEN
          RAISE EXCEPTION 'usage report % cannot be changed in place', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER usage_reports_immutable BEFORE UPDATE ON usage_reports
      FOR EACH ROW EXECUTE FUNCTION usage_reports_keep_content()`);
    await queryRunner.query(`
      CREATE TRIGGER usage_reports_never_deleted BEFORE DELETE ON usage_reports
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // Every line as received and as matched, partitioned by the month the report's period starts
    // in (partitions are made on demand), with the licensee on every row (a distribution column).
    await queryRunner.query(`
      CREATE TABLE usage_lines (
        period_month date NOT NULL,
        licensee_id uuid NOT NULL,
        report_id uuid NOT NULL,
        line_no bigint NOT NULL,
        line_id text,
        status text NOT NULL CHECK (status IN ('matched', 'unmatched', 'out-of-scope', 'invalid')),
        reason text,
        work_ref text,
        work_id uuid,
        publisher_id uuid,
        agreement_id uuid,
        agreement_version int,
        usage text,
        unit text,
        units bigint,
        territory text,
        model text,
        occurred_on date,
        revenue bigint,
        PRIMARY KEY (period_month, report_id, line_no)
      ) PARTITION BY RANGE (period_month)`);
    await queryRunner.query(`
      CREATE INDEX usage_lines_issues ON usage_lines (report_id, line_no) WHERE status <> 'matched'`);
    await queryRunner.query(`
      CREATE TRIGGER usage_lines_never_deleted BEFORE DELETE ON usage_lines
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // Per report: lines and units by work, agreement version, usage type and outcome. What
    // royalties and the publishers' usage view read, instead of millions of lines.
    await queryRunner.query(`
      CREATE TABLE usage_aggregates (
        report_id uuid NOT NULL REFERENCES usage_reports (id),
        licensee_id uuid NOT NULL,
        publisher_id uuid,
        work_id uuid,
        agreement_id uuid,
        agreement_version int,
        status text NOT NULL CHECK (status IN ('matched', 'unmatched', 'out-of-scope')),
        usage text NOT NULL,
        unit text NOT NULL,
        lines bigint NOT NULL,
        units numeric NOT NULL,
        revenue numeric NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX usage_aggregates_report ON usage_aggregates (report_id)`);
    await queryRunner.query(
      `CREATE INDEX usage_aggregates_publisher ON usage_aggregates (publisher_id, work_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_aggregates_agreement ON usage_aggregates (agreement_id)`,
    );
    await queryRunner.query(`CREATE SCHEMA usage_staging`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP SCHEMA usage_staging CASCADE`);
    await queryRunner.query(`DROP TABLE usage_aggregates`);
    await queryRunner.query(`DROP TABLE usage_lines`);
    await queryRunner.query(`DROP TABLE usage_reports`);
    await queryRunner.query(`DROP FUNCTION usage_reports_keep_content()`);
  }
}
