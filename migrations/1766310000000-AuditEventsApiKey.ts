import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The API key an audited action was taken with, beside its principal: a principal may hold
 * several keys, and the trail should say which one acted (a leaked key's actions, a rotated
 * integration's). Null for system actions and for events written before this column existed.
 * Adding a nullable column rewrites no row, so the append-only trigger is not involved.
 */
export class AuditEventsApiKey1766310000000 implements MigrationInterface {
  name = 'AuditEventsApiKey1766310000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE audit_events ADD COLUMN api_key_id uuid REFERENCES api_keys (id)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_events_api_key ON audit_events (api_key_id, id)
        WHERE api_key_id IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX audit_events_api_key`);
    await queryRunner.query(`ALTER TABLE audit_events DROP COLUMN api_key_id`);
  }
}
