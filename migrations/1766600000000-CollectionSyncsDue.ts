import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Marked Stripe invoices are read by one drain at a time, oldest mark first, rather than by a job
 * each: a mark whose read failed is put back due later (its failures counted, the wait doubling),
 * so the drain goes on with the others instead of retrying it at once.
 */
export class CollectionSyncsDue1766600000000 implements MigrationInterface {
  name = 'CollectionSyncsDue1766600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE collection_syncs
        ADD COLUMN due_at timestamptz NOT NULL DEFAULT now(),
        ADD COLUMN failures int NOT NULL DEFAULT 0 CHECK (failures >= 0)`);
    await queryRunner.query(`CREATE INDEX collection_syncs_due ON collection_syncs (due_at, mark)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX collection_syncs_due`);
    await queryRunner.query(
      `ALTER TABLE collection_syncs DROP COLUMN failures, DROP COLUMN due_at`,
    );
  }
}
