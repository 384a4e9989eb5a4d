import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NestFactory } from '@nestjs/core';
import { DataSource } from 'typeorm';
import { CliModule } from './cli/cli.module';
import { validateEnvironment } from './config/environment';
import { catalogueEntities } from './catalogue/catalogue.entities';
import { dataSourceOptions } from './database/data-source-options';
import { LicenceOffer } from './licensing/licence-offer.entity';
import { organizationEntities } from './organizations/organization.entities';
import { migrate } from './database/prepare-database';
import { resolveDatabase } from './database/resolve-database';
import { BootstrapService } from './organizations/bootstrap.service';
import { renderMigration, withoutDatabaseOnlyDrops } from './database/render-migration';
import { useStartupLogger } from './startup-logger';

const USAGE = `Usage: npm run cli -- <command>
  bootstrap [--organization-name NAME] [--admin-name NAME]
      Create the operator organization and the first admin; prints the admin key once.
      Refuses when an admin already exists.
  migrate [--revert]           Apply pending migrations (or revert the last one).
  migration:generate <Name>    Write migrations/<timestamp>-<Name>.ts from entity changes.`;

async function main(): Promise<number> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      'organization-name': { type: 'string' },
      'admin-name': { type: 'string' },
      revert: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (!command || values.help) {
    process.stdout.write(`${USAGE}\n`);
    return command ? 0 : 1;
  }
  const env = validateEnvironment(process.env);
  useStartupLogger('warn');
  const database = await resolveDatabase(env);
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrate(database.url, values.revert ? 'down' : 'up');
        process.stdout.write(
          values.revert
            ? 'reverted the last migration\n'
            : `applied ${applied.length} migration(s)${applied.length ? `: ${applied.join(', ')}` : ''}\n`,
        );
        return 0;
      }
      case 'migration:generate': {
        const name = rest[0];
        if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
          process.stderr.write('migration:generate needs a PascalCase name, e.g. AddWorks\n');
          return 1;
        }
        return await generateMigration(database.url, name);
      }
      case 'bootstrap': {
        await migrate(database.url);
        const app = await NestFactory.createApplicationContext(
          CliModule.forRoot({ ...env, DATABASE_URL: database.url }),
          { logger: ['error', 'warn'] },
        );
        try {
          const outcome = await app.get(BootstrapService).bootstrap({
            organizationName: values['organization-name'],
            adminName: values['admin-name'],
          });
          if (!outcome.created) {
            process.stderr.write(
              'An admin already exists: nothing was created. Ask that admin for a key (POST /v1/organizations/:id/api-keys).\n',
            );
            return 2;
          }
          process.stdout.write(
            `Created the operator organization ${outcome.organizationId} and admin principal ${outcome.principalId}.\n` +
              `Admin API key (shown once, store it now):\n${outcome.key}\n`,
          );
          return 0;
        } finally {
          await app.close();
        }
      }
      default:
        process.stderr.write(`Unknown command ${command}\n${USAGE}\n`);
        return 1;
    }
  } finally {
    await database.stop();
  }
}

async function generateMigration(url: string, name: string): Promise<number> {
  // Every module's entities: the draft is the difference between them all and the schema.
  const entities = [...organizationEntities, ...catalogueEntities, LicenceOffer];
  const dataSource = await new DataSource(
    dataSourceOptions(url, 2, undefined, entities),
  ).initialize();
  try {
    const sql = await dataSource.driver.createSchemaBuilder().log();
    const { up, down, skipped } = withoutDatabaseOnlyDrops(sql.upQueries, sql.downQueries);
    if (skipped.length) {
      process.stdout.write(
        `Left out drops of constraints, indexes and defaults the entities do not describe: ${skipped.join(', ')}\n`,
      );
    }
    if (up.length === 0) {
      process.stdout.write('No changes in the entities: no migration written.\n');
      return 0;
    }
    const timestamp = Date.now();
    const file = join(__dirname, '..', 'migrations', `${timestamp}-${name}.ts`);
    writeFileSync(file, renderMigration(name, timestamp, up, down));
    process.stdout.write(`Wrote ${file}; review it before committing.\n`);
    return 0;
  } finally {
    await dataSource.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
