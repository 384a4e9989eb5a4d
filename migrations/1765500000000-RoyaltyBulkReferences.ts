import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A royalty run writes millions of rows at once (statement lines, charges, the usage it counted),
 * and a foreign key checks each row with a query of its own: at the bench's size those checks
 * took longer than the rest of the calculation. The same references are now checked once per
 * statement, set-based, by triggers over the statement's new rows (transition tables): every
 * referenced row must exist, and is locked FOR KEY SHARE as a foreign key would lock it. The
 * referenced side refuses what would leave a row dangling: deleting an invoice or a statement
 * that still has lines (checked after each DELETE statement), changing the id of a run, an
 * invoice or a statement. Runs and usage reports are never deleted (their own triggers).
 * A charge's invoice must moreover belong to the charge's run.
 */
export class RoyaltyBulkReferences1765500000000 implements MigrationInterface {
  name = 'RoyaltyBulkReferences1765500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_statement_id_fkey;
      ALTER TABLE royalty_charges DROP CONSTRAINT royalty_charges_run_id_fkey,
        DROP CONSTRAINT royalty_charges_invoice_id_fkey;
      ALTER TABLE royalty_run_usage DROP CONSTRAINT royalty_run_usage_run_id_fkey,
        DROP CONSTRAINT royalty_run_usage_period_run_id_fkey,
        DROP CONSTRAINT royalty_run_usage_report_id_fkey`);

    await queryRunner.query(
      referencesFunction(
        'statement_lines',
        `ids uuid[] := ARRAY(SELECT DISTINCT statement_id FROM new_rows);`,
        `PERFORM 1 FROM statements s WHERE s.id = ANY (ids) FOR KEY SHARE;`,
        `(SELECT count(*) FROM statements s WHERE s.id = ANY (ids)) <> cardinality(ids)`,
        'a line refers to a statement that does not exist',
      ),
    );
    await queryRunner.query(
      referencesFunction(
        'royalty_charges',
        `run_ids uuid[]; invoice_ids uuid[];`,
        `SELECT array_agg(run_id), array_agg(invoice_id) INTO run_ids, invoice_ids
           FROM (SELECT DISTINCT run_id, invoice_id FROM new_rows) d;
         PERFORM 1 FROM invoices i WHERE i.id = ANY (invoice_ids) FOR KEY SHARE;`,
        `EXISTS (SELECT 1 FROM unnest(run_ids, invoice_ids) n (run_id, invoice_id)
                  WHERE NOT EXISTS (SELECT 1 FROM invoices i
                                     WHERE i.id = n.invoice_id AND i.run_id = n.run_id))`,
        'a charge refers to an invoice that does not exist in its run',
      ),
    );
    await queryRunner.query(
      referencesFunction(
        'royalty_run_usage',
        `run_ids uuid[]; report_ids uuid[];`,
        `SELECT array_agg(DISTINCT id) FILTER (WHERE report),
                array_agg(DISTINCT id) FILTER (WHERE NOT report) INTO report_ids, run_ids
           FROM (SELECT DISTINCT run_id, period_run_id, report_id FROM new_rows) d
          CROSS JOIN LATERAL (VALUES (d.run_id, false), (d.period_run_id, false),
                                     (d.report_id, true)) v (id, report);
         PERFORM 1 FROM royalty_runs r WHERE r.id = ANY (run_ids) FOR KEY SHARE;
         PERFORM 1 FROM usage_reports r WHERE r.id = ANY (report_ids) FOR KEY SHARE;`,
        `(SELECT count(*) FROM royalty_runs r WHERE r.id = ANY (run_ids)) <> cardinality(run_ids)
         OR (SELECT count(*) FROM usage_reports r WHERE r.id = ANY (report_ids))
            <> cardinality(report_ids)`,
        'a row refers to a run or usage report that does not exist',
      ),
    );
    for (const table of ['statement_lines', 'royalty_charges', 'royalty_run_usage']) {
      for (const event of ['INSERT', 'UPDATE']) {
        await queryRunner.query(`
          CREATE TRIGGER ${table}_references_${event.toLowerCase()} AFTER ${event} ON ${table}
          REFERENCING NEW TABLE AS new_rows
          FOR EACH STATEMENT EXECUTE FUNCTION ${table}_references()`);
      }
    }

    // The referenced side.
    await queryRunner.query(`
      CREATE FUNCTION royalty_lines_left_behind() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'statements' AND EXISTS (
             SELECT 1 FROM old_rows o JOIN statement_lines l ON l.statement_id = o.id)
           OR TG_TABLE_NAME = 'invoices' AND EXISTS (
             SELECT 1 FROM old_rows o
               JOIN royalty_charges c ON c.run_id = o.run_id AND c.invoice_id = o.id) THEN
          RAISE EXCEPTION '%: a deleted row still has lines', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $$`);
    for (const table of ['statements', 'invoices']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_lines_left_behind AFTER DELETE ON ${table}
        REFERENCING OLD TABLE AS old_rows
        FOR EACH STATEMENT EXECUTE FUNCTION royalty_lines_left_behind()`);
    }
    for (const [table, columns] of [
      ['royalty_runs', ['id']],
      ['invoices', ['id', 'run_id']],
      ['statements', ['id']],
    ] as const) {
      const changed = columns.map((c) => `NEW.${c} IS DISTINCT FROM OLD.${c}`).join(' OR ');
      await queryRunner.query(`
        CREATE TRIGGER ${table}_keys_fixed BEFORE UPDATE OF ${columns.join(', ')} ON ${table}
        FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION refuse_change()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['royalty_runs', 'invoices', 'statements']) {
      await queryRunner.query(`DROP TRIGGER ${table}_keys_fixed ON ${table}`);
    }
    for (const table of ['statements', 'invoices']) {
      await queryRunner.query(`DROP TRIGGER ${table}_lines_left_behind ON ${table}`);
    }
    await queryRunner.query(`DROP FUNCTION royalty_lines_left_behind()`);
    for (const table of ['statement_lines', 'royalty_charges', 'royalty_run_usage']) {
      for (const event of ['insert', 'update']) {
        await queryRunner.query(`DROP TRIGGER ${table}_references_${event} ON ${table}`);
      }
      await queryRunner.query(`DROP FUNCTION ${table}_references()`);
    }
    await queryRunner.query(`
      ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_statement_id_fkey
        FOREIGN KEY (statement_id) REFERENCES statements (id);
      ALTER TABLE royalty_charges
        ADD CONSTRAINT royalty_charges_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs (id),
        ADD CONSTRAINT royalty_charges_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices (id);
      ALTER TABLE royalty_run_usage
        ADD CONSTRAINT royalty_run_usage_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs (id),
        ADD CONSTRAINT royalty_run_usage_period_run_id_fkey
          FOREIGN KEY (period_run_id) REFERENCES royalty_runs (id),
        ADD CONSTRAINT royalty_run_usage_report_id_fkey
          FOREIGN KEY (report_id) REFERENCES usage_reports (id)`);
  }
}

/**
 * `<table>_references()`: over the statement's new rows (new_rows), `lock` locks what they refer
 * to FOR KEY SHARE (as a foreign key would), then `missing` true refuses the statement.
 */
function referencesFunction(
  table: string,
  declare: string,
  lock: string,
  missing: string,
  message: string,
): string {
  return `
    CREATE FUNCTION ${table}_references() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE ${declare}
    BEGIN
      ${lock}
      IF ${missing} THEN
        RAISE EXCEPTION '${table}: ${message}' USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $$`;
}
