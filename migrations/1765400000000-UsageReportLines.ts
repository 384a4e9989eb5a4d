import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A report's lines are written once. The staging table the upload COPYs into becomes, when the
 * report is accepted, a partition of `usage_report_lines` (every line as received, by month and
 * then by report, the licensee on every row) instead of being copied row by row into another
 * table. Only the lines that did not match cleanly are written a second time, with their outcome,
 * into `usage_line_issues` (formerly `usage_lines`, which held every line), for the issues list
 * and suspense re-matching. With it, what makes a large report's processing cheaper: the
 * upload's duplicate-lineId suspects, and one index fewer on each of the tables written per line
 * or per aggregate.
 */
export class UsageReportLines1765400000000 implements MigrationInterface {
  name = 'UsageReportLines1765400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE usage_lines RENAME TO usage_line_issues`);
    // It holds the lines needing attention now, so its primary key (period_month, report_id,
    // line_no) serves the issues list: the partial index over the non-matched lines is one more
    // index to write for nothing.
    await queryRunner.query(`DROP INDEX usage_lines_issues`);
    await queryRunner.query(`ALTER INDEX usage_lines_pkey RENAME TO usage_line_issues_pkey`);
    await queryRunner.query(
      `ALTER TRIGGER usage_lines_never_deleted ON usage_line_issues RENAME TO usage_line_issues_never_deleted`,
    );
    // Month partitions follow the table's new name.
    await renamePartitions(queryRunner, 'usage_lines_', 'usage_line_issues_');

    // Columns as staged (src/usage/usage-staging.ts), plus the partition keys, which each
    // report's table carries as column defaults (stored once, not per row).
    await queryRunner.query(`
      CREATE TABLE usage_report_lines (
        period_month date NOT NULL,
        licensee_id uuid NOT NULL,
        report_id uuid NOT NULL,
        line_no bigint NOT NULL,
        line_id text,
        work_id uuid,
        scheme text,
        value text,
        work_ref text,
        usage text,
        unit text,
        units bigint,
        agreement_id uuid,
        model text,
        territory text,
        occurred_on date,
        revenue bigint,
        invalid_reason text
      ) PARTITION BY RANGE (period_month)`);
    await queryRunner.query(`
      CREATE TRIGGER usage_report_lines_unchangeable BEFORE UPDATE OR DELETE ON usage_report_lines
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER usage_report_lines_no_truncate BEFORE TRUNCATE ON usage_report_lines
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER usage_reports_no_truncate BEFORE TRUNCATE ON usage_reports
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`CREATE SCHEMA usage_evidence`);
    // The lineIds the upload saw more than once, or may have (src/usage/repeat-watch.ts): the
    // worker's duplicate check looks at these alone. Null: check every line.
    await queryRunner.query(`ALTER TABLE usage_reports ADD COLUMN repeat_suspects text[]`);
    // Read by report (royalties, counts) and by publisher (their usage view), never by agreement
    // alone; a report writes up to a million aggregates, each a write to every index.
    await queryRunner.query(`DROP INDEX usage_aggregates_agreement`);
    // Nor a foreign key checked per aggregate (a row lock on the report each time): aggregates
    // are written only in the transaction that holds their report's row FOR UPDATE, and a usage
    // report is never deleted (usage_reports_never_deleted), so the reference cannot break.
    await queryRunner.query(
      `ALTER TABLE usage_aggregates DROP CONSTRAINT usage_aggregates_report_id_fkey`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // The lines of the reports accepted since are kept nowhere else.
    const [kept] = (await queryRunner.query(
      `SELECT EXISTS (SELECT 1 FROM usage_report_lines) AS any`,
    )) as { any: boolean }[];
    if (kept.any) {
      throw new Error(
        "usage_report_lines holds reports' lines, kept nowhere else: reverting would lose them",
      );
    }
    await queryRunner.query(`DROP TRIGGER usage_reports_no_truncate ON usage_reports`);
    await queryRunner.query(
      `ALTER TABLE usage_aggregates ADD FOREIGN KEY (report_id) REFERENCES usage_reports (id)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_aggregates_agreement ON usage_aggregates (agreement_id)`,
    );
    await queryRunner.query(`ALTER TABLE usage_reports DROP COLUMN repeat_suspects`);
    await queryRunner.query(`DROP TABLE usage_report_lines`);
    await queryRunner.query(`DROP SCHEMA usage_evidence CASCADE`);
    await renamePartitions(queryRunner, 'usage_line_issues_', 'usage_lines_');
    await queryRunner.query(
      `ALTER TRIGGER usage_line_issues_never_deleted ON usage_line_issues RENAME TO usage_lines_never_deleted`,
    );
    await queryRunner.query(`ALTER INDEX usage_line_issues_pkey RENAME TO usage_lines_pkey`);
    await queryRunner.query(
      `CREATE INDEX usage_lines_issues ON usage_line_issues (report_id, line_no) WHERE status <> 'matched'`,
    );
    await queryRunner.query(`ALTER TABLE usage_line_issues RENAME TO usage_lines`);
  }
}

/** Renames usage_line_issues' month partitions from one prefix to another. */
async function renamePartitions(queryRunner: QueryRunner, from: string, to: string): Promise<void> {
  await queryRunner.query(`
    DO $$
    DECLARE part record;
    BEGIN
      FOR part IN SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                   WHERE i.inhparent = 'usage_line_issues'::regclass LOOP
        EXECUTE format('ALTER TABLE %I RENAME TO %I', part.relname,
                       replace(part.relname, '${from}', '${to}'));
      END LOOP;
    END $$`);
}
