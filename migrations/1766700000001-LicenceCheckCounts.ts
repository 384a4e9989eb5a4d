import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * How many receipts each agreement's licensee was given, by day, work and usage (issue 21's
 * compliance: "checked 412,000 times for ai-train, reported 0 uses"). Counted in each api process
 * and added here once per interval (RECEIPT_COUNT_FLUSH_MS), never a write per check.
 */
export class LicenceCheckCounts1766700000001 implements MigrationInterface {
  name = 'LicenceCheckCounts1766700000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE licence_check_counts (
        agreement_id uuid NOT NULL REFERENCES agreements(id),
        day date NOT NULL,
        work_id uuid NOT NULL REFERENCES works(id),
        usage text NOT NULL,
        receipts bigint NOT NULL CHECK (receipts > 0),
        PRIMARY KEY (agreement_id, day, work_id, usage)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE licence_check_counts`);
  }
}
