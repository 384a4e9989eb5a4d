import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Statement lines derived from the charges instead of stored (docs/ROYALTIES.md): a line is its
 * charge split over the payees of the split version the charge records, so a run writes each
 * charge once with `split_version`, and per statement only its totals by invoice
 * (`statement_invoices`, what posting and pay-when-paid read) and its advance-repayment lines.
 * Runs calculated before keep their stored lines (`lines_stored`), and their totals by invoice
 * are filled in from them here.
 */
export class DerivedStatementLines1765800000000 implements MigrationInterface {
  name = 'DerivedStatementLines1765800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE royalty_charges ADD COLUMN split_version int CHECK (split_version >= 1);
      ALTER TABLE royalty_runs ADD COLUMN lines_stored boolean NOT NULL DEFAULT true;
      ALTER TABLE royalty_runs ALTER COLUMN lines_stored SET DEFAULT false`);
    await queryRunner.query(`
      CREATE TABLE statement_invoices (
        statement_id uuid NOT NULL REFERENCES statements (id),
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        gross bigint NOT NULL,
        commission bigint NOT NULL,
        net bigint NOT NULL CHECK (net = gross - commission),
        PRIMARY KEY (statement_id, invoice_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX statement_invoices_invoice ON statement_invoices (invoice_id)`,
    );
    await queryRunner.query(`
      INSERT INTO statement_invoices (statement_id, invoice_id, gross, commission, net)
      SELECT statement_id, invoice_id, sum(gross), sum(commission), sum(net)
        FROM statement_lines GROUP BY statement_id, invoice_id`);
    await queryRunner.query(followRun(['statement_lines', 'statement_invoices']));
    await queryRunner.query(`
      CREATE TRIGGER statement_invoices_follow_run BEFORE UPDATE OR DELETE ON statement_invoices
      FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const [{ derived }] = (await queryRunner.query(
      `SELECT count(*)::int AS derived FROM royalty_runs WHERE NOT lines_stored`,
    )) as { derived: number }[];
    if (derived > 0) {
      throw new Error(
        `${derived} royalty runs have derived statement lines; reverting would lose their lines`,
      );
    }
    await queryRunner.query(`DROP TABLE statement_invoices`);
    await queryRunner.query(followRun(['statement_lines']));
    await queryRunner.query(`
      ALTER TABLE royalty_runs DROP COLUMN lines_stored;
      ALTER TABLE royalty_charges DROP COLUMN split_version`);
  }
}

/** royalty_figures_follow_run, with the tables whose rows name their statement, not their run. */
function followRun(byStatement: string[]): string {
  return `
    CREATE OR REPLACE FUNCTION royalty_figures_follow_run() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE run_status text;
    BEGIN
      IF TG_TABLE_NAME IN (${byStatement.map((t) => `'${t}'`).join(', ')}) THEN
        SELECT r.status INTO run_status FROM statements s JOIN royalty_runs r ON r.id = s.run_id
         WHERE s.id = OLD.statement_id;
      ELSE
        SELECT status INTO run_status FROM royalty_runs WHERE id = OLD.run_id;
      END IF;
      IF run_status = 'posted' THEN
        RAISE EXCEPTION '% of a posted royalty run cannot change', TG_TABLE_NAME
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      IF TG_OP = 'DELETE' THEN
        RETURN OLD;
      END IF;
      RETURN NEW;
    END $$`;
}
