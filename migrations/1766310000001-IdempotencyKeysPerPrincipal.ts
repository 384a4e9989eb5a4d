import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency keys scoped per principal (issue 16): a key is (organization, principal, key), and
 * its fingerprint covers the concrete path, not the route's template. Rows already stored keep
 * principal_id NULL: their fingerprints were taken over the template, so they cannot tell which
 * invoice, payee or agreement they answered; the code answers any reuse of such a key in its
 * organization with 409 idempotency-key-reused (never a replay, never a second effect).
 * NULLS NOT DISTINCT keeps those rows unique per (organization, key), as the primary key did.
 */
export class IdempotencyKeysPerPrincipal1766310000001 implements MigrationInterface {
  name = 'IdempotencyKeysPerPrincipal1766310000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE idempotency_keys ADD COLUMN principal_id uuid REFERENCES principals (id);
      ALTER TABLE idempotency_keys DROP CONSTRAINT idempotency_keys_pkey;
      CREATE UNIQUE INDEX idempotency_keys_scope
        ON idempotency_keys (organization_id, principal_id, key) NULLS NOT DISTINCT;
      COMMENT ON COLUMN idempotency_keys.principal_id IS
        'the principal whose key this is; NULL: stored before keys were per principal (any reuse is a 409)'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // One row per (organization, key) can come back: where principals of one organization used
    // the same key, the earliest row is kept (the others' retries then answer 409, not replay).
    await queryRunner.query(`
      DELETE FROM idempotency_keys later USING idempotency_keys earlier
       WHERE later.organization_id = earlier.organization_id AND later.key = earlier.key
         AND (later.created_at, coalesce(later.principal_id::text, '')) > (earlier.created_at, coalesce(earlier.principal_id::text, ''));
      DROP INDEX idempotency_keys_scope;
      ALTER TABLE idempotency_keys ADD PRIMARY KEY (organization_id, key);
      ALTER TABLE idempotency_keys DROP COLUMN principal_id`);
  }
}
