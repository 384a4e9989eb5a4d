-- The schema the migrations build, described from the database: read it, do not edit it.
-- Written by `npm run schema` after a migration; `npm test` checks it is current.

CREATE TABLE agreement_amendments (
  agreement_id uuid NOT NULL,
  version integer NOT NULL,
  licensee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  offer_id uuid NOT NULL,
  offer_version integer NOT NULL,
  terms jsonb NOT NULL,
  terms_hash bytea NOT NULL,
  effective_on date NOT NULL,
  status text NOT NULL,
  proposed_by_principal_id uuid,
  accepted_by_principal_id uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  accepted_at timestamp with time zone,
  CONSTRAINT agreement_amendments_check CHECK ((status = 'accepted'::text) = (accepted_at IS NOT NULL)),
  CONSTRAINT agreement_amendments_check1 CHECK ((status = 'accepted'::text) = (accepted_by_principal_id IS NOT NULL)),
  CONSTRAINT agreement_amendments_status_check CHECK (status = ANY (ARRAY['proposed'::text, 'accepted'::text])),
  CONSTRAINT agreement_amendments_terms_hash_check CHECK (length(terms_hash) = 32),
  CONSTRAINT agreement_amendments_version_check CHECK (version >= 2),
  CONSTRAINT agreement_amendments_accepted_by_principal_id_fkey FOREIGN KEY (accepted_by_principal_id) REFERENCES principals(id),
  CONSTRAINT agreement_amendments_agreement_id_fkey FOREIGN KEY (agreement_id) REFERENCES agreements(id),
  CONSTRAINT agreement_amendments_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT agreement_amendments_offer_id_offer_version_fkey FOREIGN KEY (offer_id, offer_version) REFERENCES licence_offer_versions(offer_id, version),
  CONSTRAINT agreement_amendments_proposed_by_principal_id_fkey FOREIGN KEY (proposed_by_principal_id) REFERENCES principals(id),
  CONSTRAINT agreement_amendments_publisher_id_fkey FOREIGN KEY (publisher_id) REFERENCES organizations(id),
  CONSTRAINT agreement_amendments_pkey PRIMARY KEY (agreement_id, version)
);
CREATE UNIQUE INDEX agreement_amendments_effective ON agreement_amendments USING btree (agreement_id, effective_on) WHERE (status = 'accepted'::text);
CREATE INDEX agreement_amendments_licensee ON agreement_amendments USING btree (licensee_id);
CREATE UNIQUE INDEX agreement_amendments_one_proposal ON agreement_amendments USING btree (agreement_id) WHERE (status = 'proposed'::text);
CREATE TRIGGER agreement_amendments_immutable BEFORE UPDATE ON agreement_amendments FOR EACH ROW EXECUTE FUNCTION agreement_amendments_accept_only();
CREATE TRIGGER agreement_amendments_never_deleted BEFORE DELETE ON agreement_amendments FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER agreement_amendments_notify AFTER INSERT OR UPDATE ON agreement_amendments FOR EACH ROW EXECUTE FUNCTION notify_agreement_change();

CREATE TABLE agreements (
  id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  offer_id uuid NOT NULL,
  offer_version integer NOT NULL,
  terms jsonb NOT NULL,
  terms_hash bytea NOT NULL,
  status text NOT NULL,
  starts_on date,
  ends_on date,
  terminated_on date,
  terminated_by_principal_id uuid,
  proposed_by_principal_id uuid,
  accepted_by_principal_id uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT agreements_check CHECK (ends_on IS NULL OR ends_on >= starts_on),
  CONSTRAINT agreements_check1 CHECK ((status = 'proposed'::text) = (starts_on IS NULL)),
  CONSTRAINT agreements_check2 CHECK ((status = 'proposed'::text) = (accepted_by_principal_id IS NULL)),
  CONSTRAINT agreements_check3 CHECK ((status = 'terminated'::text) = (terminated_on IS NOT NULL)),
  CONSTRAINT agreements_status_check CHECK (status = ANY (ARRAY['proposed'::text, 'active'::text, 'terminated'::text])),
  CONSTRAINT agreements_terms_hash_check CHECK (length(terms_hash) = 32),
  CONSTRAINT agreements_accepted_by_principal_id_fkey FOREIGN KEY (accepted_by_principal_id) REFERENCES principals(id),
  CONSTRAINT agreements_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT agreements_offer_id_fkey FOREIGN KEY (offer_id) REFERENCES licence_offers(id),
  CONSTRAINT agreements_offer_id_offer_version_fkey FOREIGN KEY (offer_id, offer_version) REFERENCES licence_offer_versions(offer_id, version),
  CONSTRAINT agreements_proposed_by_principal_id_fkey FOREIGN KEY (proposed_by_principal_id) REFERENCES principals(id),
  CONSTRAINT agreements_publisher_id_fkey FOREIGN KEY (publisher_id) REFERENCES organizations(id),
  CONSTRAINT agreements_terminated_by_principal_id_fkey FOREIGN KEY (terminated_by_principal_id) REFERENCES principals(id),
  CONSTRAINT agreements_pkey PRIMARY KEY (id)
);
CREATE INDEX agreements_licensee ON agreements USING btree (licensee_id, id);
CREATE INDEX agreements_publisher ON agreements USING btree (publisher_id, id);
CREATE TRIGGER agreements_never_deleted BEFORE DELETE ON agreements FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER agreements_notify AFTER INSERT OR DELETE OR UPDATE ON agreements FOR EACH ROW EXECUTE FUNCTION notify_agreement_change();
CREATE TRIGGER agreements_terms_immutable BEFORE UPDATE ON agreements FOR EACH ROW EXECUTE FUNCTION agreements_keep_terms();

CREATE TABLE api_keys (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  principal_id uuid NOT NULL,
  prefix text NOT NULL,
  key_hash bytea NOT NULL,
  created_by_principal_id uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  last_used_at timestamp with time zone,
  revoked_at timestamp with time zone,
  CONSTRAINT api_keys_key_hash_check CHECK (length(key_hash) = 32),
  CONSTRAINT api_keys_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT api_keys_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT api_keys_principal_id_fkey FOREIGN KEY (principal_id) REFERENCES principals(id),
  CONSTRAINT api_keys_pkey PRIMARY KEY (id),
  CONSTRAINT api_keys_key_hash_key UNIQUE (key_hash)
);
CREATE INDEX api_keys_organization ON api_keys USING btree (organization_id, id);
CREATE INDEX api_keys_prefix ON api_keys USING btree (prefix);
CREATE INDEX api_keys_principal ON api_keys USING btree (principal_id);
CREATE TRIGGER api_keys_notify_delete AFTER DELETE ON api_keys FOR EACH ROW EXECUTE FUNCTION notify_api_key_change();
CREATE TRIGGER api_keys_notify_insert AFTER INSERT ON api_keys FOR EACH ROW EXECUTE FUNCTION notify_api_key_change();
CREATE TRIGGER api_keys_notify_update AFTER UPDATE ON api_keys FOR EACH ROW WHEN (old.revoked_at IS DISTINCT FROM new.revoked_at OR old.prefix IS DISTINCT FROM new.prefix OR old.key_hash IS DISTINCT FROM new.key_hash OR old.principal_id IS DISTINCT FROM new.principal_id) EXECUTE FUNCTION notify_api_key_change();

CREATE TABLE audit_events (
  id uuid NOT NULL,
  occurred_at timestamp with time zone NOT NULL DEFAULT now(),
  principal_id uuid,
  organization_id uuid,
  action text NOT NULL,
  resource_type text NOT NULL,
  resource_id text NOT NULL,
  resource_organization_id uuid,
  request_id text,
  details jsonb NOT NULL DEFAULT '{}'::jsonb,
  api_key_id uuid,
  correlation_id text,
  CONSTRAINT audit_events_correlation_id_plain CHECK (correlation_id ~ '^[A-Za-z0-9._:-]{1,128}$'::text),
  CONSTRAINT audit_events_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys(id),
  CONSTRAINT audit_events_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT audit_events_principal_id_fkey FOREIGN KEY (principal_id) REFERENCES principals(id),
  CONSTRAINT audit_events_resource_organization_id_fkey FOREIGN KEY (resource_organization_id) REFERENCES organizations(id),
  CONSTRAINT audit_events_pkey PRIMARY KEY (id)
);
CREATE INDEX audit_events_api_key ON audit_events USING btree (api_key_id, id) WHERE (api_key_id IS NOT NULL);
CREATE INDEX audit_events_organization ON audit_events USING btree (organization_id, id);
CREATE INDEX audit_events_resource ON audit_events USING btree (resource_type, resource_id);
CREATE INDEX audit_events_resource_organization ON audit_events USING btree (resource_organization_id, id);
CREATE TRIGGER audit_events_append_only BEFORE DELETE OR UPDATE ON audit_events FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE catalogue_import_errors (
  import_id uuid NOT NULL,
  line_no integer NOT NULL,
  external_id text,
  reason text NOT NULL,
  CONSTRAINT catalogue_import_errors_import_id_fkey FOREIGN KEY (import_id) REFERENCES catalogue_imports(id),
  CONSTRAINT catalogue_import_errors_pkey PRIMARY KEY (import_id, line_no)
);

CREATE TABLE catalogue_import_rows (
  import_id uuid NOT NULL,
  line_no integer NOT NULL,
  reason text,
  new_id uuid,
  external_id text,
  title text,
  kind text,
  language text,
  published_at date,
  metadata jsonb,
  identifiers text[],
  splits jsonb,
  CONSTRAINT catalogue_import_rows_pkey PRIMARY KEY (import_id, line_no)
);

CREATE TABLE catalogue_imports (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  created_by_principal_id uuid,
  format text NOT NULL,
  status text NOT NULL,
  splits_effective_from date NOT NULL,
  lines_read integer NOT NULL DEFAULT 0,
  lines_processed integer NOT NULL DEFAULT 0,
  created integer NOT NULL DEFAULT 0,
  updated integer NOT NULL DEFAULT 0,
  unchanged integer NOT NULL DEFAULT 0,
  rejected integer NOT NULL DEFAULT 0,
  failure text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  received_at timestamp with time zone,
  finished_at timestamp with time zone,
  CONSTRAINT catalogue_imports_format_check CHECK (format = ANY (ARRAY['ndjson'::text, 'csv'::text])),
  CONSTRAINT catalogue_imports_status_check CHECK (status = ANY (ARRAY['receiving'::text, 'queued'::text, 'processing'::text, 'completed'::text, 'failed'::text])),
  CONSTRAINT catalogue_imports_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT catalogue_imports_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT catalogue_imports_pkey PRIMARY KEY (id)
);
CREATE INDEX catalogue_imports_organization ON catalogue_imports USING btree (organization_id, id);
CREATE INDEX catalogue_imports_pending ON catalogue_imports USING btree (id) WHERE (status = ANY (ARRAY['queued'::text, 'processing'::text]));

