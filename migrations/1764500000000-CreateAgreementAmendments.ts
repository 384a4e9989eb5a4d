import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateAgreementAmendments1764500000000 implements MigrationInterface {
  name = 'CreateAgreementAmendments1764500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Version 1 of an agreement is the agreements row itself; each amendment is a later version,
    // a snapshot of an offer version in force from effective_on. Never edited but to be accepted.
    await queryRunner.query(`
      CREATE TABLE agreement_amendments (
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        version int NOT NULL CHECK (version >= 2),
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        publisher_id uuid NOT NULL REFERENCES organizations (id),
        offer_id uuid NOT NULL,
        offer_version int NOT NULL,
        terms jsonb NOT NULL,
        terms_hash bytea NOT NULL CHECK (length(terms_hash) = 32),
        effective_on date NOT NULL,
        status text NOT NULL CHECK (status IN ('proposed', 'accepted')),
        proposed_by_principal_id uuid REFERENCES principals (id),
        accepted_by_principal_id uuid REFERENCES principals (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        accepted_at timestamptz,
        PRIMARY KEY (agreement_id, version),
        FOREIGN KEY (offer_id, offer_version) REFERENCES licence_offer_versions (offer_id, version),
        CHECK ((status = 'accepted') = (accepted_at IS NOT NULL)),
        CHECK ((status = 'accepted') = (accepted_by_principal_id IS NOT NULL))
      )`);
    // At most one proposal waits at a time; accepted versions take effect on distinct days.
    await queryRunner.query(`
      CREATE UNIQUE INDEX agreement_amendments_one_proposal ON agreement_amendments (agreement_id)
      WHERE status = 'proposed'`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX agreement_amendments_effective ON agreement_amendments (agreement_id, effective_on)
      WHERE status = 'accepted'`);
    await queryRunner.query(
      `CREATE INDEX agreement_amendments_licensee ON agreement_amendments (licensee_id)`,
    );
    await queryRunner.query(`
      CREATE FUNCTION agreement_amendments_accept_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'proposed' OR NEW.status <> 'accepted'
           OR (to_jsonb(NEW) - 'status' - 'accepted_at' - 'accepted_by_principal_id')
              IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'accepted_at' - 'accepted_by_principal_id') THEN
          RAISE EXCEPTION 'amendment % of agreement % is immutable', OLD.version, OLD.agreement_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER agreement_amendments_immutable BEFORE UPDATE ON agreement_amendments
      FOR EACH ROW EXECUTE FUNCTION agreement_amendments_accept_only()`);
    await queryRunner.query(`
      CREATE TRIGGER agreement_amendments_never_deleted BEFORE DELETE ON agreement_amendments
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER agreement_amendments_notify AFTER INSERT OR UPDATE ON agreement_amendments
      FOR EACH ROW EXECUTE FUNCTION notify_agreement_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE agreement_amendments`);
    await queryRunner.query(`DROP FUNCTION agreement_amendments_accept_only()`);
  }
}
