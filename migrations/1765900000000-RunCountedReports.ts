import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a royalty run counted, recorded per report instead of copied per key (docs/ROYALTIES.md,
 * restatements): `usage_aggregates` is append-only, and a re-match appends its delta rows with the
 * report's next `aggregate_generation`, so "report R's aggregates of generation ≤ g" names exactly
 * the rows a run saw. A run records (report, generation) for each report it counts, in
 * `royalty_run_reports`; `royalty_run_usage` keeps the restatement rows (and, for runs calculated
 * before, their copied usage). `royalty_run_counted` is the two as one: what each run counted.
 */
/** The report's columns that may change in place; a report's content never does. */
function keepContent(mutable: string[], extraRefusal: string): string {
  const list = mutable.map((column) => `'${column}'`).join(', ');
  return `
    CREATE OR REPLACE FUNCTION usage_reports_keep_content() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (to_jsonb(NEW) - ARRAY[${list}]) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY[${list}])
         OR OLD.status IN ('accepted', 'rejected') AND NEW.status IS DISTINCT FROM OLD.status
         OR OLD.superseded_by_id IS NOT NULL AND NEW.superseded_by_id IS DISTINCT FROM OLD.superseded_by_id
         ${extraRefusal} THEN
        RAISE EXCEPTION 'usage report % cannot be changed in place', OLD.id
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $$`;
}

const MUTABLE = [
  'status',
  'lines_received',
  'units_received',
  'lines_matched',
  'lines_unmatched',
  'lines_out_of_scope',
  'lines_invalid',
  'totals_by_usage',
  'rejection',
  'processed_at',
  'accepted_at',
  'superseded_by_id',
  'superseded_at',
];

export class RunCountedReports1765900000000 implements MigrationInterface {
  name = 'RunCountedReports1765900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Constant defaults: no table rewrite.
    await queryRunner.query(`
      ALTER TABLE usage_aggregates ADD COLUMN generation int NOT NULL DEFAULT 0;
      ALTER TABLE usage_reports ADD COLUMN aggregate_generation int NOT NULL DEFAULT 0`);
    // A re-match moves the generation on, never back.
    await queryRunner.query(
      keepContent(
        [...MUTABLE, 'aggregate_generation'],
        'OR NEW.aggregate_generation < OLD.aggregate_generation',
      ),
    );
    await queryRunner.query(`
      CREATE TABLE royalty_run_reports (
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        report_id uuid NOT NULL REFERENCES usage_reports (id),
        generation int NOT NULL CHECK (generation >= 0),
        PRIMARY KEY (run_id, report_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX royalty_run_reports_report ON royalty_run_reports (report_id)`,
    );
    await queryRunner.query(`
      CREATE TRIGGER royalty_run_reports_follow_run BEFORE UPDATE OR DELETE ON royalty_run_reports
      FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run()`);
    await queryRunner.query(`
      CREATE VIEW royalty_run_counted AS
      SELECT run_id, period_run_id, report_id, agreement_id, agreement_version, licensee_id,
             publisher_id, work_id, usage, unit, units, revenue
        FROM royalty_run_usage
      UNION ALL
      SELECT r.run_id, r.run_id, a.report_id, a.agreement_id, a.agreement_version, a.licensee_id,
             a.publisher_id, a.work_id, a.usage, a.unit, a.units, a.revenue
        FROM royalty_run_reports r
        JOIN usage_aggregates a ON a.report_id = r.report_id AND a.generation <= r.generation
       WHERE a.status = 'matched'`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    // What the runs since counted, copied back per key, as the code before this reads it.
    await queryRunner.query(`
      INSERT INTO royalty_run_usage (run_id, period_run_id, report_id, agreement_id,
             agreement_version, licensee_id, publisher_id, work_id, usage, unit, units, revenue)
      SELECT r.run_id, r.run_id, a.report_id, a.agreement_id, a.agreement_version, a.licensee_id,
             a.publisher_id, a.work_id, a.usage, a.unit, sum(a.units), sum(a.revenue)
        FROM royalty_run_reports r
        JOIN usage_aggregates a ON a.report_id = r.report_id AND a.generation <= r.generation
       WHERE a.status = 'matched'
       GROUP BY r.run_id, a.report_id, a.agreement_id, a.agreement_version, a.licensee_id,
                a.publisher_id, a.work_id, a.usage, a.unit
      HAVING sum(a.units) <> 0 OR sum(a.revenue) <> 0`);
    await queryRunner.query(`DROP VIEW royalty_run_counted`);
    await queryRunner.query(`DROP TABLE royalty_run_reports`);
    await queryRunner.query(keepContent(MUTABLE, ''));
    await queryRunner.query(`
      ALTER TABLE usage_reports DROP COLUMN aggregate_generation;
      ALTER TABLE usage_aggregates DROP COLUMN generation`);
  }
}
