import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { Table } from './table';

/**
 * A table that one module writes and others read is declared by its owner (`<module>.tables.ts`);
 * SQL in another module names it through that declaration, so the dependency is an import. This
 * finds SQL outside the owner that spells the table's name out instead.
 */
const SRC = join(__dirname, '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

const moduleOf = (path: string): string => relative(SRC, path).split(sep)[0];

function declarations(): { owner: string; table: Table }[] {
  return sourceFiles(SRC)
    .filter((path) => path.endsWith('.tables.ts'))
    .flatMap((path) => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = require(path) as Record<string, unknown>;
      return Object.values(exported)
        .filter(
          (value): value is Table =>
            typeof value === 'object' && value !== null && 'columns' in value,
        )
        .map((table) => ({ owner: moduleOf(path), table }));
    });
}

describe('table declarations', () => {
  const declared = declarations();

  it('declares each table once', () => {
    const names = declared.map(({ table }) => table.name);
    expect(names.length).toBeGreaterThan(15);
    expect(new Set(names).size).toBe(names.length);
  });

  it('leaves no SQL outside a table’s owner naming it by hand', () => {
    const found: string[] = [];
    for (const path of sourceFiles(SRC)) {
      const text = readFileSync(path, 'utf8');
      for (const { owner, table } of declared) {
        if (moduleOf(path) === owner) continue;
        const sql = new RegExp(`\\b(FROM|JOIN|INTO|UPDATE|TABLE)\\s+${table.name}\\b`);
        if (sql.test(text)) found.push(`${relative(SRC, path)}: ${table.name} (${owner}'s)`);
      }
    }
    expect(found).toEqual([]);
  });
});
