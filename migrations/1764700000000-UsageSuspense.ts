import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What re-matching a suspended (unmatched) line needs: the work and agreement as the licensee
 * named them (normalized), and when a later match took the line out of suspense. A statement
 * notification tells re-matchers that the catalogue gained identifiers.
 */
export class UsageSuspense1764700000000 implements MigrationInterface {
  name = 'UsageSuspense1764700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE usage_lines
        ADD COLUMN named_work_id uuid,
        ADD COLUMN scheme text,
        ADD COLUMN value text,
        ADD COLUMN named_agreement_id uuid,
        ADD COLUMN rematched_at timestamptz`);
    // Aggregates gain delta rows when suspended lines are matched later: say which.
    await queryRunner.query(`ALTER TABLE usage_aggregates ADD COLUMN rematched_at timestamptz`);
    await queryRunner.query(`
      CREATE FUNCTION notify_identifiers_added() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('work_identifiers_added', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER work_identifiers_notify AFTER INSERT ON work_identifiers
      FOR EACH STATEMENT EXECUTE FUNCTION notify_identifiers_added()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER work_identifiers_notify ON work_identifiers`);
    await queryRunner.query(`DROP FUNCTION notify_identifiers_added()`);
    await queryRunner.query(`ALTER TABLE usage_aggregates DROP COLUMN rematched_at`);
    await queryRunner.query(`
      ALTER TABLE usage_lines DROP COLUMN named_work_id, DROP COLUMN scheme, DROP COLUMN value,
        DROP COLUMN named_agreement_id, DROP COLUMN rematched_at`);
  }
}
