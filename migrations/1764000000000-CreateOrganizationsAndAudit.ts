import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateOrganizationsAndAudit1764000000000 implements MigrationInterface {
  name = 'CreateOrganizationsAndAudit1764000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE organizations (
        id uuid PRIMARY KEY,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        kind text NOT NULL CHECK (kind IN ('publisher', 'licensee', 'operator')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (id, kind)
      )`);
    // There is one platform: one operator organization.
    await queryRunner.query(
      `CREATE UNIQUE INDEX organizations_one_operator ON organizations ((true)) WHERE kind = 'operator'`,
    );

    await queryRunner.query(`
      CREATE TABLE principals (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL,
        organization_kind text NOT NULL,
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        role text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (organization_id, organization_kind) REFERENCES organizations (id, kind),
        UNIQUE (organization_id, name),
        CONSTRAINT principals_role_fits_kind CHECK (
          (organization_kind = 'operator' AND role IN ('admin', 'finance'))
          OR (organization_kind = 'publisher' AND role = 'publisher')
          OR (organization_kind = 'licensee' AND role = 'licensee')
        )
      )`);

    await queryRunner.query(`
      CREATE TABLE api_keys (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        principal_id uuid NOT NULL REFERENCES principals (id),
        prefix text NOT NULL,
        key_hash bytea NOT NULL UNIQUE CHECK (length(key_hash) = 32),
        created_by_principal_id uuid REFERENCES principals (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        revoked_at timestamptz
      )`);
    await queryRunner.query(`CREATE INDEX api_keys_prefix ON api_keys (prefix)`);
    await queryRunner.query(`CREATE INDEX api_keys_principal ON api_keys (principal_id)`);
    await queryRunner.query(`CREATE INDEX api_keys_organization ON api_keys (organization_id, id)`);

    await queryRunner.query(`
      CREATE TABLE audit_events (
        id uuid PRIMARY KEY,
        occurred_at timestamptz NOT NULL DEFAULT now(),
        principal_id uuid REFERENCES principals (id),
        organization_id uuid REFERENCES organizations (id),
        action text NOT NULL,
        resource_type text NOT NULL,
        resource_id text NOT NULL,
        resource_organization_id uuid REFERENCES organizations (id),
        request_id text,
        details jsonb NOT NULL DEFAULT '{}'::jsonb
      )`);
    await queryRunner.query(
      `CREATE INDEX audit_events_organization ON audit_events (organization_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_events_resource ON audit_events (resource_type, resource_id)`,
    );
    await queryRunner.query(
      `CREATE INDEX audit_events_resource_organization ON audit_events (resource_organization_id, id)`,
    );

    // The audit trail is append-only in the database itself, whatever the code does.
    await queryRunner.query(`
      CREATE FUNCTION refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE audit_events`);
    await queryRunner.query(`DROP FUNCTION refuse_change()`);
    await queryRunner.query(`DROP TABLE api_keys`);
    await queryRunner.query(`DROP TABLE principals`);
    await queryRunner.query(`DROP TABLE organizations`);
  }
}
