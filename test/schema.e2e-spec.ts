import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeSchema, queryOf } from '../src/database/describe-schema';
import { Table } from '../src/database/table';
import { databaseUrl, withClient } from './support/test-database';

/** The migrated template every worker clones: the schema exactly as the migrations build it. */
function templateUrl(): string {
  const serverUrl = process.env.TEST_SERVER_URL;
  const template = process.env.TEST_TEMPLATE_DATABASE;
  if (!serverUrl || !template) throw new Error('run the e2e tests through jest-e2e.config.js');
  return databaseUrl(serverUrl, template);
}

function tableDeclarations(): Table[] {
  const src = join(__dirname, '..', 'src');
  return readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.tables.ts'))
    .flatMap((path) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(join(src, path)) as Record<string, unknown>;
      return Object.values(exported).filter(
        (value): value is Table =>
          typeof value === 'object' && value !== null && 'columns' in value,
      );
    });
}

describe('the schema as written down', () => {
  it('docs/schema.sql describes the migrated schema (npm run schema writes it again)', async () => {
    const described = await withClient(templateUrl(), (client) => describeSchema(queryOf(client)));
    const committed = readFileSync(join(__dirname, '..', 'docs', 'schema.sql'), 'utf8');
    expect(described).toBe(committed);
    expect(committed).toContain('CREATE TABLE usage_aggregates (');
  });

  it('each module’s table declarations name the columns the table has, in order', async () => {
    const declared = tableDeclarations();
    expect(declared.map((table) => table.name)).toEqual(
      expect.arrayContaining(['usage_aggregates', 'royalty_charges', 'payout_items', 'works']),
    );
    await withClient(templateUrl(), async (client) => {
      for (const table of declared) {
        const { rows } = await client.query<{ name: string }>(
          `SELECT a.attname AS name FROM pg_attribute a
            WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum`,
          [table.name],
        );
        expect({ table: table.name, columns: rows.map((row) => row.name) }).toEqual({
          table: table.name,
          columns: [...table.columns],
        });
      }
    });
  });
});
