import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue 18: a publisher holds and releases its own payees, finance any. Each hold records the
 * role that placed it (and the role that released it), because a publisher may not release a
 * hold finance placed. Holds before this migration were all placed (and released) by finance,
 * the only role that could. The columns have no default afterwards: the code names the role.
 */
export class PayeeHoldsPlacedBy1766420000000 implements MigrationInterface {
  name = 'PayeeHoldsPlacedBy1766420000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payee_holds
        ADD COLUMN held_by_role text NOT NULL DEFAULT 'finance'
          CHECK (held_by_role IN ('finance', 'publisher')),
        ADD COLUMN released_by_role text
          CHECK (released_by_role IN ('finance', 'publisher'))`);
    await queryRunner.query(
      `UPDATE payee_holds SET released_by_role = 'finance' WHERE released_at IS NOT NULL`,
    );
    await queryRunner.query(`
      ALTER TABLE payee_holds
        ALTER COLUMN held_by_role DROP DEFAULT,
        ADD CONSTRAINT payee_holds_released_by_role
          CHECK ((released_at IS NULL) = (released_by_role IS NULL))`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE payee_holds
        DROP CONSTRAINT payee_holds_released_by_role,
        DROP COLUMN released_by_role,
        DROP COLUMN held_by_role`);
  }
}
