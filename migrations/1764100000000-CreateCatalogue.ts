import { MigrationInterface, QueryRunner } from 'typeorm';

export class CreateCatalogue1764100000000 implements MigrationInterface {
  name = 'CreateCatalogue1764100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    // Idempotency keys (every module): stored in the same transaction as the command they guard.
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
        organization_id uuid NOT NULL REFERENCES organizations (id),
        key text NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
        request_hash bytea NOT NULL,
        response_status int NOT NULL,
        response_body jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, key)
      )`);

    await queryRunner.query(`
      CREATE TABLE payees (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        name text NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 200),
        email text CHECK (email IS NULL OR length(email) BETWEEN 3 AND 254),
        country text CHECK (country IS NULL OR country ~ '^[A-Z]{2}$'),
        currency text CHECK (currency IS NULL OR currency ~ '^[A-Z]{3}$'),
        is_default boolean NOT NULL DEFAULT false,
        version int NOT NULL DEFAULT 1,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX payees_organization ON payees (organization_id, id)`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX payees_one_default ON payees (organization_id) WHERE is_default`,
    );
    // Every publisher has a default payee (itself), created with it, whatever path creates it.
    await queryRunner.query(`
      CREATE FUNCTION create_default_payee() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.kind = 'publisher' THEN
          INSERT INTO payees (id, organization_id, name, is_default)
          VALUES (gen_random_uuid(), NEW.id, NEW.name, true);
        END IF;
        RETURN NEW;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER organizations_default_payee AFTER INSERT ON organizations
      FOR EACH ROW EXECUTE FUNCTION create_default_payee()`);
    await queryRunner.query(`
      INSERT INTO payees (id, organization_id, name, is_default)
      SELECT gen_random_uuid(), id, name, true FROM organizations WHERE kind = 'publisher'`);

    await queryRunner.query(`
      CREATE TABLE works (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        external_id text NOT NULL CHECK (length(external_id) BETWEEN 1 AND 200),
        title text NOT NULL CHECK (length(btrim(title)) BETWEEN 1 AND 1000),
        kind text NOT NULL CHECK (kind IN ('book', 'article', 'web-page', 'image', 'audio', 'video', 'code', 'dataset', 'other')),
        language text,
        published_at date,
        metadata jsonb NOT NULL DEFAULT '{}'::jsonb,
        -- Current identifiers ("scheme:value", sorted) and splits, kept on the row so a change is
        -- one comparison; work_identifiers indexes them, work_splits keeps the split history.
        identifiers text[] NOT NULL DEFAULT '{}',
        splits jsonb NOT NULL,
        split_version int NOT NULL DEFAULT 1,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
        version int NOT NULL DEFAULT 1 CHECK (version >= 1),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        withdrawn_at timestamptz,
        UNIQUE (organization_id, external_id),
        CHECK ((status = 'withdrawn') = (withdrawn_at IS NOT NULL))
      )`);
    await queryRunner.query(`CREATE INDEX works_organization ON works (organization_id, id)`);
    // Works are withdrawn, payees kept: neither is ever deleted.
    await queryRunner.query(`
      CREATE TRIGGER works_never_deleted BEFORE DELETE ON works
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);
    await queryRunner.query(`
      CREATE TRIGGER payees_never_deleted BEFORE DELETE ON payees
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // One publisher may not register an identifier twice; the key's order also serves
    // "who else claims this identifier" (conflicts) and the identifier lookup.
    await queryRunner.query(`
      CREATE TABLE work_identifiers (
        scheme text NOT NULL,
        value text NOT NULL,
        organization_id uuid NOT NULL,
        work_id uuid NOT NULL,
        PRIMARY KEY (scheme, value, organization_id)
      )`);
    await queryRunner.query(`CREATE INDEX work_identifiers_work ON work_identifiers (work_id)`);

    // Split history: each version is a complete set of shares, effective from a date; the set in
    // force on a day is the highest version effective on or before it. Never changed in place.
    await queryRunner.query(`
      CREATE TABLE work_splits (
        work_id uuid NOT NULL REFERENCES works (id),
        split_version int NOT NULL CHECK (split_version >= 1),
        effective_from date NOT NULL,
        organization_id uuid NOT NULL,
        payee_id uuid NOT NULL,
        share_bps int NOT NULL CHECK (share_bps BETWEEN 1 AND 10000),
        recorded_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (work_id, split_version, payee_id)
      )`);
    // References are checked once per statement instead of by row-by-row foreign keys (a million
    // trigger calls on a bulk load). Each check is a correlated scalar subquery: always an index
    // probe per inserted row, whatever the planner knows (temp and transition tables have no
    // statistics, and a hash join would read the whole big table). Works and payees are never
    // deleted (triggers below), so a reference that was valid stays valid.
    await queryRunner.query(`
      CREATE FUNCTION check_work_identifier_refs() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER work_identifiers_refs AFTER INSERT ON work_identifiers
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION check_work_identifier_refs()`);
    await queryRunner.query(`
      CREATE FUNCTION check_work_splits() RETURNS trigger LANGUAGE plpgsql AS $$
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
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER work_splits_checks AFTER INSERT ON work_splits
      REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION check_work_splits()`);
    await queryRunner.query(`
      CREATE TRIGGER work_splits_append_only BEFORE UPDATE OR DELETE ON work_splits
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    // The one definition of a work version's JSON, used by the API and the bulk import alike.
    await queryRunner.query(`
      CREATE FUNCTION work_snapshot(w works) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
      $$`);

    // Earlier versions of each work, as they were; the current one is the works row.
    await queryRunner.query(`
      CREATE TABLE work_versions (
        work_id uuid NOT NULL REFERENCES works (id),
        version int NOT NULL,
        snapshot jsonb NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_to timestamptz NOT NULL,
        PRIMARY KEY (work_id, version)
      )`);
    await queryRunner.query(`
      CREATE TRIGGER work_versions_append_only BEFORE UPDATE OR DELETE ON work_versions
      FOR EACH ROW EXECUTE FUNCTION refuse_change()`);

    await queryRunner.query(`
      CREATE TABLE catalogue_imports (
        id uuid PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations (id),
        created_by_principal_id uuid REFERENCES principals (id),
        format text NOT NULL CHECK (format IN ('ndjson', 'csv')),
        status text NOT NULL CHECK (status IN ('receiving', 'queued', 'processing', 'completed', 'failed')),
        splits_effective_from date NOT NULL,
        lines_read int NOT NULL DEFAULT 0,
        lines_processed int NOT NULL DEFAULT 0,
        created int NOT NULL DEFAULT 0,
        updated int NOT NULL DEFAULT 0,
        unchanged int NOT NULL DEFAULT 0,
        rejected int NOT NULL DEFAULT 0,
        failure text,
        created_at timestamptz NOT NULL DEFAULT now(),
        received_at timestamptz,
        finished_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX catalogue_imports_organization ON catalogue_imports (organization_id, id)`,
    );
    await queryRunner.query(
      `CREATE INDEX catalogue_imports_pending ON catalogue_imports (id) WHERE status IN ('queued', 'processing')`,
    );
    // Parsed, validated lines waiting for the worker. UNLOGGED: no WAL for rows that live minutes
    // and can be sent again; a crash empties it and the import is marked failed.
    await queryRunner.query(`
      CREATE UNLOGGED TABLE catalogue_import_rows (
        import_id uuid NOT NULL,
        line_no int NOT NULL,
        -- Set on lines that failed to parse or validate; the rest is then null.
        reason text,
        -- The id the work gets if this line creates it (UUIDv7, made at upload).
        new_id uuid,
        external_id text,
        title text,
        kind text,
        language text,
        published_at date,
        metadata jsonb,
        identifiers text[],
        -- Null: 100% to the publisher's default payee.
        splits jsonb,
        PRIMARY KEY (import_id, line_no)
      )`);
    await queryRunner.query(`
      CREATE TABLE catalogue_import_errors (
        import_id uuid NOT NULL REFERENCES catalogue_imports (id),
        line_no int NOT NULL,
        external_id text,
        reason text NOT NULL,
        PRIMARY KEY (import_id, line_no)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE catalogue_import_errors`);
    await queryRunner.query(`DROP TABLE catalogue_import_rows`);
    await queryRunner.query(`DROP TABLE catalogue_imports`);
    await queryRunner.query(`DROP TABLE work_versions`);
    await queryRunner.query(`DROP FUNCTION work_snapshot(works)`);
    await queryRunner.query(`DROP TABLE work_splits`);
    await queryRunner.query(`DROP FUNCTION check_work_splits()`);
    await queryRunner.query(`DROP FUNCTION check_work_identifier_refs()`);
    await queryRunner.query(`DROP TABLE work_identifiers`);
    await queryRunner.query(`DROP TABLE works`);
    await queryRunner.query(`DROP TRIGGER organizations_default_payee ON organizations`);
    await queryRunner.query(`DROP FUNCTION create_default_payee()`);
    await queryRunner.query(`DROP TABLE payees`);
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
