import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { catalogueEntities } from './catalogue.entities';
import { CatalogueImportLoader } from './imports/catalogue-import-loader';
import { CatalogueImportService } from './imports/catalogue-import.service';
import { CATALOGUE_IMPORT_QUEUE } from './imports/catalogue-import.queue';
import { CatalogueImportsController } from './imports/catalogue-imports.controller';
import { PayeeService } from './payee.service';
import { PayeesController } from './payees.controller';
import { WorkService } from './work.service';
import { WorksController } from './works.controller';

@Module({
  imports: [
    TypeOrmModule.forFeature(catalogueEntities),
    BullModule.registerQueue({ name: CATALOGUE_IMPORT_QUEUE }),
    OrganizationsModule,
  ],
  controllers: [PayeesController, WorksController, CatalogueImportsController],
  providers: [PayeeService, WorkService, CatalogueImportService, CatalogueImportLoader],
  exports: [WorkService, PayeeService, CatalogueImportService, CatalogueImportLoader],
})
export class CatalogueModule {}
