import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateRoyalties1765000000000 implements MigrationInterface {
  name = 'CreateRoyalties1765000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Round half to even, once, late (money rule 2). PostgreSQL's round() rounds half away from 0.
    await queryRunner.query(`
      CREATE FUNCTION round_half_even(x numeric) RETURNS numeric
      LANGUAGE sql IMMUTABLE STRICT AS $$
        SELECT CASE WHEN x - floor(x) = 0.5
                    THEN CASE WHEN mod(floor(x), 2) = 0 THEN floor(x) ELSE floor(x) + 1 END
                    ELSE round(x) END
      $$`);
    await queryRunner.query(`
      CREATE TABLE royalty_runs (
        id uuid PRIMARY KEY,
        period_start date NOT NULL,
        period_end date NOT NULL,
        status text NOT NULL CHECK (status IN ('calculating', 'calculated', 'posted', 'failed')),
        commission_bps int NOT NULL CHECK (commission_bps BETWEEN 0 AND 10000),
        summary jsonb NOT NULL DEFAULT '{}'::jsonb,
        calculation_hash bytea,
        failure text,
        created_by_principal_id uuid NOT NULL REFERENCES principals (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        calculated_at timestamptz,
        posted_by_principal_id uuid REFERENCES principals (id),
        posted_at timestamptz,
        CHECK (period_end >= period_start),
        CHECK ((status = 'posted') = (posted_at IS NOT NULL))
      )`);
    // One posted run per period.
    await queryRunner.query(`
      CREATE UNIQUE INDEX royalty_runs_one_posted ON royalty_runs (period_start, period_end)
      WHERE status = 'posted'`);
    await queryRunner.query(`
      CREATE FUNCTION royalty_runs_posted_is_final() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status = 'posted' THEN
          RAISE EXCEPTION 'royalty run % is posted and cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER royalty_runs_final BEFORE UPDATE ON royalty_runs
      FOR EACH ROW EXECUTE FUNCTION royalty_runs_posted_is_final()`);
    await queryRunner.query(`
      CREATE TRIGGER royalty_runs_never_deleted BEFORE DELETE ON royalty_runs
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // What one licensee owes under one agreement for the run's period.
    await queryRunner.query(`
      CREATE TABLE invoices (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        agreement_id uuid NOT NULL REFERENCES agreements (id),
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        publisher_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL,
        exact_total numeric NOT NULL,
        amount bigint NOT NULL CHECK (amount >= 0),
        commission bigint NOT NULL CHECK (commission >= 0 AND commission <= amount),
        payee_total bigint NOT NULL CHECK (payee_total = amount - commission),
        -- The licence advance: invoiced in full once (the first run of the term), then recouped
        -- from the agreement's charges, exactly, until used up.
        advance_invoiced numeric NOT NULL DEFAULT 0,
        advance_recouped numeric NOT NULL DEFAULT 0,
        advance_balance numeric NOT NULL DEFAULT 0,
        UNIQUE (run_id, agreement_id)
      )`);
    // Per agreement version, work, usage type and unit: the exact charge and its rounded pieces.
    await queryRunner.query(`
      CREATE TABLE royalty_charges (
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        invoice_id uuid NOT NULL REFERENCES invoices (id),
        line_no int NOT NULL,
        -- per-unit and revenue-share charges come from usage; a flat fee and a minimum guarantee
        -- shortfall are spread over the works used (no work: the publisher's default payee).
        kind text NOT NULL CHECK (kind IN ('per-unit', 'revenue-share', 'flat-fee', 'minimum-guarantee',
                                           'advance')),
        agreement_id uuid NOT NULL,
        agreement_version int,
        work_id uuid,
        usage text,
        unit text,
        units numeric,
        rate numeric,
        per bigint,
        exact numeric NOT NULL,
        gross bigint NOT NULL,
        commission bigint NOT NULL,
        PRIMARY KEY (run_id, invoice_id, line_no)
      )`);
    // What one payee earned in the run, line by line (a charge × the payee's share of the work).
    await queryRunner.query(`
      CREATE TABLE statements (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        payee_id uuid NOT NULL REFERENCES payees (id),
        publisher_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL,
        gross bigint NOT NULL,
        commission bigint NOT NULL,
        net bigint NOT NULL CHECK (net = gross - commission),
        UNIQUE (run_id, payee_id, currency)
      )`);
    await queryRunner.query(`CREATE INDEX statements_publisher ON statements (publisher_id, id)`);
    await queryRunner.query(`
      CREATE TABLE statement_lines (
        statement_id uuid NOT NULL REFERENCES statements (id),
        line_no int NOT NULL,
        invoice_id uuid NOT NULL,
        charge_line_no int NOT NULL,
        kind text NOT NULL,
        agreement_id uuid NOT NULL,
        work_id uuid,
        usage text,
        unit text,
        units numeric,
        rate numeric,
        per bigint,
        share_bps int NOT NULL,
        gross bigint NOT NULL,
        commission bigint NOT NULL,
        net bigint NOT NULL CHECK (net = gross - commission),
        PRIMARY KEY (statement_id, line_no)
      )`);
    // A posted run's figures never change; a calculated one is replaced by recalculation.
    await queryRunner.query(`
      CREATE FUNCTION royalty_figures_follow_run() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE run_status text;
      BEGIN
        IF TG_TABLE_NAME = 'statement_lines' THEN
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
      END $$`);
    for (const table of ['invoices', 'royalty_charges', 'statements', 'statement_lines']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_follow_run BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run()`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE statement_lines`);
    await queryRunner.query(`DROP TABLE statements`);
    await queryRunner.query(`DROP TABLE royalty_charges`);
    await queryRunner.query(`DROP TABLE invoices`);
    await queryRunner.query(`DROP TABLE royalty_runs`);
    await queryRunner.query(`DROP FUNCTION royalty_figures_follow_run()`);
    await queryRunner.query(`DROP FUNCTION royalty_runs_posted_is_final()`);
    await queryRunner.query(`DROP FUNCTION round_half_even(numeric)`);
  }
}
