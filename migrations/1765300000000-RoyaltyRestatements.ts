import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Restatements: what each run counted (per usage report, so a later run can price exactly the
 * difference from what was settled), signed adjustment lines labelled with the period, run and
 * reports they correct, and invoices that may be credit notes.
 */
export class RoyaltyRestatements1765300000000 implements MigrationInterface {
  name = 'RoyaltyRestatements1765300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // The counted usage a run settled: its own period's (period_run_id = run_id) and, for each
    // posted period it adjusts, the signed difference it priced. The sum over the posted runs of
    // a period_run_id is the usage that period has been settled on.
    await queryRunner.query(`
      CREATE TABLE royalty_run_usage (
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        period_run_id uuid NOT NULL REFERENCES royalty_runs (id),
        report_id uuid NOT NULL REFERENCES usage_reports (id),
        agreement_id uuid NOT NULL,
        agreement_version int NOT NULL,
        licensee_id uuid NOT NULL,
        publisher_id uuid NOT NULL,
        work_id uuid NOT NULL,
        usage text NOT NULL,
        unit text NOT NULL,
        units numeric NOT NULL,
        revenue numeric NOT NULL
      )`);
    await queryRunner.query(`CREATE INDEX royalty_run_usage_run ON royalty_run_usage (run_id)`);
    await queryRunner.query(
      `CREATE INDEX royalty_run_usage_period ON royalty_run_usage (period_run_id)`,
    );
    await queryRunner.query(`
      CREATE TRIGGER royalty_run_usage_follow_run BEFORE UPDATE OR DELETE ON royalty_run_usage
      FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run()`);
    // Runs posted before this: settled on the usage counting now (the best record there is).
    await queryRunner.query(`
      INSERT INTO royalty_run_usage (run_id, period_run_id, report_id, agreement_id,
             agreement_version, licensee_id, publisher_id, work_id, usage, unit, units, revenue)
      SELECT p.id, p.id, a.report_id, a.agreement_id, a.agreement_version, a.licensee_id,
             a.publisher_id, a.work_id, a.usage, a.unit, sum(a.units), sum(a.revenue)
        FROM royalty_runs p
        JOIN usage_reports r ON r.period_start >= p.period_start AND r.period_end <= p.period_end
        JOIN usage_aggregates a ON a.report_id = r.id
       WHERE p.status = 'posted' AND a.status = 'matched' AND r.status = 'accepted'
         AND r.superseded_by_id IS NULL
       GROUP BY p.id, a.report_id, a.agreement_id, a.agreement_version, a.licensee_id,
                a.publisher_id, a.work_id, a.usage, a.unit
      HAVING sum(a.units) <> 0 OR sum(a.revenue) <> 0`);

    for (const table of ['royalty_charges', 'statement_lines']) {
      await queryRunner.query(`
        ALTER TABLE ${table}
          ADD COLUMN adjusts_run_id uuid,
          ADD COLUMN adjusts_period_start date,
          ADD COLUMN adjusts_period_end date,
          ADD COLUMN adjusts_report_ids uuid[],
          ADD CONSTRAINT ${table}_adjustment_reference CHECK (
            (adjusts_run_id IS NULL) = (adjusts_period_start IS NULL)
            AND (adjusts_run_id IS NULL) = (adjusts_period_end IS NULL)
            AND (adjusts_run_id IS NULL) = (adjusts_report_ids IS NULL))`);
    }
    await queryRunner.query(`
      ALTER TABLE royalty_charges DROP CONSTRAINT royalty_charges_kind_check,
        ADD CONSTRAINT royalty_charges_kind_check CHECK (kind IN ('per-unit', 'revenue-share',
          'flat-fee', 'minimum-guarantee', 'advance', 'per-unit-adjustment',
          'revenue-share-adjustment')),
        ADD CONSTRAINT royalty_charges_adjustment_kind CHECK (
          (kind LIKE '%-adjustment') = (adjusts_run_id IS NOT NULL))`);
    // An invoice may be a credit note (a negative amount: adjustments larger than the period's
    // charges); its commission has its sign and is never larger.
    await queryRunner.query(`
      ALTER TABLE invoices DROP CONSTRAINT invoices_amount_check,
        DROP CONSTRAINT invoices_check,
        ADD COLUMN adjustment_exact numeric NOT NULL DEFAULT 0,
        ADD COLUMN adjustment_amount bigint NOT NULL DEFAULT 0,
        ADD COLUMN adjustment_commission bigint NOT NULL DEFAULT 0,
        ADD CONSTRAINT invoices_commission_sign CHECK (
          abs(commission) <= abs(amount) AND (commission = 0 OR sign(commission) = sign(amount)))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE invoices DROP CONSTRAINT invoices_commission_sign,
        DROP COLUMN adjustment_exact, DROP COLUMN adjustment_amount,
        DROP COLUMN adjustment_commission,
        ADD CONSTRAINT invoices_amount_check CHECK (amount >= 0),
        ADD CONSTRAINT invoices_check CHECK (commission >= 0 AND commission <= amount)`);
    await queryRunner.query(`
      ALTER TABLE royalty_charges DROP CONSTRAINT royalty_charges_adjustment_kind,
        DROP CONSTRAINT royalty_charges_kind_check,
        ADD CONSTRAINT royalty_charges_kind_check CHECK (kind IN ('per-unit', 'revenue-share',
          'flat-fee', 'minimum-guarantee', 'advance'))`);
    for (const table of ['royalty_charges', 'statement_lines']) {
      await queryRunner.query(`
        ALTER TABLE ${table} DROP CONSTRAINT ${table}_adjustment_reference,
          DROP COLUMN adjusts_run_id, DROP COLUMN adjusts_period_start,
          DROP COLUMN adjusts_period_end, DROP COLUMN adjusts_report_ids`);
    }
    await queryRunner.query(`DROP TABLE royalty_run_usage`);
  }
}
