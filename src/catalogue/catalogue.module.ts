import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '../organizations/organizations.module';
import { catalogueEntities } from './catalogue.entities';
import { PayeeService } from './payee.service';
import { PayeesController } from './payees.controller';
import { WorkService } from './work.service';
import { WorksController } from './works.controller';

@Module({
  imports: [TypeOrmModule.forFeature(catalogueEntities), OrganizationsModule],
  controllers: [PayeesController, WorksController],
  providers: [PayeeService, WorkService],
  exports: [WorkService, PayeeService],
})
export class CatalogueModule {}
