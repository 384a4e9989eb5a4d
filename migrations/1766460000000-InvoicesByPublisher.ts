import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A publisher's invoices by run, for its earnings' breakdown (GET /v1/earnings/breakdown): the
 * invoices of the posted runs in a window that are this publisher's, found by publisher first
 * rather than by reading every publisher's invoices of those runs.
 */
export class InvoicesByPublisher1766460000000 implements MigrationInterface {
  name = 'InvoicesByPublisher1766460000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX invoices_publisher_run ON invoices (publisher_id, run_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX invoices_publisher_run`);
  }
}