CREATE TABLE collection_credits (
  id uuid NOT NULL,
  invoice_id uuid NOT NULL,
  run_id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  method text NOT NULL,
  status text NOT NULL DEFAULT 'pending'::text,
  corrects_invoice_id uuid,
  stripe_credit_note_id text,
  refunded bigint NOT NULL DEFAULT 0,
  credited bigint NOT NULL DEFAULT 0,
  stripe_balance_transaction_id text,
  attempts integer NOT NULL DEFAULT 0,
  failure text,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  issued_at timestamp with time zone,
  CONSTRAINT collection_credits_amount_check CHECK (amount > 0),
  CONSTRAINT collection_credits_attempts_check CHECK (attempts >= 0),
  CONSTRAINT collection_credits_check CHECK ((status = 'issued'::text) = (issued_at IS NOT NULL)),
  CONSTRAINT collection_credits_check1 CHECK (status = 'pending'::text OR (refunded + credited) = amount),
  CONSTRAINT collection_credits_check2 CHECK (method = 'refund'::text OR refunded = 0),
  CONSTRAINT collection_credits_credited_check CHECK (credited >= 0),
  CONSTRAINT collection_credits_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT collection_credits_failure_check CHECK (failure IS NULL OR length(failure) <= 1000),
  CONSTRAINT collection_credits_method_check CHECK (method = ANY (ARRAY['refund'::text, 'balance'::text])),
  CONSTRAINT collection_credits_refunded_check CHECK (refunded >= 0),
  CONSTRAINT collection_credits_status_check CHECK (status = ANY (ARRAY['pending'::text, 'issued'::text])),
  CONSTRAINT collection_credits_stripe_credit_note_id_check CHECK (stripe_credit_note_id ~ '^cn_'::text),
  CONSTRAINT collection_credits_corrects_invoice_id_fkey FOREIGN KEY (corrects_invoice_id) REFERENCES invoices(id),
  CONSTRAINT collection_credits_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id),
  CONSTRAINT collection_credits_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT collection_credits_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs(id),
  CONSTRAINT collection_credits_pkey PRIMARY KEY (id),
  CONSTRAINT collection_credits_invoice_id_key UNIQUE (invoice_id),
  CONSTRAINT collection_credits_stripe_balance_transaction_id_key UNIQUE (stripe_balance_transaction_id),
  CONSTRAINT collection_credits_stripe_credit_note_id_key UNIQUE (stripe_credit_note_id)
);
CREATE INDEX collection_credits_pending ON collection_credits USING btree (created_at) WHERE (status = 'pending'::text);

CREATE TABLE collection_invoices (
  invoice_id uuid NOT NULL,
  run_id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  status text NOT NULL DEFAULT 'issuing'::text,
  stripe_invoice_id text,
  stripe_created bigint,
  number text,
  hosted_invoice_url text,
  invoice_pdf text,
  collection_method text,
  due_on date,
  amount_paid bigint NOT NULL DEFAULT 0,
  amount_remaining bigint,
  told_out_of_band bigint NOT NULL DEFAULT 0,
  overpaid bigint NOT NULL DEFAULT 0,
  overpaid_on_stripe bigint NOT NULL DEFAULT 0,
  attempts integer NOT NULL DEFAULT 0,
  failure text,
  failed_at timestamp with time zone,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  issued_at timestamp with time zone,
  synced_at timestamp with time zone,
  CONSTRAINT collection_invoices_amount_check CHECK (amount > 0),
  CONSTRAINT collection_invoices_amount_paid_check CHECK (amount_paid >= 0),
  CONSTRAINT collection_invoices_attempts_check CHECK (attempts >= 0),
  CONSTRAINT collection_invoices_check CHECK (overpaid_on_stripe >= 0 AND overpaid_on_stripe <= overpaid),
  CONSTRAINT collection_invoices_check1 CHECK ((status = ANY (ARRAY['issuing'::text, 'withdrawn'::text])) = (issued_at IS NULL)),
  CONSTRAINT collection_invoices_check2 CHECK ((status = ANY (ARRAY['issuing'::text, 'withdrawn'::text])) OR stripe_invoice_id IS NOT NULL),
  CONSTRAINT collection_invoices_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT collection_invoices_failure_check CHECK (failure IS NULL OR length(failure) <= 1000),
  CONSTRAINT collection_invoices_overpaid_check CHECK (overpaid >= 0),
  CONSTRAINT collection_invoices_status_check CHECK (status = ANY (ARRAY['issuing'::text, 'withdrawn'::text, 'open'::text, 'paid'::text, 'void'::text, 'uncollectible'::text])),
  CONSTRAINT collection_invoices_stripe_invoice_id_check CHECK (stripe_invoice_id ~ '^in_'::text),
  CONSTRAINT collection_invoices_told_out_of_band_check CHECK (told_out_of_band >= 0),
  CONSTRAINT collection_invoices_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id),
  CONSTRAINT collection_invoices_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT collection_invoices_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs(id),
  CONSTRAINT collection_invoices_pkey PRIMARY KEY (invoice_id),
  CONSTRAINT collection_invoices_stripe_invoice_id_key UNIQUE (stripe_invoice_id)
);
CREATE INDEX collection_invoices_issuing ON collection_invoices USING btree (created_at) WHERE (status = 'issuing'::text);
CREATE INDEX collection_invoices_open ON collection_invoices USING btree (licensee_id, due_on) WHERE (status = ANY (ARRAY['open'::text, 'uncollectible'::text]));
CREATE INDEX collection_invoices_run ON collection_invoices USING btree (run_id);

CREATE TABLE collection_syncs (
  stripe_invoice_id text NOT NULL,
  mark bigint NOT NULL DEFAULT nextval('collection_sync_marks'::regclass),
  marked_at timestamp with time zone NOT NULL DEFAULT now(),
  due_at timestamp with time zone NOT NULL DEFAULT now(),
  failures integer NOT NULL DEFAULT 0,
  CONSTRAINT collection_syncs_failures_check CHECK (failures >= 0),
  CONSTRAINT collection_syncs_stripe_invoice_id_check CHECK (stripe_invoice_id ~ '^in_'::text),
  CONSTRAINT collection_syncs_pkey PRIMARY KEY (stripe_invoice_id)
);
CREATE INDEX collection_syncs_due ON collection_syncs USING btree (due_at, mark);

CREATE TABLE console_sessions (
  id uuid NOT NULL,
  token_hash bytea NOT NULL,
  api_key_id uuid NOT NULL,
  principal_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  last_seen_at timestamp with time zone NOT NULL DEFAULT now(),
  expires_at timestamp with time zone NOT NULL,
  ended_at timestamp with time zone,
  end_reason text,
  created_address text NOT NULL,
  user_agent text,
  CONSTRAINT console_sessions_created_address_check CHECK (length(created_address) >= 1 AND length(created_address) <= 100),
  CONSTRAINT console_sessions_end_has_reason CHECK ((ended_at IS NULL) = (end_reason IS NULL)),
  CONSTRAINT console_sessions_end_reason_check CHECK (end_reason = ANY (ARRAY['signed-out'::text, 'expired'::text, 'key-revoked'::text])),
  CONSTRAINT console_sessions_expires_after_creation CHECK (expires_at > created_at),
  CONSTRAINT console_sessions_token_hash_check CHECK (length(token_hash) = 32),
  CONSTRAINT console_sessions_user_agent_check CHECK (length(user_agent) <= 512),
  CONSTRAINT console_sessions_api_key_id_fkey FOREIGN KEY (api_key_id) REFERENCES api_keys(id),
  CONSTRAINT console_sessions_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT console_sessions_principal_id_fkey FOREIGN KEY (principal_id) REFERENCES principals(id),
  CONSTRAINT console_sessions_pkey PRIMARY KEY (id),
  CONSTRAINT console_sessions_token_hash_key UNIQUE (token_hash)
);
CREATE INDEX console_sessions_open_by_api_key ON console_sessions USING btree (api_key_id) WHERE (ended_at IS NULL);
CREATE INDEX console_sessions_principal ON console_sessions USING btree (principal_id, id);

CREATE TABLE idempotency_keys (
  organization_id uuid NOT NULL,
  key text NOT NULL,
  request_hash bytea NOT NULL,
  response_status integer NOT NULL,
  response_body jsonb NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  principal_id uuid,
  CONSTRAINT idempotency_keys_key_check CHECK (length(key) >= 1 AND length(key) <= 255),
  CONSTRAINT idempotency_keys_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT idempotency_keys_principal_id_fkey FOREIGN KEY (principal_id) REFERENCES principals(id)
);
CREATE UNIQUE INDEX idempotency_keys_scope ON idempotency_keys USING btree (organization_id, principal_id, key) NULLS NOT DISTINCT;

