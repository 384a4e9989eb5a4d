import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Collection through Stripe (docs/COLLECTION.md): each licensee is one Stripe customer; each
 * positive invoice of a posted run is issued as one Stripe invoice; payments, refunds and the use
 * of a licensee's credit are recorded as invoice payments (the one payment path); each credit note
 * (a negative invoice) is refunded or credited to the licensee's balance; Stripe's events mark the
 * Stripe invoices to read again. A new ledger account, `licensee-credit`, holds what the platform
 * owes a licensee as credit on its Stripe balance until an invoice uses it.
 */
export class CollectionThroughStripe1766500000000 implements MigrationInterface {
  name = 'CollectionThroughStripe1766500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_type_check,
        ADD CONSTRAINT ledger_accounts_type_check CHECK (type IN ('licensee-receivable',
          'licensee-credit', 'licence-advance', 'payee-payable', 'payee-awaiting-collection',
          'payee-advance', 'payout-pending', 'platform-commission', 'platform-stripe-clearing'))`);

    // One Stripe customer per licensee; version counts the licensee's edits, stripe_version the
    // last one Stripe was told of (a failed update is retried by the next edit or issuance).
    await queryRunner.query(`
      CREATE TABLE licensee_customers (
        licensee_id uuid PRIMARY KEY,
        kind text NOT NULL DEFAULT 'licensee' CHECK (kind = 'licensee'),
        stripe_customer_id text UNIQUE CHECK (stripe_customer_id ~ '^cus_'),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 320),
        address jsonb,
        tax_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
        collection_method text NOT NULL DEFAULT 'invoice'
          CHECK (collection_method IN ('automatic', 'bank-transfer', 'invoice')),
        payment_method jsonb,
        credit_preference text NOT NULL DEFAULT 'balance'
          CHECK (credit_preference IN ('refund', 'balance')),
        version integer NOT NULL DEFAULT 1 CHECK (version >= 1),
        stripe_version integer NOT NULL DEFAULT 0 CHECK (stripe_version <= version),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        FOREIGN KEY (licensee_id, kind) REFERENCES organizations (id, kind),
        CHECK (collection_method <> 'automatic' OR payment_method IS NOT NULL)
      )`);

    // The Stripe side of each invoice issued: 'issuing' until Stripe has it finalized (failure
    // says why not, when Stripe refused); then Stripe's status as last read. 'withdrawn': paid
    // in full by hand before it reached Stripe, so never issued there.
    await queryRunner.query(`
      CREATE TABLE collection_invoices (
        invoice_id uuid PRIMARY KEY REFERENCES invoices (id),
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        amount bigint NOT NULL CHECK (amount > 0),
        status text NOT NULL DEFAULT 'issuing'
          CHECK (status IN ('issuing', 'withdrawn', 'open', 'paid', 'void', 'uncollectible')),
        stripe_invoice_id text UNIQUE CHECK (stripe_invoice_id ~ '^in_'),
        stripe_created bigint,
        number text,
        hosted_invoice_url text,
        invoice_pdf text,
        collection_method text,
        due_on date,
        amount_paid bigint NOT NULL DEFAULT 0 CHECK (amount_paid >= 0),
        amount_remaining bigint,
        -- Payments finance recorded by hand, told to Stripe as paid out of band (a credit note),
        -- so that Stripe does not collect them a second time.
        told_out_of_band bigint NOT NULL DEFAULT 0 CHECK (told_out_of_band >= 0),
        -- What Stripe collected beyond what was owed (it collected before it heard of a payment
        -- by hand): the licensee's credit, put on its Stripe balance up to overpaid_on_stripe.
        overpaid bigint NOT NULL DEFAULT 0 CHECK (overpaid >= 0),
        overpaid_on_stripe bigint NOT NULL DEFAULT 0
          CHECK (overpaid_on_stripe >= 0 AND overpaid_on_stripe <= overpaid),
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        failure text CHECK (failure IS NULL OR length(failure) <= 1000),
        failed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        issued_at timestamptz,
        synced_at timestamptz,
        CHECK ((status IN ('issuing', 'withdrawn')) = (issued_at IS NULL)),
        CHECK (status IN ('issuing', 'withdrawn') OR stripe_invoice_id IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE INDEX collection_invoices_issuing ON collection_invoices (created_at) WHERE status = 'issuing'`,
    );
    await queryRunner.query(
      `CREATE INDEX collection_invoices_open ON collection_invoices (licensee_id, due_on) WHERE status IN ('open', 'uncollectible')`,
    );
    await queryRunner.query(`CREATE INDEX collection_invoices_run ON collection_invoices (run_id)`);

    // Stripe invoices to read again (an event named them); mark orders the marks, so a read
    // clears only the marks made before it started.
    await queryRunner.query(`CREATE SEQUENCE collection_sync_marks`);
    await queryRunner.query(`
      CREATE TABLE collection_syncs (
        stripe_invoice_id text PRIMARY KEY CHECK (stripe_invoice_id ~ '^in_'),
        mark bigint NOT NULL DEFAULT nextval('collection_sync_marks'),
        marked_at timestamptz NOT NULL DEFAULT now()
      )`);

    // Each credit note (a negative invoice of a posted run) given back to its licensee.
    await queryRunner.query(`
      CREATE TABLE collection_credits (
        id uuid PRIMARY KEY,
        invoice_id uuid NOT NULL UNIQUE REFERENCES invoices (id),
        run_id uuid NOT NULL REFERENCES royalty_runs (id),
        licensee_id uuid NOT NULL REFERENCES organizations (id),
        currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        amount bigint NOT NULL CHECK (amount > 0),
        method text NOT NULL CHECK (method IN ('refund', 'balance')),
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'issued')),
        corrects_invoice_id uuid REFERENCES invoices (id),
        stripe_credit_note_id text UNIQUE CHECK (stripe_credit_note_id ~ '^cn_'),
        refunded bigint NOT NULL DEFAULT 0 CHECK (refunded >= 0),
        credited bigint NOT NULL DEFAULT 0 CHECK (credited >= 0),
        stripe_balance_transaction_id text UNIQUE,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        failure text CHECK (failure IS NULL OR length(failure) <= 1000),
        created_at timestamptz NOT NULL DEFAULT now(),
        issued_at timestamptz,
        CHECK ((status = 'issued') = (issued_at IS NOT NULL)),
        CHECK (status = 'pending' OR refunded + credited = amount),
        CHECK (method = 'refund' OR refunded = 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX collection_credits_pending ON collection_credits (created_at) WHERE status = 'pending'`,
    );

    // Payments now come from finance (manual), from Stripe (one row per Stripe invoice payment),
    // from the licensee's credit (the balance Stripe applied to an invoice; negative on a credit
    // note: the credit granted), or go back to the licensee (a refund: negative, on the credit
    // note it settles or the invoice refunded). stripe_reference keys Stripe's rows, so an event
    // applied twice records nothing twice.
    await queryRunner.query(`
      ALTER TABLE invoice_payments
        ADD COLUMN source text NOT NULL DEFAULT 'manual'
          CHECK (source IN ('manual', 'stripe', 'credit', 'refund')),
        ADD COLUMN stripe_reference text,
        ALTER COLUMN recorded_by_principal_id DROP NOT NULL,
        DROP CONSTRAINT invoice_payments_amount_check,
        ADD CONSTRAINT invoice_payments_amount_check
          CHECK (CASE source WHEN 'refund' THEN amount < 0
                             WHEN 'credit' THEN amount <> 0
                             ELSE amount > 0 END),
        ADD CONSTRAINT invoice_payments_source_reference
          CHECK ((source = 'manual') = (stripe_reference IS NULL)),
        ADD CONSTRAINT invoice_payments_source_principal
          CHECK (source <> 'manual' OR recorded_by_principal_id IS NOT NULL),
        ADD CONSTRAINT invoice_payments_stripe_reference_key UNIQUE (stripe_reference)`);
    // A refunded charge leads back to its invoice through the payment that recorded it.
    await queryRunner.query(
      `CREATE INDEX invoice_payments_stripe_charge ON invoice_payments (reference) WHERE source = 'stripe'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX invoice_payments_stripe_charge`);
    await queryRunner.query(`
      ALTER TABLE invoice_payments
        DROP CONSTRAINT invoice_payments_stripe_reference_key,
        DROP CONSTRAINT invoice_payments_source_principal,
        DROP CONSTRAINT invoice_payments_source_reference,
        DROP CONSTRAINT invoice_payments_amount_check,
        ADD CONSTRAINT invoice_payments_amount_check CHECK (amount > 0),
        ALTER COLUMN recorded_by_principal_id SET NOT NULL,
        DROP COLUMN stripe_reference,
        DROP COLUMN source`);
    await queryRunner.query(`DROP TABLE collection_credits`);
    await queryRunner.query(`DROP TABLE collection_syncs`);
    await queryRunner.query(`DROP SEQUENCE collection_sync_marks`);
    await queryRunner.query(`DROP TABLE collection_invoices`);
    await queryRunner.query(`DROP TABLE licensee_customers`);
    await queryRunner.query(`
      ALTER TABLE ledger_accounts DROP CONSTRAINT ledger_accounts_type_check,
        ADD CONSTRAINT ledger_accounts_type_check CHECK (type IN ('licensee-receivable',
          'licence-advance', 'payee-payable', 'payee-awaiting-collection', 'payee-advance',
          'payout-pending', 'platform-commission', 'platform-stripe-clearing'))`);
  }
}
