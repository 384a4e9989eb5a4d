import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Licence receipts (issue 21): the Ed25519 keys that sign them (one signs at a time; a retired
 * key stays published, verifying what it signed, until it expires) and the secrets receipt ids
 * are keyed with (every version kept: an id cited months later is still checked). The service
 * makes the first of each on start; rotation is `POST /v1/licence-receipt-keys`. A change
 * notifies `licence_receipt_keys_changed`, so every process picks up a new key at once.
 */
export class LicenceReceipts1766700000000 implements MigrationInterface {
  name = 'LicenceReceipts1766700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE licence_receipt_keys (
        kid text PRIMARY KEY CHECK (length(kid) BETWEEN 1 AND 100),
        public_jwk jsonb NOT NULL,
        private_key bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        created_by_principal_id uuid REFERENCES principals(id),
        retired_at timestamptz,
        expires_at timestamptz,
        CHECK ((retired_at IS NULL) = (expires_at IS NULL)),
        CHECK (expires_at IS NULL OR expires_at > retired_at)
      )`);
    // One key signs at a time.
    await queryRunner.query(`
      CREATE UNIQUE INDEX licence_receipt_keys_signing ON licence_receipt_keys ((true))
        WHERE retired_at IS NULL`);
    await queryRunner.query(`
      CREATE TABLE licence_receipt_id_secrets (
        version smallint PRIMARY KEY CHECK (version BETWEEN 1 AND 255),
        secret bytea NOT NULL CHECK (length(secret) >= 32),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE FUNCTION notify_licence_receipt_keys_changed() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('licence_receipt_keys_changed', '');
        RETURN NULL;
      END $$`);
    for (const table of ['licence_receipt_keys', 'licence_receipt_id_secrets']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_changed AFTER INSERT OR UPDATE OR DELETE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION notify_licence_receipt_keys_changed()`);
    }
    // An id secret is never changed or dropped: the ids it made would stop checking.
    await queryRunner.query(`
      CREATE TRIGGER licence_receipt_id_secrets_append_only
        BEFORE UPDATE OR DELETE ON licence_receipt_id_secrets
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE licence_receipt_id_secrets`);
    await queryRunner.query(`DROP TABLE licence_receipt_keys`);
    await queryRunner.query(`DROP FUNCTION notify_licence_receipt_keys_changed()`);
  }
}
