import { Query } from 'typeorm/driver/Query';

/**
 * The schema carries invariants TypeORM's entity metadata cannot describe (CHECKs, partial and
 * expression indexes, composite foreign keys, triggers), so its schema diff always proposes to
 * drop them. A generated migration keeps the additive part of the diff and leaves those out.
 */
const DATABASE_ONLY_DROP =
  /DROP CONSTRAINT "([^"]+)"|DROP INDEX "[^"]+"\."([^"]+)"|ALTER COLUMN "([^"]+)" DROP DEFAULT/;
const RESTORE =
  /ADD CONSTRAINT "([^"]+)"|CREATE (?:UNIQUE )?INDEX "([^"]+)"|ALTER COLUMN "([^"]+)" SET DEFAULT/;

export interface GeneratedQueries {
  up: Query[];
  down: Query[];
  /** What the diff proposed to drop and was left out. */
  skipped: string[];
}

export function withoutDatabaseOnlyDrops(up: Query[], down: Query[]): GeneratedQueries {
  const skipped = new Set<string>();
  const keptUp = up.filter((query) => {
    const match = DATABASE_ONLY_DROP.exec(query.query);
    const name = match?.[1] ?? match?.[2] ?? match?.[3];
    if (name) skipped.add(name);
    return !name;
  });
  const keptDown = down.filter((query) => {
    const match = RESTORE.exec(query.query);
    const name = match?.[1] ?? match?.[2] ?? match?.[3];
    return !(name && skipped.has(name));
  });
  return { up: keptUp, down: keptDown, skipped: [...skipped] };
}

/** The text of a migration file for the given queries (down in reverse order), as TypeORM writes it. */
export function renderMigration(
  name: string,
  timestamp: number,
  up: Query[],
  down: Query[],
): string {
  const line = (query: Query) =>
    `    await queryRunner.query(${JSON.stringify(query.query)}${query.parameters?.length ? `, ${JSON.stringify(query.parameters)}` : ''});`;
  return `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${name}${timestamp} implements MigrationInterface {
  name = '${name}${timestamp}';

  async up(queryRunner: QueryRunner): Promise<void> {
${up.map(line).join('\n')}
  }

  async down(queryRunner: QueryRunner): Promise<void> {
${[...down].reverse().map(line).join('\n')}
  }
}
`;
}
