import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The postings trigger's checks, the same rules in linear time. Found by bench:payouts: a payout
 * run reserving 10,000 amounts writes one transaction of 20,000 postings, and two checks were
 * quadratic in it — the currency check joined the transition table (no statistics) to every
 * account by nested loop, and the "at least two postings" check counted the transaction's
 * postings once per posting. Now: one index lookup per posting, one count per transaction.
 */
export class LedgerChecksInLinearTime1765700000000 implements MigrationInterface {
  name = 'LedgerChecksInLinearTime1765700000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        broken record;
      BEGIN
        SELECT p.transaction_id, p.currency, sum(p.amount) AS total INTO broken
          FROM new_postings p GROUP BY p.transaction_id, p.currency HAVING sum(p.amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger transaction % does not balance in %: %', broken.transaction_id,
            broken.currency, broken.total USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM new_postings p
                    WHERE p.currency IS DISTINCT FROM
                          (SELECT a.currency FROM ledger_accounts a WHERE a.id = p.account_id)) THEN
          RAISE EXCEPTION 'a posting''s currency differs from its account''s'
            USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM (SELECT DISTINCT transaction_id FROM new_postings) t
                    WHERE (SELECT count(*) FROM ledger_postings q WHERE q.transaction_id = t.transaction_id)
                          < 2) THEN
          RAISE EXCEPTION 'a ledger transaction has at least two postings'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        broken record;
      BEGIN
        SELECT p.transaction_id, p.currency, sum(p.amount) AS total INTO broken
          FROM new_postings p GROUP BY p.transaction_id, p.currency HAVING sum(p.amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger transaction % does not balance in %: %', broken.transaction_id,
            broken.currency, broken.total USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM new_postings p JOIN ledger_accounts a ON a.id = p.account_id
                    WHERE a.currency <> p.currency) THEN
          RAISE EXCEPTION 'a posting''s currency differs from its account''s'
            USING ERRCODE = 'check_violation';
        END IF;
        IF EXISTS (SELECT 1 FROM new_postings p
                    WHERE (SELECT count(*) FROM ledger_postings q WHERE q.transaction_id = p.transaction_id)
                          < 2) THEN
          RAISE EXCEPTION 'a ledger transaction has at least two postings'
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $$`);
  }
}
