import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A publisher's paid payout items, for its earnings' `paidOut` (GET /v1/earnings): one range scan
 * of this partial index instead of every payout item of the platform.
 */
export class PayoutItemsByOrganization1766450000000 implements MigrationInterface {
  name = 'PayoutItemsByOrganization1766450000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX payout_items_organization_paid ON payout_items (organization_id, currency)
        WHERE status = 'paid'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX payout_items_organization_paid`);
  }
}