CREATE TABLE invoice_payment_releases (
  payment_id uuid NOT NULL,
  payee_id uuid NOT NULL,
  amount bigint NOT NULL,
  CONSTRAINT invoice_payment_releases_amount_check CHECK (amount > 0),
  CONSTRAINT invoice_payment_releases_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT invoice_payment_releases_payment_id_fkey FOREIGN KEY (payment_id) REFERENCES invoice_payments(id),
  CONSTRAINT invoice_payment_releases_pkey PRIMARY KEY (payment_id, payee_id)
);
CREATE TRIGGER invoice_payment_releases_append_only BEFORE DELETE OR UPDATE ON invoice_payment_releases FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE invoice_payments (
  id uuid NOT NULL,
  invoice_id uuid NOT NULL,
  amount bigint NOT NULL,
  received_on date NOT NULL,
  reference text,
  ledger_transaction_id uuid NOT NULL,
  recorded_by_principal_id uuid,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  source text NOT NULL DEFAULT 'manual'::text,
  stripe_reference text,
  CONSTRAINT invoice_payments_amount_check CHECK (
CASE source
    WHEN 'refund'::text THEN amount < 0
    WHEN 'credit'::text THEN amount <> 0
    ELSE amount > 0
END),
  CONSTRAINT invoice_payments_reference_check CHECK (reference IS NULL OR length(reference) <= 200),
  CONSTRAINT invoice_payments_source_check CHECK (source = ANY (ARRAY['manual'::text, 'stripe'::text, 'credit'::text, 'refund'::text])),
  CONSTRAINT invoice_payments_source_principal CHECK (source <> 'manual'::text OR recorded_by_principal_id IS NOT NULL),
  CONSTRAINT invoice_payments_source_reference CHECK ((source = 'manual'::text) = (stripe_reference IS NULL)),
  CONSTRAINT invoice_payments_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id),
  CONSTRAINT invoice_payments_ledger_transaction_id_fkey FOREIGN KEY (ledger_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT invoice_payments_recorded_by_principal_id_fkey FOREIGN KEY (recorded_by_principal_id) REFERENCES principals(id),
  CONSTRAINT invoice_payments_pkey PRIMARY KEY (id),
  CONSTRAINT invoice_payments_stripe_reference_key UNIQUE (stripe_reference)
);
CREATE INDEX invoice_payments_invoice ON invoice_payments USING btree (invoice_id);
CREATE INDEX invoice_payments_stripe_charge ON invoice_payments USING btree (reference) WHERE (source = 'stripe'::text);
CREATE TRIGGER invoice_payments_append_only BEFORE DELETE OR UPDATE ON invoice_payments FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE invoices (
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  agreement_id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  currency text NOT NULL,
  exact_total numeric NOT NULL,
  amount bigint NOT NULL,
  commission bigint NOT NULL,
  payee_total bigint NOT NULL,
  advance_invoiced numeric NOT NULL DEFAULT 0,
  advance_recouped numeric NOT NULL DEFAULT 0,
  advance_balance numeric NOT NULL DEFAULT 0,
  adjustment_exact numeric NOT NULL DEFAULT 0,
  adjustment_amount bigint NOT NULL DEFAULT 0,
  adjustment_commission bigint NOT NULL DEFAULT 0,
  CONSTRAINT invoices_check1 CHECK (payee_total = (amount - commission)),
  CONSTRAINT invoices_commission_sign CHECK (abs(commission) <= abs(amount) AND (commission = 0 OR sign(commission::double precision) = sign(amount::double precision))),
  CONSTRAINT invoices_agreement_id_fkey FOREIGN KEY (agreement_id) REFERENCES agreements(id),
  CONSTRAINT invoices_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT invoices_publisher_id_fkey FOREIGN KEY (publisher_id) REFERENCES organizations(id),
  CONSTRAINT invoices_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs(id),
  CONSTRAINT invoices_pkey PRIMARY KEY (id),
  CONSTRAINT invoices_run_id_agreement_id_key UNIQUE (run_id, agreement_id)
);
CREATE INDEX invoices_publisher_run ON invoices USING btree (publisher_id, run_id);
CREATE TRIGGER invoices_follow_run BEFORE DELETE OR UPDATE ON invoices FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();
CREATE TRIGGER invoices_keys_fixed BEFORE UPDATE OF id, run_id ON invoices FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id OR new.run_id IS DISTINCT FROM old.run_id) EXECUTE FUNCTION refuse_change();
CREATE TRIGGER invoices_lines_left_behind AFTER DELETE ON invoices REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_lines_left_behind();

CREATE TABLE ledger_accounts (
  id uuid NOT NULL,
  type text NOT NULL,
  owner_id uuid,
  organization_id uuid,
  currency text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT ledger_accounts_check CHECK ((type ~~ 'platform-%'::text) = (owner_id IS NULL)),
  CONSTRAINT ledger_accounts_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT ledger_accounts_type_check CHECK (type = ANY (ARRAY['licensee-receivable'::text, 'licensee-credit'::text, 'licence-advance'::text, 'payee-payable'::text, 'payee-awaiting-collection'::text, 'payee-advance'::text, 'payout-pending'::text, 'platform-commission'::text, 'platform-stripe-clearing'::text])),
  CONSTRAINT ledger_accounts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT ledger_accounts_pkey PRIMARY KEY (id),
  CONSTRAINT ledger_accounts_type_owner_id_currency_key UNIQUE NULLS NOT DISTINCT (type, owner_id, currency)
);
CREATE INDEX ledger_accounts_organization ON ledger_accounts USING btree (organization_id, id);

CREATE TABLE ledger_balances (
  account_id uuid NOT NULL,
  balance bigint NOT NULL DEFAULT 0,
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT ledger_balances_account_id_fkey FOREIGN KEY (account_id) REFERENCES ledger_accounts(id),
  CONSTRAINT ledger_balances_pkey PRIMARY KEY (account_id)
);

CREATE TABLE ledger_postings (
  transaction_id uuid NOT NULL,
  n integer NOT NULL,
  account_id uuid NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  CONSTRAINT ledger_postings_amount_check CHECK (amount <> 0),
  CONSTRAINT ledger_postings_account_id_fkey FOREIGN KEY (account_id) REFERENCES ledger_accounts(id),
  CONSTRAINT ledger_postings_transaction_id_fkey FOREIGN KEY (transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT ledger_postings_pkey PRIMARY KEY (transaction_id, n)
);
CREATE INDEX ledger_postings_account ON ledger_postings USING btree (account_id, transaction_id);
CREATE TRIGGER ledger_postings_append_only BEFORE DELETE OR UPDATE ON ledger_postings FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_postings_balanced AFTER INSERT ON ledger_postings REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_balance();
CREATE TRIGGER ledger_postings_no_truncate BEFORE TRUNCATE ON ledger_postings FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE ledger_transactions (
  id uuid NOT NULL,
  seq bigint NOT NULL,
  idempotency_key text NOT NULL,
  request_hash bytea NOT NULL,
  reason text NOT NULL,
  refs jsonb NOT NULL DEFAULT '{}'::jsonb,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  prev_hash bytea NOT NULL,
  hash bytea NOT NULL,
  CONSTRAINT ledger_transactions_hash_check CHECK (length(hash) = 32),
  CONSTRAINT ledger_transactions_idempotency_key_check CHECK (length(idempotency_key) >= 1 AND length(idempotency_key) <= 300),
  CONSTRAINT ledger_transactions_prev_hash_check CHECK (length(prev_hash) = 32),
  CONSTRAINT ledger_transactions_reason_check CHECK (length(reason) >= 1 AND length(reason) <= 500),
  CONSTRAINT ledger_transactions_pkey PRIMARY KEY (id),
  CONSTRAINT ledger_transactions_idempotency_key_key UNIQUE (idempotency_key),
  CONSTRAINT ledger_transactions_seq_key UNIQUE (seq)
);
CREATE TRIGGER ledger_transactions_append_only BEFORE DELETE OR UPDATE ON ledger_transactions FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER ledger_transactions_no_truncate BEFORE TRUNCATE ON ledger_transactions FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE licence_check_counts (
  agreement_id uuid NOT NULL,
  day date NOT NULL,
  work_id uuid NOT NULL,
  usage text NOT NULL,
  receipts bigint NOT NULL,
  CONSTRAINT licence_check_counts_receipts_check CHECK (receipts > 0),
  CONSTRAINT licence_check_counts_agreement_id_fkey FOREIGN KEY (agreement_id) REFERENCES agreements(id),
  CONSTRAINT licence_check_counts_work_id_fkey FOREIGN KEY (work_id) REFERENCES works(id),
  CONSTRAINT licence_check_counts_pkey PRIMARY KEY (agreement_id, day, work_id, usage)
);

CREATE TABLE licence_offer_versions (
  offer_id uuid NOT NULL,
  version integer NOT NULL,
  terms jsonb NOT NULL,
  terms_hash bytea NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT licence_offer_versions_terms_hash_check CHECK (length(terms_hash) = 32),
  CONSTRAINT licence_offer_versions_offer_id_fkey FOREIGN KEY (offer_id) REFERENCES licence_offers(id),
  CONSTRAINT licence_offer_versions_pkey PRIMARY KEY (offer_id, version)
);
CREATE TRIGGER licence_offer_versions_append_only BEFORE DELETE OR UPDATE ON licence_offer_versions FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE licence_offers (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  status text NOT NULL DEFAULT 'active'::text,
  version integer NOT NULL DEFAULT 1,
  terms jsonb NOT NULL,
  terms_hash bytea NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  retired_at timestamp with time zone,
  CONSTRAINT licence_offers_check CHECK ((status = 'retired'::text) = (retired_at IS NOT NULL)),
  CONSTRAINT licence_offers_status_check CHECK (status = ANY (ARRAY['active'::text, 'retired'::text])),
  CONSTRAINT licence_offers_terms_hash_check CHECK (length(terms_hash) = 32),
  CONSTRAINT licence_offers_version_check CHECK (version >= 1),
  CONSTRAINT licence_offers_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT licence_offers_pkey PRIMARY KEY (id)
);
CREATE INDEX licence_offers_active ON licence_offers USING btree (id) WHERE (status = 'active'::text);
CREATE INDEX licence_offers_organization ON licence_offers USING btree (organization_id, id);
CREATE TRIGGER licence_offers_never_deleted BEFORE DELETE ON licence_offers FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE licence_receipt_id_secrets (
  version smallint NOT NULL,
  secret bytea NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT licence_receipt_id_secrets_secret_check CHECK (length(secret) >= 32),
  CONSTRAINT licence_receipt_id_secrets_version_check CHECK (version >= 1 AND version <= 255),
  CONSTRAINT licence_receipt_id_secrets_pkey PRIMARY KEY (version)
);
CREATE TRIGGER licence_receipt_id_secrets_append_only BEFORE DELETE OR UPDATE ON licence_receipt_id_secrets FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER licence_receipt_id_secrets_changed AFTER INSERT OR DELETE OR UPDATE ON licence_receipt_id_secrets FOR EACH STATEMENT EXECUTE FUNCTION notify_licence_receipt_keys_changed();

CREATE TABLE licence_receipt_keys (
  kid text NOT NULL,
  public_jwk jsonb NOT NULL,
  private_key bytea NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  created_by_principal_id uuid,
  retired_at timestamp with time zone,
  expires_at timestamp with time zone,
  CONSTRAINT licence_receipt_keys_check CHECK ((retired_at IS NULL) = (expires_at IS NULL)),
  CONSTRAINT licence_receipt_keys_check1 CHECK (expires_at IS NULL OR expires_at > retired_at),
  CONSTRAINT licence_receipt_keys_kid_check CHECK (length(kid) >= 1 AND length(kid) <= 100),
  CONSTRAINT licence_receipt_keys_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT licence_receipt_keys_pkey PRIMARY KEY (kid)
);
CREATE UNIQUE INDEX licence_receipt_keys_signing ON licence_receipt_keys USING btree ((true)) WHERE (retired_at IS NULL);
CREATE TRIGGER licence_receipt_keys_changed AFTER INSERT OR DELETE OR UPDATE ON licence_receipt_keys FOR EACH STATEMENT EXECUTE FUNCTION notify_licence_receipt_keys_changed();

CREATE TABLE licensee_customers (
  licensee_id uuid NOT NULL,
  kind text NOT NULL DEFAULT 'licensee'::text,
  stripe_customer_id text,
  name text NOT NULL,
  email text,
  address jsonb,
  tax_ids jsonb NOT NULL DEFAULT '[]'::jsonb,
  collection_method text NOT NULL DEFAULT 'invoice'::text,
  payment_method jsonb,
  credit_preference text NOT NULL DEFAULT 'balance'::text,
  version integer NOT NULL DEFAULT 1,
  stripe_version integer NOT NULL DEFAULT 0,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT licensee_customers_check CHECK (stripe_version <= version),
  CONSTRAINT licensee_customers_check1 CHECK (collection_method <> 'automatic'::text OR payment_method IS NOT NULL),
  CONSTRAINT licensee_customers_collection_method_check CHECK (collection_method = ANY (ARRAY['automatic'::text, 'bank-transfer'::text, 'invoice'::text])),
  CONSTRAINT licensee_customers_credit_preference_check CHECK (credit_preference = ANY (ARRAY['refund'::text, 'balance'::text])),
  CONSTRAINT licensee_customers_email_check CHECK (email IS NULL OR length(email) >= 3 AND length(email) <= 320),
  CONSTRAINT licensee_customers_kind_check CHECK (kind = 'licensee'::text),
  CONSTRAINT licensee_customers_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200),
  CONSTRAINT licensee_customers_stripe_customer_id_check CHECK (stripe_customer_id ~ '^cus_'::text),
  CONSTRAINT licensee_customers_version_check CHECK (version >= 1),
  CONSTRAINT licensee_customers_licensee_id_kind_fkey FOREIGN KEY (licensee_id, kind) REFERENCES organizations(id, kind),
  CONSTRAINT licensee_customers_pkey PRIMARY KEY (licensee_id),
  CONSTRAINT licensee_customers_stripe_customer_id_key UNIQUE (stripe_customer_id)
);

