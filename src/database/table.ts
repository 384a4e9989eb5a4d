/**
 * A table as the module that writes it declares it: its name and its columns. SQL in another
 * module that reads the table names it through this declaration (`FROM ${USAGE_AGGREGATES.name} a`),
 * so that the dependency between the modules is an import a reader or a tool can follow, not a
 * word inside a string. `test/schema.e2e-spec.ts` checks every declaration against
 * the migrated schema, and `src/database/table-owners.spec.ts` that no other module writes the
 * name out by hand.
 */
export interface Table<Column extends string = string> {
  readonly name: string;
  readonly columns: readonly Column[];
}

export function table<const Column extends string>(
  name: string,
  columns: readonly Column[],
): Table<Column> {
  return Object.freeze({ name, columns: Object.freeze([...columns]) });
}
