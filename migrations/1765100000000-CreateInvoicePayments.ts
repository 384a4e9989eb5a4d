import { MigrationInterface, QueryRunner } from 'typeorm';

/** Money received against an invoice, and the payees' earnings each payment made payable. */
export class CreateInvoicePayments1765100000000 implements MigrationInterface {
  name = 'CreateInvoicePayments1765100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE invoice_payments (
        id uuid PRIMARY KEY,
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        amount bigint NOT NULL CHECK (amount > 0),
        received_on date NOT NULL,
        reference text CHECK (reference IS NULL OR length(reference) <= 200),
        ledger_transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        recorded_by_principal_id uuid NOT NULL REFERENCES principals (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX invoice_payments_invoice ON invoice_payments (invoice_id)`,
    );
    await queryRunner.query(`
      CREATE TABLE invoice_payment_releases (
        payment_id uuid NOT NULL REFERENCES invoice_payments (id),
        payee_id uuid NOT NULL REFERENCES payees (id),
        amount bigint NOT NULL CHECK (amount > 0),
        PRIMARY KEY (payment_id, payee_id)
      )`);
    for (const table of ['invoice_payments', 'invoice_payment_releases']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE invoice_payment_releases`);
    await queryRunner.query(`DROP TABLE invoice_payments`);
  }
}