CREATE TABLE organizations (
  id uuid NOT NULL,
  name text NOT NULL,
  kind text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT organizations_kind_check CHECK (kind = ANY (ARRAY['publisher'::text, 'licensee'::text, 'operator'::text])),
  CONSTRAINT organizations_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200),
  CONSTRAINT organizations_pkey PRIMARY KEY (id),
  CONSTRAINT organizations_id_kind_key UNIQUE (id, kind)
);
CREATE UNIQUE INDEX organizations_one_operator ON organizations USING btree ((true)) WHERE (kind = 'operator'::text);
CREATE TRIGGER organizations_default_payee AFTER INSERT ON organizations FOR EACH ROW EXECUTE FUNCTION create_default_payee();

CREATE TABLE payee_advances (
  id uuid NOT NULL,
  payee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  paid_on date NOT NULL,
  reference text,
  ledger_transaction_id uuid NOT NULL,
  recorded_by_principal_id uuid NOT NULL,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT payee_advances_amount_check CHECK (amount > 0),
  CONSTRAINT payee_advances_reference_check CHECK (reference IS NULL OR length(reference) <= 200),
  CONSTRAINT payee_advances_ledger_transaction_id_fkey FOREIGN KEY (ledger_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT payee_advances_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT payee_advances_publisher_id_fkey FOREIGN KEY (publisher_id) REFERENCES organizations(id),
  CONSTRAINT payee_advances_recorded_by_principal_id_fkey FOREIGN KEY (recorded_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payee_advances_pkey PRIMARY KEY (id)
);
CREATE INDEX payee_advances_payee ON payee_advances USING btree (payee_id);
CREATE TRIGGER payee_advances_append_only BEFORE DELETE OR UPDATE ON payee_advances FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE payee_holds (
  id uuid NOT NULL,
  payee_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  reason text NOT NULL,
  held_by_principal_id uuid NOT NULL,
  held_at timestamp with time zone NOT NULL DEFAULT now(),
  released_by_principal_id uuid,
  released_at timestamp with time zone,
  held_by_role text NOT NULL,
  released_by_role text,
  CONSTRAINT payee_holds_check CHECK ((released_at IS NULL) = (released_by_principal_id IS NULL)),
  CONSTRAINT payee_holds_held_by_role_check CHECK (held_by_role = ANY (ARRAY['finance'::text, 'publisher'::text])),
  CONSTRAINT payee_holds_reason_check CHECK (length(btrim(reason)) >= 1 AND length(btrim(reason)) <= 500),
  CONSTRAINT payee_holds_released_by_role CHECK ((released_at IS NULL) = (released_by_role IS NULL)),
  CONSTRAINT payee_holds_released_by_role_check CHECK (released_by_role = ANY (ARRAY['finance'::text, 'publisher'::text])),
  CONSTRAINT payee_holds_held_by_principal_id_fkey FOREIGN KEY (held_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payee_holds_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT payee_holds_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT payee_holds_released_by_principal_id_fkey FOREIGN KEY (released_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payee_holds_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX payee_holds_one_open ON payee_holds USING btree (payee_id) WHERE (released_at IS NULL);

CREATE TABLE payee_stripe_accounts (
  payee_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  stripe_account_id text NOT NULL,
  payouts_enabled boolean NOT NULL DEFAULT false,
  transfers_capability text NOT NULL DEFAULT 'inactive'::text,
  details_submitted boolean NOT NULL DEFAULT false,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  synced_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT payee_stripe_accounts_stripe_account_id_check CHECK (stripe_account_id ~ '^acct_[A-Za-z0-9]+$'::text),
  CONSTRAINT payee_stripe_accounts_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT payee_stripe_accounts_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT payee_stripe_accounts_pkey PRIMARY KEY (payee_id),
  CONSTRAINT payee_stripe_accounts_stripe_account_id_key UNIQUE (stripe_account_id)
);

CREATE TABLE payees (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  name text NOT NULL,
  email text,
  country text,
  currency text,
  is_default boolean NOT NULL DEFAULT false,
  version integer NOT NULL DEFAULT 1,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT payees_country_check CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'::text),
  CONSTRAINT payees_currency_check CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT payees_email_check CHECK (email IS NULL OR length(email) >= 3 AND length(email) <= 254),
  CONSTRAINT payees_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200),
  CONSTRAINT payees_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT payees_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX payees_one_default ON payees USING btree (organization_id) WHERE is_default;
CREATE INDEX payees_organization ON payees USING btree (organization_id, id);
CREATE TRIGGER payees_never_deleted BEFORE DELETE ON payees FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE payout_exclusions (
  run_id uuid NOT NULL,
  payee_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  amount bigint NOT NULL,
  reason text NOT NULL,
  CONSTRAINT payout_exclusions_amount_check CHECK (amount >= 0),
  CONSTRAINT payout_exclusions_reason_check CHECK (reason = ANY (ARRAY['below-minimum'::text, 'not-onboarded'::text, 'payouts-not-enabled'::text, 'on-hold'::text, 'nothing-payable'::text])),
  CONSTRAINT payout_exclusions_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT payout_exclusions_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT payout_exclusions_run_id_fkey FOREIGN KEY (run_id) REFERENCES payout_runs(id),
  CONSTRAINT payout_exclusions_pkey PRIMARY KEY (run_id, payee_id)
);

CREATE TABLE payout_items (
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  payee_id uuid NOT NULL,
  organization_id uuid NOT NULL,
  currency text NOT NULL,
  amount bigint NOT NULL,
  stripe_account_id text NOT NULL,
  idempotency_key text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  first_sent_at timestamp with time zone,
  last_attempt_at timestamp with time zone,
  transfer_id text,
  transfer_created_at timestamp with time zone,
  error_code text,
  error_message text,
  settled_transaction_id uuid,
  released_transaction_id uuid,
  reversed_amount bigint NOT NULL DEFAULT 0,
  paid_at timestamp with time zone,
  failed_at timestamp with time zone,
  cancelled_at timestamp with time zone,
  CONSTRAINT payout_items_amount_check CHECK (amount > 0),
  CONSTRAINT payout_items_cancelled_unsent CHECK (status <> 'cancelled'::text OR first_sent_at IS NULL),
  CONSTRAINT payout_items_check CHECK (reversed_amount >= 0 AND reversed_amount <= amount),
  CONSTRAINT payout_items_check1 CHECK ((status = 'paid'::text) = (transfer_id IS NOT NULL)),
  CONSTRAINT payout_items_check2 CHECK (settled_transaction_id IS NULL OR status = 'paid'::text),
  CONSTRAINT payout_items_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT payout_items_status_check CHECK (status = ANY (ARRAY['draft'::text, 'pending'::text, 'paid'::text, 'failed'::text, 'cancelled'::text])),
  CONSTRAINT payout_items_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT payout_items_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT payout_items_released_transaction_id_fkey FOREIGN KEY (released_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT payout_items_run_id_fkey FOREIGN KEY (run_id) REFERENCES payout_runs(id),
  CONSTRAINT payout_items_settled_transaction_id_fkey FOREIGN KEY (settled_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT payout_items_pkey PRIMARY KEY (id),
  CONSTRAINT payout_items_idempotency_key_key UNIQUE (idempotency_key),
  CONSTRAINT payout_items_run_id_payee_id_key UNIQUE (run_id, payee_id),
  CONSTRAINT payout_items_transfer_id_key UNIQUE (transfer_id)
);
CREATE INDEX payout_items_organization_paid ON payout_items USING btree (organization_id, currency) WHERE (status = 'paid'::text);
CREATE INDEX payout_items_run_status ON payout_items USING btree (run_id, status);
CREATE INDEX payout_items_transfer_created ON payout_items USING btree (transfer_created_at) WHERE (transfer_id IS NOT NULL);
CREATE TRIGGER payout_items_no_delete BEFORE DELETE ON payout_items FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER payout_items_transition BEFORE UPDATE ON payout_items FOR EACH ROW EXECUTE FUNCTION payout_item_transition();

CREATE TABLE payout_runs (
  id uuid NOT NULL,
  currency text NOT NULL,
  minimum_amount bigint NOT NULL,
  payee_filter uuid[],
  status text NOT NULL,
  created_by_principal_id uuid NOT NULL,
  approved_by_principal_id uuid,
  cancelled_by_principal_id uuid,
  reservation_transaction_id uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  approved_at timestamp with time zone,
  cancelled_at timestamp with time zone,
  completed_at timestamp with time zone,
  CONSTRAINT payout_runs_check CHECK ((status <> ALL (ARRAY['executing'::text, 'completed'::text])) OR approved_by_principal_id IS NOT NULL),
  CONSTRAINT payout_runs_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT payout_runs_four_eyes CHECK (approved_by_principal_id <> created_by_principal_id),
  CONSTRAINT payout_runs_minimum_amount_check CHECK (minimum_amount > 0),
  CONSTRAINT payout_runs_status_check CHECK (status = ANY (ARRAY['draft'::text, 'executing'::text, 'completed'::text, 'cancelled'::text])),
  CONSTRAINT payout_runs_approved_by_principal_id_fkey FOREIGN KEY (approved_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payout_runs_cancelled_by_principal_id_fkey FOREIGN KEY (cancelled_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payout_runs_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT payout_runs_reservation_transaction_id_fkey FOREIGN KEY (reservation_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT payout_runs_pkey PRIMARY KEY (id)
);

CREATE TABLE principals (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  organization_kind text NOT NULL,
  name text NOT NULL,
  role text NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT principals_name_check CHECK (length(btrim(name)) >= 1 AND length(btrim(name)) <= 200),
  CONSTRAINT principals_role_fits_kind CHECK (organization_kind = 'operator'::text AND (role = ANY (ARRAY['admin'::text, 'finance'::text])) OR organization_kind = 'publisher'::text AND role = 'publisher'::text OR organization_kind = 'licensee'::text AND role = 'licensee'::text),
  CONSTRAINT principals_organization_id_organization_kind_fkey FOREIGN KEY (organization_id, organization_kind) REFERENCES organizations(id, kind),
  CONSTRAINT principals_pkey PRIMARY KEY (id),
  CONSTRAINT principals_organization_id_name_key UNIQUE (organization_id, name)
);

CREATE TABLE reconciliations (
  id uuid NOT NULL,
  range_from timestamp with time zone NOT NULL,
  range_to timestamp with time zone NOT NULL,
  currency text,
  status text NOT NULL,
  requested_by_principal_id uuid,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  completed_at timestamp with time zone,
  summary jsonb,
  differences jsonb,
  error text,
  CONSTRAINT reconciliations_check CHECK (range_to > range_from),
  CONSTRAINT reconciliations_currency_check CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT reconciliations_status_check CHECK (status = ANY (ARRAY['running'::text, 'completed'::text, 'failed'::text])),
  CONSTRAINT reconciliations_requested_by_principal_id_fkey FOREIGN KEY (requested_by_principal_id) REFERENCES principals(id),
  CONSTRAINT reconciliations_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX reconciliations_scheduled_once ON reconciliations USING btree (range_from, range_to) WHERE (requested_by_principal_id IS NULL);

CREATE TABLE royalty_charges (
  run_id uuid NOT NULL,
  invoice_id uuid NOT NULL,
  line_no integer NOT NULL,
  kind text NOT NULL,
  agreement_id uuid NOT NULL,
  agreement_version integer,
  work_id uuid,
  usage text,
  unit text,
  units numeric,
  rate numeric,
  per bigint,
  exact numeric NOT NULL,
  gross bigint NOT NULL,
  commission bigint NOT NULL,
  adjusts_run_id uuid,
  adjusts_period_start date,
  adjusts_period_end date,
  adjusts_report_ids uuid[],
  split_version integer,
  split_shape_id integer,
  CONSTRAINT royalty_charges_adjustment_kind CHECK ((kind ~~ '%-adjustment'::text) = (adjusts_run_id IS NOT NULL)),
  CONSTRAINT royalty_charges_adjustment_reference CHECK ((adjusts_run_id IS NULL) = (adjusts_period_start IS NULL) AND (adjusts_run_id IS NULL) = (adjusts_period_end IS NULL) AND (adjusts_run_id IS NULL) = (adjusts_report_ids IS NULL)),
  CONSTRAINT royalty_charges_kind_check CHECK (kind = ANY (ARRAY['per-unit'::text, 'revenue-share'::text, 'flat-fee'::text, 'minimum-guarantee'::text, 'advance'::text, 'per-unit-adjustment'::text, 'revenue-share-adjustment'::text])),
  CONSTRAINT royalty_charges_split_version_check CHECK (split_version >= 1),
  CONSTRAINT royalty_charges_pkey PRIMARY KEY (run_id, invoice_id, line_no)
) PARTITION BY LIST (run_id);
CREATE INDEX royalty_charges_split_pending ON ONLY royalty_charges USING btree (run_id) WHERE ((work_id IS NOT NULL) AND (split_version IS NULL));
CREATE TRIGGER royalty_charges_follow_run BEFORE DELETE OR UPDATE ON royalty_charges FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();
CREATE TRIGGER royalty_charges_references_insert AFTER INSERT ON royalty_charges REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_charges_references();
CREATE TRIGGER royalty_charges_references_update AFTER UPDATE ON royalty_charges REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_charges_references();

CREATE TABLE royalty_run_reports (
  run_id uuid NOT NULL,
  report_id uuid NOT NULL,
  generation integer NOT NULL,
  CONSTRAINT royalty_run_reports_generation_check CHECK (generation >= 0),
  CONSTRAINT royalty_run_reports_report_id_fkey FOREIGN KEY (report_id) REFERENCES usage_reports(id),
  CONSTRAINT royalty_run_reports_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs(id),
  CONSTRAINT royalty_run_reports_pkey PRIMARY KEY (run_id, report_id)
);
CREATE INDEX royalty_run_reports_report ON royalty_run_reports USING btree (report_id);
CREATE TRIGGER royalty_run_reports_follow_run BEFORE DELETE OR UPDATE ON royalty_run_reports FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();

CREATE TABLE royalty_run_usage (
  run_id uuid NOT NULL,
  period_run_id uuid NOT NULL,
  report_id uuid NOT NULL,
  agreement_id uuid NOT NULL,
  agreement_version integer NOT NULL,
  licensee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  work_id uuid NOT NULL,
  usage text NOT NULL,
  unit text NOT NULL,
  units numeric NOT NULL,
  revenue numeric NOT NULL
);
CREATE INDEX royalty_run_usage_period ON royalty_run_usage USING btree (period_run_id);
CREATE INDEX royalty_run_usage_run ON royalty_run_usage USING btree (run_id);
CREATE TRIGGER royalty_run_usage_follow_run BEFORE DELETE OR UPDATE ON royalty_run_usage FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();
CREATE TRIGGER royalty_run_usage_references_insert AFTER INSERT ON royalty_run_usage REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_run_usage_references();
CREATE TRIGGER royalty_run_usage_references_update AFTER UPDATE ON royalty_run_usage REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_run_usage_references();

CREATE TABLE royalty_runs (
  id uuid NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  status text NOT NULL,
  commission_bps integer NOT NULL,
  summary jsonb NOT NULL DEFAULT '{}'::jsonb,
  calculation_hash bytea,
  failure text,
  created_by_principal_id uuid NOT NULL,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  calculated_at timestamp with time zone,
  posted_by_principal_id uuid,
  posted_at timestamp with time zone,
  lines_stored boolean NOT NULL DEFAULT false,
  CONSTRAINT royalty_runs_check CHECK (period_end >= period_start),
  CONSTRAINT royalty_runs_check1 CHECK ((status = 'posted'::text) = (posted_at IS NOT NULL)),
  CONSTRAINT royalty_runs_commission_bps_check CHECK (commission_bps >= 0 AND commission_bps <= 10000),
  CONSTRAINT royalty_runs_status_check CHECK (status = ANY (ARRAY['calculating'::text, 'calculated'::text, 'posted'::text, 'failed'::text])),
  CONSTRAINT royalty_runs_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT royalty_runs_posted_by_principal_id_fkey FOREIGN KEY (posted_by_principal_id) REFERENCES principals(id),
  CONSTRAINT royalty_runs_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX royalty_runs_one_posted ON royalty_runs USING btree (period_start, period_end) WHERE (status = 'posted'::text);
CREATE TRIGGER royalty_runs_final BEFORE UPDATE ON royalty_runs FOR EACH ROW EXECUTE FUNCTION royalty_runs_posted_is_final();
CREATE TRIGGER royalty_runs_keys_fixed BEFORE UPDATE OF id ON royalty_runs FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id) EXECUTE FUNCTION refuse_change();
CREATE TRIGGER royalty_runs_never_deleted BEFORE DELETE ON royalty_runs FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE schema_migrations (
  id integer NOT NULL DEFAULT nextval('schema_migrations_id_seq'::regclass),
  timestamp bigint NOT NULL,
  name character varying NOT NULL,
  CONSTRAINT PK_62441bec32630ced9e4cccae336 PRIMARY KEY (id)
);

CREATE TABLE split_shapes (
  id integer NOT NULL,
  splits jsonb NOT NULL,
  CONSTRAINT split_shapes_splits_check CHECK (jsonb_typeof(splits) = 'array'::text),
  CONSTRAINT split_shapes_pkey PRIMARY KEY (id)
);
CREATE UNIQUE INDEX split_shapes_content ON split_shapes USING btree (md5((splits)::text));
CREATE TRIGGER split_shapes_append_only BEFORE DELETE OR UPDATE ON split_shapes FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE statement_invoices (
  statement_id uuid NOT NULL,
  invoice_id uuid NOT NULL,
  gross bigint NOT NULL,
  commission bigint NOT NULL,
  net bigint NOT NULL,
  CONSTRAINT statement_invoices_check CHECK (net = (gross - commission)),
  CONSTRAINT statement_invoices_invoice_id_fkey FOREIGN KEY (invoice_id) REFERENCES invoices(id),
  CONSTRAINT statement_invoices_statement_id_fkey FOREIGN KEY (statement_id) REFERENCES statements(id),
  CONSTRAINT statement_invoices_pkey PRIMARY KEY (statement_id, invoice_id)
);
CREATE INDEX statement_invoices_invoice ON statement_invoices USING btree (invoice_id);
CREATE TRIGGER statement_invoices_follow_run BEFORE DELETE OR UPDATE ON statement_invoices FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();

CREATE TABLE statement_lines (
  statement_id uuid NOT NULL,
  line_no integer NOT NULL,
  invoice_id uuid NOT NULL,
  charge_line_no integer NOT NULL,
  kind text NOT NULL,
  agreement_id uuid NOT NULL,
  work_id uuid,
  usage text,
  unit text,
  units numeric,
  rate numeric,
  per bigint,
  share_bps integer NOT NULL,
  gross bigint NOT NULL,
  commission bigint NOT NULL,
  net bigint NOT NULL,
  adjusts_run_id uuid,
  adjusts_period_start date,
  adjusts_period_end date,
  adjusts_report_ids uuid[],
  CONSTRAINT statement_lines_adjustment_reference CHECK ((adjusts_run_id IS NULL) = (adjusts_period_start IS NULL) AND (adjusts_run_id IS NULL) = (adjusts_period_end IS NULL) AND (adjusts_run_id IS NULL) = (adjusts_report_ids IS NULL)),
  CONSTRAINT statement_lines_check CHECK (net = (gross - commission)),
  CONSTRAINT statement_lines_pkey PRIMARY KEY (statement_id, line_no)
);
CREATE TRIGGER statement_lines_follow_run BEFORE DELETE OR UPDATE ON statement_lines FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();
CREATE TRIGGER statement_lines_references_insert AFTER INSERT ON statement_lines REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statement_lines_references();
CREATE TRIGGER statement_lines_references_update AFTER UPDATE ON statement_lines REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION statement_lines_references();

CREATE TABLE statements (
  id uuid NOT NULL,
  run_id uuid NOT NULL,
  payee_id uuid NOT NULL,
  publisher_id uuid NOT NULL,
  currency text NOT NULL,
  gross bigint NOT NULL,
  commission bigint NOT NULL,
  net bigint NOT NULL,
  CONSTRAINT statements_check CHECK (net = (gross - commission)),
  CONSTRAINT statements_payee_id_fkey FOREIGN KEY (payee_id) REFERENCES payees(id),
  CONSTRAINT statements_publisher_id_fkey FOREIGN KEY (publisher_id) REFERENCES organizations(id),
  CONSTRAINT statements_run_id_fkey FOREIGN KEY (run_id) REFERENCES royalty_runs(id),
  CONSTRAINT statements_pkey PRIMARY KEY (id),
  CONSTRAINT statements_run_id_payee_id_currency_key UNIQUE (run_id, payee_id, currency)
);
CREATE INDEX statements_publisher ON statements USING btree (publisher_id, id);
CREATE TRIGGER statements_follow_run BEFORE DELETE OR UPDATE ON statements FOR EACH ROW EXECUTE FUNCTION royalty_figures_follow_run();
CREATE TRIGGER statements_keys_fixed BEFORE UPDATE OF id ON statements FOR EACH ROW WHEN (new.id IS DISTINCT FROM old.id) EXECUTE FUNCTION refuse_change();
CREATE TRIGGER statements_lines_left_behind AFTER DELETE ON statements REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION royalty_lines_left_behind();

CREATE TABLE stripe_transfer_reversals (
  id text NOT NULL,
  transfer_id text NOT NULL,
  item_id uuid NOT NULL,
  amount bigint NOT NULL,
  currency text NOT NULL,
  ledger_transaction_id uuid NOT NULL,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT stripe_transfer_reversals_amount_check CHECK (amount > 0),
  CONSTRAINT stripe_transfer_reversals_currency_check CHECK (currency ~ '^[A-Z]{3}$'::text),
  CONSTRAINT stripe_transfer_reversals_id_check CHECK (id ~ '^trr_'::text),
  CONSTRAINT stripe_transfer_reversals_item_id_fkey FOREIGN KEY (item_id) REFERENCES payout_items(id),
  CONSTRAINT stripe_transfer_reversals_ledger_transaction_id_fkey FOREIGN KEY (ledger_transaction_id) REFERENCES ledger_transactions(id),
  CONSTRAINT stripe_transfer_reversals_transfer_id_fkey FOREIGN KEY (transfer_id) REFERENCES payout_items(transfer_id),
  CONSTRAINT stripe_transfer_reversals_pkey PRIMARY KEY (id)
);
CREATE TRIGGER stripe_transfer_reversals_append_only BEFORE DELETE OR UPDATE ON stripe_transfer_reversals FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE stripe_webhook_events (
  id text NOT NULL,
  type text NOT NULL,
  object_id text,
  created_at_stripe timestamp with time zone NOT NULL,
  received_at timestamp with time zone NOT NULL DEFAULT now(),
  processed_at timestamp with time zone,
  payload jsonb NOT NULL,
  CONSTRAINT stripe_webhook_events_id_check CHECK (id ~ '^evt_'::text),
  CONSTRAINT stripe_webhook_events_pkey PRIMARY KEY (id)
);

CREATE TABLE upload_bytes (
  organization_id uuid NOT NULL,
  received_at timestamp with time zone NOT NULL DEFAULT clock_timestamp(),
  bytes bigint NOT NULL,
  usage_report_id uuid,
  catalogue_import_id uuid,
  CONSTRAINT upload_bytes_bytes_check CHECK (bytes >= 0),
  CONSTRAINT upload_bytes_one_upload CHECK (num_nonnulls(usage_report_id, catalogue_import_id) = 1),
  CONSTRAINT upload_bytes_catalogue_import_id_fkey FOREIGN KEY (catalogue_import_id) REFERENCES catalogue_imports(id),
  CONSTRAINT upload_bytes_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT upload_bytes_usage_report_id_fkey FOREIGN KEY (usage_report_id) REFERENCES usage_reports(id),
  CONSTRAINT upload_bytes_catalogue_import_id_key UNIQUE (catalogue_import_id),
  CONSTRAINT upload_bytes_usage_report_id_key UNIQUE (usage_report_id)
);
CREATE INDEX upload_bytes_by_organization ON upload_bytes USING btree (organization_id, received_at) INCLUDE (bytes);

CREATE TABLE usage_aggregates (
  report_id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  publisher_id uuid,
  work_id uuid,
  agreement_id uuid,
  agreement_version integer,
  status text NOT NULL,
  usage text NOT NULL,
  unit text NOT NULL,
  lines bigint NOT NULL,
  units numeric NOT NULL,
  revenue numeric NOT NULL,
  rematched_at timestamp with time zone,
  generation integer NOT NULL DEFAULT 0,
  CONSTRAINT usage_aggregates_status_check CHECK (status = ANY (ARRAY['matched'::text, 'unmatched'::text, 'out-of-scope'::text]))
);
CREATE INDEX usage_aggregates_publisher ON usage_aggregates USING btree (publisher_id, work_id);
CREATE INDEX usage_aggregates_rematched ON usage_aggregates USING btree (report_id) WHERE (rematched_at IS NOT NULL);
CREATE INDEX usage_aggregates_report ON usage_aggregates USING btree (report_id);

CREATE TABLE usage_line_issues (
  period_month date NOT NULL,
  licensee_id uuid NOT NULL,
  report_id uuid NOT NULL,
  line_no bigint NOT NULL,
  line_id text,
  status text NOT NULL,
  reason text,
  work_ref text,
  work_id uuid,
  publisher_id uuid,
  agreement_id uuid,
  agreement_version integer,
  usage text,
  unit text,
  units bigint,
  territory text,
  model text,
  occurred_on date,
  revenue bigint,
  named_work_id uuid,
  scheme text,
  value text,
  named_agreement_id uuid,
  rematched_at timestamp with time zone,
  receipt_id text,
  CONSTRAINT usage_lines_status_check CHECK (status = ANY (ARRAY['matched'::text, 'unmatched'::text, 'out-of-scope'::text, 'invalid'::text])),
  CONSTRAINT usage_line_issues_pkey PRIMARY KEY (period_month, report_id, line_no)
) PARTITION BY RANGE (period_month);
CREATE TRIGGER usage_line_issues_never_deleted BEFORE DELETE ON usage_line_issues FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE usage_receipt_citations (
  period_month date NOT NULL,
  report_id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  receipt_id text NOT NULL,
  publisher_id uuid NOT NULL,
  work_id uuid NOT NULL,
  agreement_id uuid NOT NULL,
  agreement_version integer NOT NULL,
  usage text NOT NULL,
  unit text NOT NULL,
  day date NOT NULL,
  lines bigint NOT NULL,
  units numeric NOT NULL,
  first_line_no bigint NOT NULL,
  last_line_no bigint NOT NULL,
  CONSTRAINT usage_receipt_citations_check CHECK (last_line_no >= first_line_no),
  CONSTRAINT usage_receipt_citations_lines_check CHECK (lines > 0),
  CONSTRAINT usage_receipt_citations_units_check CHECK (units >= 0::numeric)
) PARTITION BY RANGE (period_month);
CREATE INDEX usage_receipt_citations_receipt ON ONLY usage_receipt_citations USING btree (receipt_id);
CREATE INDEX usage_receipt_citations_work ON ONLY usage_receipt_citations USING btree (work_id);
CREATE TRIGGER usage_receipt_citations_no_truncate BEFORE TRUNCATE ON usage_receipt_citations FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER usage_receipt_citations_unchangeable BEFORE DELETE OR UPDATE ON usage_receipt_citations FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE usage_report_lines (
  period_month date NOT NULL,
  licensee_id uuid NOT NULL,
  report_id uuid NOT NULL,
  line_no bigint NOT NULL,
  line_id text,
  work_id uuid,
  scheme text,
  value text,
  work_ref text,
  usage text,
  unit text,
  units bigint,
  agreement_id uuid,
  model text,
  territory text,
  occurred_on date,
  revenue bigint,
  invalid_reason text,
  receipt_id text
) PARTITION BY RANGE (period_month);
CREATE TRIGGER usage_report_lines_no_truncate BEFORE TRUNCATE ON usage_report_lines FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();
CREATE TRIGGER usage_report_lines_unchangeable BEFORE DELETE OR UPDATE ON usage_report_lines FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE usage_reports (
  id uuid NOT NULL,
  licensee_id uuid NOT NULL,
  report_id text NOT NULL,
  content_hash bytea NOT NULL,
  format text NOT NULL,
  period_start date NOT NULL,
  period_end date NOT NULL,
  currency text,
  supersedes_id uuid,
  superseded_by_id uuid,
  status text NOT NULL,
  declared_line_count bigint NOT NULL,
  declared_units numeric NOT NULL,
  lines_received bigint NOT NULL DEFAULT 0,
  units_received numeric NOT NULL DEFAULT 0,
  lines_matched bigint NOT NULL DEFAULT 0,
  lines_unmatched bigint NOT NULL DEFAULT 0,
  lines_out_of_scope bigint NOT NULL DEFAULT 0,
  lines_invalid bigint NOT NULL DEFAULT 0,
  totals_by_usage jsonb NOT NULL DEFAULT '[]'::jsonb,
  rejection jsonb,
  created_by_principal_id uuid NOT NULL,
  received_at timestamp with time zone NOT NULL DEFAULT now(),
  processed_at timestamp with time zone,
  accepted_at timestamp with time zone,
  superseded_at timestamp with time zone,
  repeat_suspects text[],
  aggregate_generation integer NOT NULL DEFAULT 0,
  lines_citing bigint NOT NULL DEFAULT 0,
  CONSTRAINT usage_reports_check CHECK (period_end >= period_start),
  CONSTRAINT usage_reports_check1 CHECK ((status = 'rejected'::text) = (rejection IS NOT NULL)),
  CONSTRAINT usage_reports_check2 CHECK ((status = 'accepted'::text) = (accepted_at IS NOT NULL)),
  CONSTRAINT usage_reports_check3 CHECK ((superseded_by_id IS NULL) = (superseded_at IS NULL)),
  CONSTRAINT usage_reports_content_hash_check CHECK (length(content_hash) = 32),
  CONSTRAINT usage_reports_declared_line_count_check CHECK (declared_line_count >= 0),
  CONSTRAINT usage_reports_declared_units_check CHECK (declared_units >= 0::numeric),
  CONSTRAINT usage_reports_format_check CHECK (format = ANY (ARRAY['json'::text, 'ndjson'::text, 'csv'::text])),
  CONSTRAINT usage_reports_lines_citing_check CHECK (lines_citing >= 0),
  CONSTRAINT usage_reports_report_id_check CHECK (length(report_id) >= 1 AND length(report_id) <= 200),
  CONSTRAINT usage_reports_status_check CHECK (status = ANY (ARRAY['received'::text, 'processing'::text, 'accepted'::text, 'rejected'::text])),
  CONSTRAINT usage_reports_created_by_principal_id_fkey FOREIGN KEY (created_by_principal_id) REFERENCES principals(id),
  CONSTRAINT usage_reports_licensee_id_fkey FOREIGN KEY (licensee_id) REFERENCES organizations(id),
  CONSTRAINT usage_reports_superseded_by_id_fkey FOREIGN KEY (superseded_by_id) REFERENCES usage_reports(id),
  CONSTRAINT usage_reports_supersedes_id_fkey FOREIGN KEY (supersedes_id) REFERENCES usage_reports(id),
  CONSTRAINT usage_reports_pkey PRIMARY KEY (id),
  CONSTRAINT usage_reports_licensee_id_report_id_key UNIQUE (licensee_id, report_id)
);
CREATE INDEX usage_reports_licensee ON usage_reports USING btree (licensee_id, id);
CREATE UNIQUE INDEX usage_reports_one_successor ON usage_reports USING btree (supersedes_id) WHERE ((supersedes_id IS NOT NULL) AND (status <> 'rejected'::text));
CREATE INDEX usage_reports_unfinished ON usage_reports USING btree (id) WHERE (status = ANY (ARRAY['received'::text, 'processing'::text]));
CREATE TRIGGER usage_reports_immutable BEFORE UPDATE ON usage_reports FOR EACH ROW EXECUTE FUNCTION usage_reports_keep_content();
CREATE TRIGGER usage_reports_never_deleted BEFORE DELETE ON usage_reports FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER usage_reports_no_truncate BEFORE TRUNCATE ON usage_reports FOR EACH STATEMENT EXECUTE FUNCTION refuse_change();

CREATE TABLE work_identifiers (
  scheme text NOT NULL,
  value text NOT NULL,
  organization_id uuid NOT NULL,
  work_id uuid NOT NULL,
  CONSTRAINT work_identifiers_pkey PRIMARY KEY (scheme, value, organization_id)
);
CREATE INDEX work_identifiers_work ON work_identifiers USING btree (work_id);
CREATE TRIGGER work_identifiers_notify AFTER INSERT ON work_identifiers FOR EACH STATEMENT EXECUTE FUNCTION notify_identifiers_added();
CREATE TRIGGER work_identifiers_notify_change AFTER INSERT OR DELETE OR UPDATE ON work_identifiers FOR EACH STATEMENT EXECUTE FUNCTION notify_works_changed();
CREATE TRIGGER work_identifiers_refs AFTER INSERT ON work_identifiers REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION check_work_identifier_refs();

CREATE TABLE work_splits (
  work_id uuid NOT NULL,
  split_version integer NOT NULL,
  effective_from date NOT NULL,
  organization_id uuid NOT NULL,
  payee_id uuid NOT NULL,
  share_bps integer NOT NULL,
  recorded_at timestamp with time zone NOT NULL DEFAULT now(),
  CONSTRAINT work_splits_share_bps_check CHECK (share_bps >= 1 AND share_bps <= 10000),
  CONSTRAINT work_splits_split_version_check CHECK (split_version >= 1),
  CONSTRAINT work_splits_work_id_fkey FOREIGN KEY (work_id) REFERENCES works(id),
  CONSTRAINT work_splits_pkey PRIMARY KEY (work_id, split_version, payee_id)
);
CREATE TRIGGER work_splits_append_only BEFORE DELETE OR UPDATE ON work_splits FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER work_splits_checks AFTER INSERT ON work_splits REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION check_work_splits();

CREATE TABLE work_versions (
  work_id uuid NOT NULL,
  version integer NOT NULL,
  snapshot jsonb NOT NULL,
  valid_from timestamp with time zone NOT NULL,
  valid_to timestamp with time zone NOT NULL,
  CONSTRAINT work_versions_work_id_fkey FOREIGN KEY (work_id) REFERENCES works(id),
  CONSTRAINT work_versions_pkey PRIMARY KEY (work_id, version)
);
CREATE TRIGGER work_versions_append_only BEFORE DELETE OR UPDATE ON work_versions FOR EACH ROW EXECUTE FUNCTION refuse_change();

CREATE TABLE works (
  id uuid NOT NULL,
  organization_id uuid NOT NULL,
  external_id text NOT NULL,
  title text NOT NULL,
  kind text NOT NULL,
  language text,
  published_at date,
  metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
  identifiers text[] NOT NULL DEFAULT '{}'::text[],
  splits jsonb NOT NULL,
  split_version integer NOT NULL DEFAULT 1,
  status text NOT NULL DEFAULT 'active'::text,
  version integer NOT NULL DEFAULT 1,
  created_at timestamp with time zone NOT NULL DEFAULT now(),
  updated_at timestamp with time zone NOT NULL DEFAULT now(),
  withdrawn_at timestamp with time zone,
  split_shape_id integer,
  CONSTRAINT works_check CHECK ((status = 'withdrawn'::text) = (withdrawn_at IS NOT NULL)),
  CONSTRAINT works_external_id_check CHECK (length(external_id) >= 1 AND length(external_id) <= 200),
  CONSTRAINT works_kind_check CHECK (kind = ANY (ARRAY['book'::text, 'article'::text, 'web-page'::text, 'image'::text, 'audio'::text, 'video'::text, 'code'::text, 'dataset'::text, 'other'::text])),
  CONSTRAINT works_status_check CHECK (status = ANY (ARRAY['active'::text, 'withdrawn'::text])),
  CONSTRAINT works_title_check CHECK (length(btrim(title)) >= 1 AND length(btrim(title)) <= 1000),
  CONSTRAINT works_version_check CHECK (version >= 1),
  CONSTRAINT works_organization_id_fkey FOREIGN KEY (organization_id) REFERENCES organizations(id),
  CONSTRAINT works_pkey PRIMARY KEY (id),
  CONSTRAINT works_organization_id_external_id_key UNIQUE (organization_id, external_id)
);
CREATE INDEX works_organization ON works USING btree (organization_id, id);
CREATE TRIGGER works_never_deleted BEFORE DELETE ON works FOR EACH ROW EXECUTE FUNCTION refuse_change();
CREATE TRIGGER works_notify AFTER INSERT OR DELETE OR UPDATE ON works FOR EACH STATEMENT EXECUTE FUNCTION notify_works_changed();

CREATE VIEW royalty_run_counted AS
 SELECT royalty_run_usage.run_id,
    royalty_run_usage.period_run_id,
    royalty_run_usage.report_id,
    royalty_run_usage.agreement_id,
    royalty_run_usage.agreement_version,
    royalty_run_usage.licensee_id,
    royalty_run_usage.publisher_id,
    royalty_run_usage.work_id,
    royalty_run_usage.usage,
    royalty_run_usage.unit,
    royalty_run_usage.units,
    royalty_run_usage.revenue
   FROM royalty_run_usage
UNION ALL
 SELECT r.run_id,
    r.run_id AS period_run_id,
    a.report_id,
    a.agreement_id,
    a.agreement_version,
    a.licensee_id,
    a.publisher_id,
    a.work_id,
    a.usage,
    a.unit,
    a.units,
    a.revenue
   FROM royalty_run_reports r
     JOIN usage_aggregates a ON a.report_id = r.report_id AND a.generation <= r.generation
  WHERE a.status = 'matched'::text;

CREATE SEQUENCE collection_sync_marks;

CREATE SEQUENCE schema_migrations_id_seq;

CREATE SEQUENCE split_shapes_id_seq;

CREATE OR REPLACE FUNCTION public.agreement_amendments_accept_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF OLD.status <> 'proposed' OR NEW.status <> 'accepted'
           OR (to_jsonb(NEW) - 'status' - 'accepted_at' - 'accepted_by_principal_id')
              IS DISTINCT FROM (to_jsonb(OLD) - 'status' - 'accepted_at' - 'accepted_by_principal_id') THEN
          RAISE EXCEPTION 'amendment % of agreement % is immutable', OLD.version, OLD.agreement_id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION public.agreements_keep_terms()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF NEW.terms IS DISTINCT FROM OLD.terms OR NEW.terms_hash IS DISTINCT FROM OLD.terms_hash
           OR NEW.offer_id IS DISTINCT FROM OLD.offer_id OR NEW.offer_version IS DISTINCT FROM OLD.offer_version
           OR NEW.licensee_id IS DISTINCT FROM OLD.licensee_id OR NEW.publisher_id IS DISTINCT FROM OLD.publisher_id
           OR (OLD.status <> 'proposed'
               AND (NEW.starts_on IS DISTINCT FROM OLD.starts_on OR NEW.ends_on IS DISTINCT FROM OLD.ends_on)) THEN
          RAISE EXCEPTION 'the terms of agreement % are immutable', OLD.id USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION public.check_work_identifier_refs()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE bad record;
      BEGIN
        SELECT i.work_id, i.scheme, i.value INTO bad FROM inserted i
         WHERE (SELECT w.organization_id FROM works w WHERE w.id = i.work_id) IS DISTINCT FROM i.organization_id
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'identifier %:% points at work % of another organization or none', bad.scheme, bad.value, bad.work_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.check_work_splits()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE bad record;
      BEGIN
        SELECT i.work_id INTO bad FROM inserted i
         WHERE (SELECT w.organization_id FROM works w WHERE w.id = i.work_id) IS DISTINCT FROM i.organization_id
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'split names work % of another organization or none', bad.work_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        -- A publisher has few payees: probe each distinct one once.
        SELECT d.payee_id INTO bad FROM (SELECT DISTINCT payee_id, organization_id FROM inserted) d
         WHERE (SELECT p.organization_id FROM payees p WHERE p.id = d.payee_id) IS DISTINCT FROM d.organization_id
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'split names payee % of another organization or none', bad.payee_id
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        -- Every version touched must sum to 10000 as stored: this also refuses adding shares to a
        -- complete version in a later statement.
        SELECT g.work_id, g.split_version, g.total INTO bad
          FROM (SELECT v.work_id, v.split_version,
                       (SELECT sum(s.share_bps) FROM work_splits s
                         WHERE s.work_id = v.work_id AND s.split_version = v.split_version) AS total
                  FROM (SELECT DISTINCT work_id, split_version FROM inserted) v) g
         WHERE g.total <> 10000
         LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'splits of work % version % sum to % bps, not 10000', bad.work_id, bad.split_version, bad.total
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.create_default_payee()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF NEW.kind = 'publisher' THEN
          INSERT INTO payees (id, organization_id, name, is_default)
          VALUES (gen_random_uuid(), NEW.id, NEW.name, true);
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION public.ledger_postings_balance()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
      END $function$;

CREATE OR REPLACE FUNCTION public.notify_agreement_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('agreements_changed', COALESCE(NEW.licensee_id, OLD.licensee_id)::text);
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.notify_api_key_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('api_keys_changed', COALESCE(NEW.prefix, OLD.prefix));
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.notify_identifiers_added()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('work_identifiers_added', '');
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.notify_licence_receipt_keys_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('licence_receipt_keys_changed', '');
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.notify_works_changed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM pg_notify('works_changed', '');
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.payout_item_transition()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
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
      END $function$;

CREATE OR REPLACE FUNCTION public.refuse_change()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END $function$;

CREATE OR REPLACE FUNCTION public.round_half_even(x numeric)
 RETURNS numeric
 LANGUAGE sql
 IMMUTABLE STRICT
AS $function$
        SELECT CASE WHEN x - floor(x) = 0.5
                    THEN CASE WHEN mod(floor(x), 2) = 0 THEN floor(x) ELSE floor(x) + 1 END
                    ELSE round(x) END
      $function$;

CREATE OR REPLACE FUNCTION public.royalty_charges_partition(run uuid)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$ SELECT 'royalty_charges_' || replace(run::text, '-', '') $function$;

CREATE OR REPLACE FUNCTION public.royalty_charges_references()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE run_ids uuid[]; invoice_ids uuid[];
    BEGIN
      SELECT array_agg(run_id), array_agg(invoice_id) INTO run_ids, invoice_ids
           FROM (SELECT DISTINCT run_id, invoice_id FROM new_rows) d;
         PERFORM 1 FROM invoices i WHERE i.id = ANY (invoice_ids) FOR KEY SHARE;
      IF EXISTS (SELECT 1 FROM unnest(run_ids, invoice_ids) n (run_id, invoice_id)
                  WHERE NOT EXISTS (SELECT 1 FROM invoices i
                                     WHERE i.id = n.invoice_id AND i.run_id = n.run_id)) THEN
        RAISE EXCEPTION 'royalty_charges: a charge refers to an invoice that does not exist in its run' USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $function$;

CREATE OR REPLACE FUNCTION public.royalty_figures_follow_run()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE run_status text;
    BEGIN
      IF TG_TABLE_NAME IN ('statement_lines', 'statement_invoices') THEN
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
    END $function$;

CREATE OR REPLACE FUNCTION public.royalty_lines_left_behind()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF TG_TABLE_NAME = 'statements' AND EXISTS (
             SELECT 1 FROM old_rows o JOIN statement_lines l ON l.statement_id = o.id)
           OR TG_TABLE_NAME = 'invoices' AND EXISTS (
             SELECT 1 FROM old_rows o
               JOIN royalty_charges c ON c.run_id = o.run_id AND c.invoice_id = o.id) THEN
          RAISE EXCEPTION '%: a deleted row still has lines', TG_TABLE_NAME
            USING ERRCODE = 'foreign_key_violation';
        END IF;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION public.royalty_run_usage_references()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE run_ids uuid[]; report_ids uuid[];
    BEGIN
      SELECT array_agg(DISTINCT id) FILTER (WHERE report),
                array_agg(DISTINCT id) FILTER (WHERE NOT report) INTO report_ids, run_ids
           FROM (SELECT DISTINCT run_id, period_run_id, report_id FROM new_rows) d
          CROSS JOIN LATERAL (VALUES (d.run_id, false), (d.period_run_id, false),
                                     (d.report_id, true)) v (id, report);
         PERFORM 1 FROM royalty_runs r WHERE r.id = ANY (run_ids) FOR KEY SHARE;
         PERFORM 1 FROM usage_reports r WHERE r.id = ANY (report_ids) FOR KEY SHARE;
      IF (SELECT count(*) FROM royalty_runs r WHERE r.id = ANY (run_ids)) <> cardinality(run_ids)
         OR (SELECT count(*) FROM usage_reports r WHERE r.id = ANY (report_ids))
            <> cardinality(report_ids) THEN
        RAISE EXCEPTION 'royalty_run_usage: a row refers to a run or usage report that does not exist' USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $function$;

CREATE OR REPLACE FUNCTION public.royalty_runs_posted_is_final()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF OLD.status = 'posted' THEN
          RAISE EXCEPTION 'royalty run % is posted and cannot change', OLD.id
            USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION public.split_shape_id(shape jsonb)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
      DECLARE
        found int;
      BEGIN
        SELECT id INTO found FROM split_shapes
         WHERE md5(splits::text) = md5(shape::text) AND splits = shape;
        IF found IS NULL THEN
          INSERT INTO split_shapes (splits) VALUES (shape) ON CONFLICT DO NOTHING RETURNING id INTO found;
        END IF;
        IF found IS NULL THEN
          SELECT id INTO found FROM split_shapes
           WHERE md5(splits::text) = md5(shape::text) AND splits = shape;
        END IF;
        IF found IS NULL THEN
          RAISE EXCEPTION 'split shape % shares its md5 with another', shape;
        END IF;
        RETURN found;
      END $function$;

CREATE OR REPLACE FUNCTION public.statement_lines_references()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    DECLARE ids uuid[] := ARRAY(SELECT DISTINCT statement_id FROM new_rows);
    BEGIN
      PERFORM 1 FROM statements s WHERE s.id = ANY (ids) FOR KEY SHARE;
      IF (SELECT count(*) FROM statements s WHERE s.id = ANY (ids)) <> cardinality(ids) THEN
        RAISE EXCEPTION 'statement_lines: a line refers to a statement that does not exist' USING ERRCODE = 'foreign_key_violation';
      END IF;
      RETURN NULL;
    END $function$;

CREATE OR REPLACE FUNCTION public.usage_reports_keep_content()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
    BEGIN
      IF (to_jsonb(NEW) - ARRAY['status', 'lines_received', 'units_received', 'lines_matched', 'lines_unmatched', 'lines_out_of_scope', 'lines_invalid', 'totals_by_usage', 'rejection', 'processed_at', 'accepted_at', 'superseded_by_id', 'superseded_at', 'aggregate_generation']) IS DISTINCT FROM (to_jsonb(OLD) - ARRAY['status', 'lines_received', 'units_received', 'lines_matched', 'lines_unmatched', 'lines_out_of_scope', 'lines_invalid', 'totals_by_usage', 'rejection', 'processed_at', 'accepted_at', 'superseded_by_id', 'superseded_at', 'aggregate_generation'])
         OR OLD.status IN ('accepted', 'rejected') AND NEW.status IS DISTINCT FROM OLD.status
         OR OLD.superseded_by_id IS NOT NULL AND NEW.superseded_by_id IS DISTINCT FROM OLD.superseded_by_id
         OR NEW.aggregate_generation < OLD.aggregate_generation THEN
        RAISE EXCEPTION 'usage report % cannot be changed in place', OLD.id
          USING ERRCODE = 'insufficient_privilege';
      END IF;
      RETURN NEW;
    END $function$;

CREATE OR REPLACE FUNCTION public.work_snapshot(w works)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
        SELECT jsonb_build_object(
          'id', w.id,
          'externalId', w.external_id,
          'title', w.title,
          'kind', w.kind,
          'identifiers', COALESCE((SELECT jsonb_agg(jsonb_build_object(
                             'scheme', split_part(i, ':', 1),
                             'value', substr(i, length(split_part(i, ':', 1)) + 2)) ORDER BY i)
                           FROM unnest(w.identifiers) AS i), '[]'::jsonb),
          'language', w.language,
          'publishedAt', w.published_at::text,
          'metadata', w.metadata,
          'splits', w.splits,
          'splitVersion', w.split_version,
          'status', w.status,
          'version', w.version,
          'createdAt', to_char(w.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'updatedAt', to_char(w.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'),
          'withdrawnAt', to_char(w.withdrawn_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))
      $function$;
