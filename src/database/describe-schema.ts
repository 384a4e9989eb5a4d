/**
 * The migrated schema as one readable text (`docs/schema.sql`): every table with its columns,
 * constraints, indexes and triggers, then the views, sequences and functions, each in a stable
 * order. Read from PostgreSQL's catalogue rather than pg_dump, so it needs only a connection and
 * reads the same whichever server version answers. `npm run schema` writes it;
 * `test/schema.e2e-spec.ts` fails when a migration changed the schema and the file was not
 * written again.
 */
import { ClientBase } from 'pg';

export type Query = <T>(text: string, values?: unknown[]) => Promise<T[]>;

/** A pg client as the Query describeSchema reads through. */
export function queryOf(client: ClientBase): Query {
  return async <T>(text: string, values?: unknown[]) =>
    (await client.query(text, values)).rows as T[];
}

interface Relation {
  oid: number;
  name: string;
  kind: string;
  partition_key: string | null;
  comment: string | null;
}

const RELATIONS = `
  SELECT c.oid::int AS oid, c.relname AS name, c.relkind AS kind,
         CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END AS partition_key,
         obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'v', 'S') AND NOT c.relispartition
   ORDER BY c.relname`;

const COLUMNS = `
  SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull AS not_null,
         pg_get_expr(d.adbin, d.adrelid) AS default_value, a.attgenerated AS generated
    FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
   WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped
   ORDER BY a.attnum`;

const CONSTRAINTS = `
  SELECT conname AS name, pg_get_constraintdef(oid, true) AS definition
    FROM pg_constraint WHERE conrelid = $1 AND contype <> 'n'
   ORDER BY contype, conname`;

const INDEXES = `
  SELECT pg_get_indexdef(i.indexrelid) AS definition
    FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
   WHERE i.indrelid = $1
     AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
   ORDER BY c.relname`;

const TRIGGERS = `
  SELECT pg_get_triggerdef(oid, true) AS definition
    FROM pg_trigger WHERE tgrelid = $1 AND NOT tgisinternal
   ORDER BY tgname`;

const FUNCTIONS = `
  SELECT pg_get_functiondef(p.oid) AS definition
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
   WHERE n.nspname = 'public'
   ORDER BY p.proname, pg_get_function_identity_arguments(p.oid)`;

export async function describeSchema(query: Query): Promise<string> {
  const out: string[] = [
    '-- The schema the migrations build, described from the database: read it, do not edit it.',
    '-- Written by `npm run schema` after a migration; `npm test` checks it is current.',
  ];
  const relations = await query<Relation>(RELATIONS);
  for (const relation of relations.filter((r) => r.kind === 'r' || r.kind === 'p')) {
    out.push('', ...(await describeTable(query, relation)));
  }
  for (const view of relations.filter((r) => r.kind === 'v')) {
    const [{ definition }] = await query<{ definition: string }>(
      `SELECT pg_get_viewdef($1::oid, true) AS definition`,
      [view.oid],
    );
    out.push('', `CREATE VIEW ${view.name} AS`, definition.trimEnd());
  }
  for (const sequence of relations.filter((r) => r.kind === 'S')) {
    out.push('', `CREATE SEQUENCE ${sequence.name};`);
  }
  for (const { definition } of await query<{ definition: string }>(FUNCTIONS)) {
    out.push('', `${definition.trimEnd()};`);
  }
  return `${out.join('\n')}\n`;
}

async function describeTable(query: Query, table: Relation): Promise<string[]> {
  const columns = await query<{
    name: string;
    type: string;
    not_null: boolean;
    default_value: string | null;
    generated: string;
  }>(COLUMNS, [table.oid]);
  const constraints = await query<{ name: string; definition: string }>(CONSTRAINTS, [table.oid]);
  const body = [
    ...columns.map((column) => {
      const value = column.default_value
        ? column.generated === 's'
          ? ` GENERATED ALWAYS AS ${column.default_value} STORED`
          : ` DEFAULT ${column.default_value}`
        : '';
      return `  ${column.name} ${column.type}${column.not_null ? ' NOT NULL' : ''}${value}`;
    }),
    ...constraints.map(({ name, definition }) => `  CONSTRAINT ${name} ${definition}`),
  ];
  const lines = [
    ...(table.comment ? [`-- ${table.comment.replace(/\n/g, '\n-- ')}`] : []),
    `CREATE TABLE ${table.name} (`,
    body.join(',\n'),
    table.partition_key ? `) PARTITION BY ${table.partition_key};` : ');',
  ];
  for (const { definition } of await query<{ definition: string }>(INDEXES, [table.oid])) {
    lines.push(`${definition.replace(' ON public.', ' ON ').replace(' ONLY public.', ' ONLY ')};`);
  }
  for (const { definition } of await query<{ definition: string }>(TRIGGERS, [table.oid])) {
    lines.push(`${definition};`);
  }
  return lines;
}
