import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payouts (issue 7): payees' Stripe connected accounts, holds, payout runs and their items,
 * Stripe webhook events (each processed once), transfer reversals and reconciliations.
 */
export class CreatePayouts1765600000000 implements MigrationInterface {
  name = 'CreatePayouts1765600000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payee_stripe_accounts (
        payee_id uuid PRIMARY KEY REFERENCES payees (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        stripe_account_id text NOT NULL UNIQUE CHECK (stripe_account_id ~ '^acct_[A-Za-z0-9]+$'),
        payouts_enabled boolean NOT NULL DEFAULT false,
        transfers_capability text NOT NULL DEFAULT 'inactive',
        details_submitted boolean NOT NULL DEFAULT false,
        created_at timestamptz NOT NULL DEFAULT now(),
        synced_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TABLE payee_holds (
        id uuid PRIMARY KEY,
        payee_id uuid NOT NULL REFERENCES payees (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 500),
        held_by_principal_id uuid NOT NULL REFERENCES principals (id),
        held_at timestamptz NOT NULL DEFAULT now(),
        released_by_principal_id uuid REFERENCES principals (id),
        released_at timestamptz,
        CHECK ((released_at IS NULL) = (released_by_principal_id IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX payee_holds_one_open ON payee_holds (payee_id) WHERE released_at IS NULL`,
    );
    await queryRunner.query(`
      CREATE TABLE payout_runs (
        id uuid PRIMARY KEY,
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        minimum_amount bigint NOT NULL CHECK (minimum_amount > 0),
        payee_filter uuid[],
        status text NOT NULL CHECK (status IN ('draft', 'executing', 'completed', 'cancelled')),
        created_by_principal_id uuid NOT NULL REFERENCES principals (id),
        approved_by_principal_id uuid REFERENCES principals (id),
        cancelled_by_principal_id uuid REFERENCES principals (id),
        reservation_transaction_id uuid REFERENCES ledger_transactions (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        approved_at timestamptz,
        cancelled_at timestamptz,
        completed_at timestamptz,
        CONSTRAINT payout_runs_four_eyes CHECK (approved_by_principal_id <> created_by_principal_id),
        CHECK (status NOT IN ('executing', 'completed') OR approved_by_principal_id IS NOT NULL)
      )`);
    await queryRunner.query(`
      CREATE TABLE payout_items (
        id uuid PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES payout_runs (id),
        payee_id uuid NOT NULL REFERENCES payees (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        amount bigint NOT NULL CHECK (amount > 0),
        stripe_account_id text NOT NULL,
        idempotency_key text NOT NULL UNIQUE,
        status text NOT NULL CHECK (status IN ('draft', 'pending', 'paid', 'failed', 'cancelled')),
        attempts int NOT NULL DEFAULT 0,
        first_sent_at timestamptz,
        last_attempt_at timestamptz,
        transfer_id text UNIQUE,
        transfer_created_at timestamptz,
        error_code text,
        error_message text,
        settled_transaction_id uuid REFERENCES ledger_transactions (id),
        released_transaction_id uuid REFERENCES ledger_transactions (id),
        reversed_amount bigint NOT NULL DEFAULT 0 CHECK (reversed_amount BETWEEN 0 AND amount),
        paid_at timestamptz,
        failed_at timestamptz,
        cancelled_at timestamptz,
        UNIQUE (run_id, payee_id),
        CHECK ((status = 'paid') = (transfer_id IS NOT NULL)),
        CHECK (settled_transaction_id IS NULL OR status = 'paid'),
        CONSTRAINT payout_items_cancelled_unsent CHECK (status <> 'cancelled' OR first_sent_at IS NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX payout_items_run_status ON payout_items (run_id, status)`,
    );
    await queryRunner.query(
      `CREATE INDEX payout_items_transfer_created ON payout_items (transfer_created_at) WHERE transfer_id IS NOT NULL`,
    );
    // An item only moves forward: draft → pending → paid | failed | cancelled; a settled item
    // keeps its amount, transfer and ledger entries for good (only reversals add to it).
    await queryRunner.query(`
      CREATE FUNCTION payout_item_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.amount <> OLD.amount OR NEW.idempotency_key <> OLD.idempotency_key
           OR NEW.run_id <> OLD.run_id OR NEW.payee_id <> OLD.payee_id THEN
          RAISE EXCEPTION 'payout item % cannot change what it pays', OLD.id;
        END IF;
        IF OLD.status IN ('paid', 'failed', 'cancelled') AND (NEW.status <> OLD.status
           OR NEW.transfer_id IS DISTINCT FROM OLD.transfer_id) THEN
          RAISE EXCEPTION 'payout item % is % for good', OLD.id, OLD.status;
        END IF;
        IF NOT (OLD.status = NEW.status
                OR (OLD.status = 'draft' AND NEW.status IN ('pending', 'cancelled'))
                OR (OLD.status = 'pending' AND NEW.status IN ('paid', 'failed', 'cancelled'))) THEN
          RAISE EXCEPTION 'payout item % cannot go from % to %', OLD.id, OLD.status, NEW.status;
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER payout_items_transition BEFORE UPDATE ON payout_items
      FOR EACH ROW EXECUTE FUNCTION payout_item_transition()`);
    await queryRunner.query(`CREATE TRIGGER payout_items_no_delete BEFORE DELETE ON payout_items
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TABLE payout_exclusions (
        run_id uuid NOT NULL REFERENCES payout_runs (id),
        payee_id uuid NOT NULL REFERENCES payees (id),
        organization_id uuid NOT NULL REFERENCES organizations (id),
        amount bigint NOT NULL CHECK (amount >= 0),
        reason text NOT NULL CHECK (reason IN ('below-minimum', 'not-onboarded',
          'payouts-not-enabled', 'on-hold', 'nothing-payable')),
        PRIMARY KEY (run_id, payee_id)
      )`);
    await queryRunner.query(`
      CREATE TABLE stripe_webhook_events (
        id text PRIMARY KEY CHECK (id ~ '^evt_'),
        type text NOT NULL,
        object_id text,
        created_at_stripe timestamptz NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        payload jsonb NOT NULL
      )`);
    await queryRunner.query(`
      CREATE TABLE stripe_transfer_reversals (
        id text PRIMARY KEY CHECK (id ~ '^trr_'),
        transfer_id text NOT NULL REFERENCES payout_items (transfer_id),
        item_id uuid NOT NULL REFERENCES payout_items (id),
        amount bigint NOT NULL CHECK (amount > 0),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        ledger_transaction_id uuid NOT NULL REFERENCES ledger_transactions (id),
        recorded_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`
      CREATE TRIGGER stripe_transfer_reversals_append_only BEFORE UPDATE OR DELETE
      ON stripe_transfer_reversals FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TABLE reconciliations (
        id uuid PRIMARY KEY,
        range_from timestamptz NOT NULL,
        range_to timestamptz NOT NULL,
        currency text CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'),
        status text NOT NULL CHECK (status IN ('running', 'completed', 'failed')),
        requested_by_principal_id uuid REFERENCES principals (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        completed_at timestamptz,
        summary jsonb,
        differences jsonb,
        error text,
        CHECK (range_to > range_from)
      )`);
    // One scheduled reconciliation per range.
    await queryRunner.query(`CREATE UNIQUE INDEX reconciliations_scheduled_once
      ON reconciliations (range_from, range_to) WHERE requested_by_principal_id IS NULL`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE reconciliations`);
    await queryRunner.query(`DROP TABLE stripe_transfer_reversals`);
    await queryRunner.query(`DROP TABLE stripe_webhook_events`);
    await queryRunner.query(`DROP TABLE payout_exclusions`);
    await queryRunner.query(`DROP TABLE payout_items`);
    await queryRunner.query(`DROP FUNCTION payout_item_transition()`);
    await queryRunner.query(`DROP TABLE payout_runs`);
    await queryRunner.query(`DROP TABLE payee_holds`);
    await queryRunner.query(`DROP TABLE payee_stripe_accounts`);
  }
}
