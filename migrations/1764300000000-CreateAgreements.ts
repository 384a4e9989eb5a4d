import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAgreements1764300000000 implements MigrationInterface {
  name = 'CreateAgreements1764300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // An accepted offer: the terms exactly as they were (snapshot and its hash), never edited.
    await queryRunner.query(`
      CREATE TABLE agreements (
        id uuid PRIMARY KEY,
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        publisher_id uuid NOT NULL REFERENCES organizations (id),
        offer_id uuid NOT NULL REFERENCES licence_offers (id),
        offer_version int NOT NULL,
        terms jsonb NOT NULL,
        terms_hash bytea NOT NULL CHECK (length(terms_hash) = 32),
        status text NOT NULL CHECK (status IN ('proposed', 'active', 'terminated')),
        -- Set on acceptance: a term of some months runs from that day.
        starts_on date,
        ends_on date,
        terminated_on date,
        terminated_by_principal_id uuid REFERENCES principals (id),
        proposed_by_principal_id uuid REFERENCES principals (id),
        accepted_by_principal_id uuid REFERENCES principals (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (offer_id, offer_version) REFERENCES licence_offer_versions (offer_id, version),
        CHECK (ends_on IS NULL OR ends_on >= starts_on),
        CHECK ((status = 'proposed') = (starts_on IS NULL)),
        CHECK ((status = 'proposed') = (accepted_by_principal_id IS NULL)),
        CHECK ((status = 'terminated') = (terminated_on IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX agreements_licensee ON agreements (licensee_id, id)`);
    await queryRunner.query(`CREATE INDEX agreements_publisher ON agreements (publisher_id, id)`);
    // The terms of an agreement never change; only its status and termination date may.
    await queryRunner.query(`
      CREATE FUNCTION agreements_keep_terms() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.terms IS DISTINCT FROM OLD.terms OR NEW.terms_hash IS DISTINCT FROM OLD.terms_hash
           OR NEW.offer_id IS DISTINCT FROM OLD.offer_id OR NEW.offer_version IS DISTINCT FROM OLD.offer_version
           OR NEW.licensee_id IS DISTINCT FROM OLD.licensee_id OR NEW.publisher_id IS DISTINCT FROM OLD.publisher_id
           OR (OLD.status <> 'proposed'
               AND (NEW.starts_on IS DISTINCT FROM OLD.starts_on OR NEW.ends_on IS DISTINCT FROM OLD.ends_on)) THEN
          RAISE EXCEPTION 'the terms of agreement % are immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER agreements_terms_immutable BEFORE UPDATE ON agreements
      FOR EACH ROW EXECUTE FUNCTION agreements_keep_terms()`);
    await queryRunner.query(`
      CREATE TRIGGER agreements_never_deleted BEFORE DELETE ON agreements
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE agreements`);
    await queryRunner.query(`DROP FUNCTION agreements_keep_terms()`);
  }
}
