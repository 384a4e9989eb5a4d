import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The licence check caches works by identifier in each process: any committed statement that
 * changes works or their identifiers clears it (one notification per statement, not per row:
 * an import of a million works sends a handful).
 */
export class NotifyWorkChanges1764900000000 implements MigrationInterface {
  name = 'NotifyWorkChanges1764900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_works_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('works_changed', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER works_notify AFTER INSERT OR UPDATE OR DELETE ON works
      FOR EACH STATEMENT EXECUTE FUNCTION notify_works_changed()`);
    await queryRunner.query(`
      CREATE TRIGGER work_identifiers_notify_change AFTER INSERT OR UPDATE OR DELETE ON work_identifiers
      FOR EACH STATEMENT EXECUTE FUNCTION notify_works_changed()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER work_identifiers_notify_change ON work_identifiers`);
    await queryRunner.query(`DROP TRIGGER works_notify ON works`);
    await queryRunner.query(`DROP FUNCTION notify_works_changed()`);
  }
}
