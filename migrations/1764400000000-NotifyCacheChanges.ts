import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * In-process caches (API keys by prefix, a licensee's agreements) are evicted by these
 * notifications, which PostgreSQL delivers only when the change commits (src/database/change-feed.ts).
 */
export class NotifyCacheChanges1764400000000 implements MigrationInterface {
  name = 'NotifyCacheChanges1764400000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION notify_api_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('api_keys_changed', COALESCE(NEW.prefix, OLD.prefix));
        RETURN NULL;
      END $$`);
    // lastUsedAt bookkeeping changes nothing a cache holds that matters: it does not notify.
    await queryRunner.query(`
      CREATE TRIGGER api_keys_notify_insert AFTER INSERT ON api_keys
      FOR EACH ROW EXECUTE FUNCTION notify_api_key_change()`);
    await queryRunner.query(`
      CREATE TRIGGER api_keys_notify_update AFTER UPDATE ON api_keys
      FOR EACH ROW WHEN (OLD.revoked_at IS DISTINCT FROM NEW.revoked_at
                         OR OLD.prefix IS DISTINCT FROM NEW.prefix
                         OR OLD.key_hash IS DISTINCT FROM NEW.key_hash
                         OR OLD.principal_id IS DISTINCT FROM NEW.principal_id)
      EXECUTE FUNCTION notify_api_key_change()`);
    await queryRunner.query(`
      CREATE TRIGGER api_keys_notify_delete AFTER DELETE ON api_keys
      FOR EACH ROW EXECUTE FUNCTION notify_api_key_change()`);

    await queryRunner.query(`
      CREATE FUNCTION notify_agreement_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('agreements_changed', COALESCE(NEW.licensee_id, OLD.licensee_id)::text);
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER agreements_notify AFTER INSERT OR UPDATE OR DELETE ON agreements
      FOR EACH ROW EXECUTE FUNCTION notify_agreement_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER agreements_notify ON agreements`);
    await queryRunner.query(`DROP FUNCTION notify_agreement_change()`);
    await queryRunner.query(`DROP TRIGGER api_keys_notify_delete ON api_keys`);
    await queryRunner.query(`DROP TRIGGER api_keys_notify_update ON api_keys`);
    await queryRunner.query(`DROP TRIGGER api_keys_notify_insert ON api_keys`);
    await queryRunner.query(`DROP FUNCTION notify_api_key_change()`);
  }
}
