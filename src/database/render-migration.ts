import { Query } from 'typeorm/driver/Query';

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
