import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrincipalResolver } from '../common/auth/principal-resolver';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditService } from './audit.service';
import { BootstrapService } from './bootstrap.service';
import { MeController } from './me.controller';
import { organizationEntities } from './organization.entities';
import { OrganizationService } from './organization.service';
import { OrganizationsController } from './organizations.controller';

@Module({
  imports: [TypeOrmModule.forFeature(organizationEntities)],
  controllers: [OrganizationsController, ApiKeysController, MeController, AuditEventsController],
  providers: [
    AuditService,
    ApiKeyService,
    OrganizationService,
    BootstrapService,
    { provide: PrincipalResolver, useExisting: ApiKeyService },
  ],
  exports: [AuditService, PrincipalResolver, BootstrapService],
})
export class OrganizationsModule {}
