import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLicenceOffers1764200000000 implements MigrationInterface {
  name = 'CreateLicenceOffers1764200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The offer as it is now; every version of its terms, this one included, is kept below.
    await queryRunner.query(`
      CREATE TABLE licence_offers (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        terms jsonb NOT NULL,
        terms_hash bytea NOT NULL CHECK (length(terms_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        retired_at timestamptz,
        CHECK ((status = 'retired') = (retired_at IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX licence_offers_organization ON licence_offers (organization_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX licence_offers_active ON licence_offers (id) WHERE status = 'active'`,
    );
    await queryRunner.query(`
      CREATE TRIGGER licence_offers_never_deleted BEFORE DELETE ON licence_offers
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE licence_offer_versions (
        offer_id uuid NOT NULL REFERENCES licence_offers (id),
        version int NOT NULL,
        terms jsonb NOT NULL,
        terms_hash bytea NOT NULL CHECK (length(terms_hash) = 32),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (offer_id, version)
      )`);
    await queryRunner.query(`
      CREATE TRIGGER licence_offer_versions_append_only BEFORE UPDATE OR DELETE ON licence_offer_versions
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE licence_offer_versions`);
    await queryRunner.query(`DROP TABLE licence_offers`);
  }
}
