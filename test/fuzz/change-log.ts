import { Client } from 'pg';
import { TestApp } from '../support/test-app';

/**
 * Every row written to the database, counted by a trigger on every table (partitioned parents
 * cover their partitions), in the fuzzer's own database. Transactional: a write that was rolled
 * back leaves no count, so "a refused request changed nothing" reads as "the count did not move".
 *
 * Not counted: `api_keys.last_used_at`, which the guard refreshes at most once a minute on any
 * authenticated request, refused or not, by design.
 */
export async function installChangeLog(t: TestApp): Promise<void> {
  await t.sql(`
    CREATE TABLE IF NOT EXISTS fuzz_changes (
      id bigserial PRIMARY KEY, table_name text NOT NULL, operation text NOT NULL)`);
  await t.sql(`
    CREATE OR REPLACE FUNCTION fuzz_record_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF TG_TABLE_NAME = 'api_keys' AND TG_OP = 'UPDATE'
         AND to_jsonb(OLD) - 'last_used_at' = to_jsonb(NEW) - 'last_used_at' THEN
        RETURN NULL;
      END IF;
      INSERT INTO fuzz_changes (table_name, operation) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$`);
  await t.sql(`
    CREATE OR REPLACE FUNCTION fuzz_record_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO fuzz_changes (table_name, operation) VALUES (TG_TABLE_NAME, TG_OP);
      RETURN NULL;
    END $$`);
  const tables = await t.sql<{ schema: string; name: string }>(`
    SELECT n.nspname AS schema, c.relname AS name
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
       AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast')
       AND c.relname <> 'fuzz_changes'`);
  for (const { schema, name } of tables) {
    const table = `"${schema}"."${name}"`;
    await t.sql(`DROP TRIGGER IF EXISTS fuzz_change ON ${table}`);
    await t.sql(`DROP TRIGGER IF EXISTS fuzz_truncate ON ${table}`);
    await t.sql(`CREATE TRIGGER fuzz_change AFTER INSERT OR UPDATE OR DELETE ON ${table}
                 FOR EACH ROW EXECUTE FUNCTION fuzz_record_change()`);
    await t.sql(`CREATE TRIGGER fuzz_truncate AFTER TRUNCATE ON ${table}
                 FOR EACH STATEMENT EXECUTE FUNCTION fuzz_record_truncate()`);
  }
}

/** Reads the log on one connection of its own (a connection per read would dominate a long run). */
export class ChangeLog {
  private constructor(private readonly client: Client) {}

  static async open(databaseUrl: string): Promise<ChangeLog> {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    return new ChangeLog(client);
  }

  /** The latest write's number: it moves when anything is written and committed. */
  async mark(): Promise<number> {
    const { rows } = await this.client.query<{ n: string }>(
      'SELECT coalesce(max(id), 0)::text AS n FROM fuzz_changes',
    );
    return Number(rows[0].n);
  }

  /** What was written after `mark`: "INSERT payees", … (the first 20). */
  async since(mark: number): Promise<string[]> {
    const { rows } = await this.client.query<{ change: string }>(
      `SELECT operation || ' ' || table_name AS change FROM fuzz_changes
        WHERE id > $1 ORDER BY id LIMIT 20`,
      [mark],
    );
    return rows.map((row) => row.change);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
