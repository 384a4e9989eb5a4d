import { join } from 'node:path';
import { DataSourceOptions } from 'typeorm';
import { catalogueEntities } from '../catalogue/catalogue.entities';
import { LicenceOffer } from '../licensing/licence-offer.entity';
import { organizationEntities } from '../organizations/organization.entities';
import { SnakeNamingStrategy } from './snake-naming.strategy';
import './pg-types';

/** Every entity the service maps; each module exports its own list. */
export const entities = [...organizationEntities, ...catalogueEntities, LicenceOffer];

/** Compiled or not, migrations sit in <root>/migrations beside src/. */
export const migrationsGlob = join(__dirname, '..', '..', 'migrations', '*.{ts,js}');

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities,
    migrations: [migrationsGlob],
    migrationsTableName: 'schema_migrations',
    namingStrategy: new SnakeNamingStrategy(),
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      application_name: 'rights-ledger',
      // Set per session before its first temporary table (it cannot change after): a usage
      // report's matching builds temporary tables of a million rows, which go through the
      // default 8 MB of local buffers page by page. Taken as used, up to this, and kept until
      // the session closes: modest, as every pooled session may hold it.
      options: '-c temp_buffers=64MB',
    },
  };
}
