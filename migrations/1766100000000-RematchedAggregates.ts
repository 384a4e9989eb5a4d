import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The delta rows a re-match adds to a report's aggregates (`rematched_at` set), by report: a
 * royalty run asks whether the reports it counts have any (then their keys are summed; without,
 * the aggregates are priced as they lie), and finds them without reading the reports' millions.
 */
export class RematchedAggregates1766100000000 implements MigrationInterface {
  name = 'RematchedAggregates1766100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX usage_aggregates_rematched ON usage_aggregates (report_id)
        WHERE rematched_at IS NOT NULL`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX usage_aggregates_rematched`);
  }
}
