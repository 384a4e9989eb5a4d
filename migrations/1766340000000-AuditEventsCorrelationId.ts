import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The request id of an audit event is the server's own (generated for every request); a
 * caller's id for its request is kept beside it as the correlation id, validated as the api
 * validates it (short and plain), so the trail can be searched by either without trusting the
 * caller for the first.
 */
export class AuditEventsCorrelationId1766340000000 implements MigrationInterface {
  name = 'AuditEventsCorrelationId1766340000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE audit_events ADD COLUMN correlation_id text
         CONSTRAINT audit_events_correlation_id_plain
         CHECK (correlation_id ~ '^[A-Za-z0-9._:-]{1,128}$')`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE audit_events DROP COLUMN correlation_id`);
  }
}
