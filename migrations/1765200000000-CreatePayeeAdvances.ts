import { MigrationInterface, QueryRunner } from 'typeorm';

/** Advances a publisher paid an author outside the platform; the author's earnings repay them. */
export class CreatePayeeAdvances1765200000000 implements MigrationInterface {
  name = 'CreatePayeeAdvances1765200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payee_advances (
        id uuid PRIMARY KEY,
        payee_id uuid NOT NULL REFERENCES payees (id),
        publisher_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount > 0),
        paid_on date NOT NULL,
        reference text CHECK (reference IS NULL OR length(reference) <= 200),
        ledger_transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        recorded_by_principal_id uuid NOT NULL REFERENCES principals (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX payee_advances_payee ON payee_advances (payee_id)`);
    await queryRunner.query(`
      CREATE TRIGGER payee_advances_append_only BEFORE UPDATE OR DELETE ON payee_advances
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payee_advances`);
  }
}
