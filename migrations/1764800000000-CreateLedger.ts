import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateLedger1764800000000 implements MigrationInterface {
  name = 'CreateLedger1764800000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Typed accounts per owner and currency. organization_id: who may read it (the licensee, or
    // the publisher owning the payee); null for the platform's own accounts.
    await queryRunner.query(`
      CREATE TABLE ledger_accounts (
        id uuid PRIMARY KEY,
        type text NOT NULL CHECK (type IN ('licensee-receivable', 'licence-advance',
          'payee-payable', 'payee-awaiting-collection', 'payee-advance', 'payout-pending',
          'platform-commission', 'platform-stripe-clearing')),
        owner_id uuid,
        organization_id uuid REFERENCES organizations (id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE NULLS NOT DISTINCT (type, owner_id, currency),
        CHECK ((type LIKE 'platform-%') = (owner_id IS NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX ledger_accounts_organization ON ledger_accounts (organization_id, id)`,
    );
    // Journal transactions, chained: each stores the hash of the one before (seq order).
    await queryRunner.query(`
      CREATE TABLE ledger_transactions (
        id uuid PRIMARY KEY,
        seq bigint NOT NULL UNIQUE,
        idempotency_key text NOT NULL UNIQUE CHECK (length(idempotency_key) BETWEEN 1 AND 300),
        request_hash bytea NOT NULL,
        reason text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
        refs jsonb NOT NULL DEFAULT '{}'::jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        prev_hash bytea NOT NULL CHECK (length(prev_hash) = 32),
        hash bytea NOT NULL CHECK (length(hash) = 32)
      )`);
    // Signed amounts in minor units: debit positive, credit negative.
    await queryRunner.query(`
      CREATE TABLE ledger_postings (
        transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        n int NOT NULL,
        account_id uuid NOT NULL REFERENCES ledger_accounts (id),
        currency text NOT NULL,
        amount bigint NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (transaction_id, n)
      )`);
    await queryRunner.query(
      `CREATE INDEX ledger_postings_account ON ledger_postings (account_id, transaction_id)`,
    );
    // The current balance of each account, kept in the posting transaction under row locks taken
    // in account-id order; GET /v1/ledger/verify recomputes it from the postings.
    await queryRunner.query(`
      CREATE TABLE ledger_balances (
        account_id uuid PRIMARY KEY REFERENCES ledger_accounts (id),
        balance bigint NOT NULL DEFAULT 0,
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    // Append-only: the database itself refuses to change history.
    for (const table of ['ledger_transactions', 'ledger_postings']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE ON ${table}
        FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_no_truncate BEFORE TRUNCATE ON ${table}
        FOR EACH STATEMENT EXECUTE FUNCTION refuse_change()`);
    }
    // Every transaction's postings (written in one statement) balance per currency, and each
    // posting's currency is its account's.
    await queryRunner.query(`
      CREATE FUNCTION ledger_postings_balance() RETURNS trigger LANGUAGE plpgsql AS $$
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
    await queryRunner.query(`
      CREATE TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings
      REFERENCING NEW TABLE AS new_postings
      FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_balance()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE ledger_balances`);
    await queryRunner.query(`DROP TABLE ledger_postings`);
    await queryRunner.query(`DROP TABLE ledger_transactions`);
    await queryRunner.query(`DROP TABLE ledger_accounts`);
    await queryRunner.query(`DROP FUNCTION ledger_postings_balance()`);
  }
}
