import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The bytes of every stored upload (a usage report of any format, a catalogue import), one row
 * each, written in the transaction that stores the upload: the per-organization quota over the
 * last 24 hours (UPLOAD_QUOTA_BYTES_PER_DAY) is then one index range scan, reports and imports
 * together. `received_at` is when the last byte arrived (clock_timestamp at the insert), not
 * when the upload began, so a long upload counts for the whole window after it.
 */
export class UploadBytes1766350000000 implements MigrationInterface {
  name = 'UploadBytes1766350000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE upload_bytes (
        organization_id uuid NOT NULL REFERENCES organizations (id),
        received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        bytes bigint NOT NULL CHECK (bytes >= 0),
        usage_report_id uuid UNIQUE REFERENCES usage_reports (id),
        catalogue_import_id uuid UNIQUE REFERENCES catalogue_imports (id),
        CONSTRAINT upload_bytes_one_upload CHECK (num_nonnulls(usage_report_id, catalogue_import_id) = 1)
      )`);
    await queryRunner.query(
      `CREATE INDEX upload_bytes_by_organization ON upload_bytes (organization_id, received_at) INCLUDE (bytes)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE upload_bytes`);
  }
}
