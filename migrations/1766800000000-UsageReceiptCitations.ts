import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Usage lines citing licence receipts (issue 21). A line may name `receiptId`; it is kept with
 * the line as received (`usage_report_lines`, and `usage_line_issues` for a line that did not
 * match cleanly, so a suspended line's receipt is checked when it is re-matched), and the
 * receipts a report's matched lines rest on are kept per group of lines (report, receipt, work,
 * version, usage, unit, day) in `usage_receipt_citations`, beside `usage_aggregates`: a receipt
 * leads to where its lines are in the report (their first and last line numbers) and,
 * by the aggregate's keys (agreement version, work, usage, unit), to the charge, statement line
 * and payout item that paid for it. Rows are only ever added (a re-matched suspended line adds
 * its own); readers sum them.
 */
export class UsageReceiptCitations1766800000000 implements MigrationInterface {
  name = 'UsageReceiptCitations1766800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // No default and nullable: a catalogue change only, however many lines are kept. Byte order
    // ("C"): ids are ASCII, and sorting, grouping and indexing millions of them by the database's
    // locale (strcoll, no abbreviated keys) cost several times as much.
    await queryRunner.query(
      `ALTER TABLE usage_report_lines ADD COLUMN receipt_id text COLLATE "C"`,
    );
    await queryRunner.query(`ALTER TABLE usage_line_issues ADD COLUMN receipt_id text COLLATE "C"`);
    // How many of a report's lines cite a receipt, counted on upload: a report citing none is
    // matched as before, with no receipt to check.
    await queryRunner.query(
      `ALTER TABLE usage_reports ADD COLUMN lines_citing bigint NOT NULL DEFAULT 0 CHECK (lines_citing >= 0)`,
    );
    // Partitioned as the lines are, by month and then by report: matching builds a report's
    // citations as a table of their own and attaches it (indexed in bulk, not row by row:
    // millions of rows per large report), and a receipt's month (its id names its day) bounds a
    // search by receipt to that month's reports. Month partitions are made with the lines'
    // (ensureMonthPartitions), so every report matched from now on has its own, even empty: a
    // re-matched line's citation always has a partition to go to (older reports' lines cite
    // nothing).
    await queryRunner.query(`
      CREATE TABLE usage_receipt_citations (
        period_month date NOT NULL,
        report_id uuid NOT NULL,
        licensee_id uuid NOT NULL,
        receipt_id text COLLATE "C" NOT NULL,
        publisher_id uuid NOT NULL,
        work_id uuid NOT NULL,
        agreement_id uuid NOT NULL,
        agreement_version int NOT NULL,
        usage text NOT NULL,
        unit text NOT NULL,
        day date NOT NULL,
        lines bigint NOT NULL CHECK (lines > 0),
        units numeric NOT NULL CHECK (units >= 0),
        -- Where in the report its lines are: the report's lines are kept unindexed (written
        -- once, read whole), so a receipt's trail names them rather than searching for them.
        first_line_no bigint NOT NULL,
        last_line_no bigint NOT NULL CHECK (last_line_no >= first_line_no)
      ) PARTITION BY RANGE (period_month)`);
    // A receipt's citations (GET /v1/licence-receipts/:id), and a statement line's receipts:
    // its run's reports (each a partition), then the work.
    await queryRunner.query(
      `CREATE INDEX usage_receipt_citations_receipt ON usage_receipt_citations (receipt_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX usage_receipt_citations_work ON usage_receipt_citations (work_id)`,
    );
    await queryRunner.query(`
      CREATE TRIGGER usage_receipt_citations_unchangeable
        BEFORE UPDATE OR DELETE ON usage_receipt_citations
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER usage_receipt_citations_no_truncate BEFORE TRUNCATE ON usage_receipt_citations
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE usage_receipt_citations`);
    await queryRunner.query(`ALTER TABLE usage_reports DROP COLUMN lines_citing`);
    await queryRunner.query(`ALTER TABLE usage_line_issues DROP COLUMN receipt_id`);
    await queryRunner.query(`ALTER TABLE usage_report_lines DROP COLUMN receipt_id`);
  }
}
