import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { PrincipalResolver } from '../common/auth/principal-resolver';
import { SessionResolver } from '../common/auth/session-resolver';
import { ApiKeyService } from './api-key.service';
import { ApiKeysController } from './api-keys.controller';
import { AuditEventsController } from './audit-events.controller';
import { AuditService } from './audit.service';
import { BootstrapService } from './bootstrap.service';
import { MeController } from './me.controller';
import { organizationEntities } from './organization.entities';
import { OrganizationService } from './organization.service';
import { OrganizationsController } from './organizations.controller';
import { SessionService } from './session.service';
import { SessionsController } from './sessions.controller';

@Module({
  imports: [TypeOrmModule.forFeature(organizationEntities)],
  controllers: [
    OrganizationsController,
    ApiKeysController,
    MeController,
    AuditEventsController,
    SessionsController,
  ],
  providers: [
    AuditService,
    ApiKeyService,
    OrganizationService,
    BootstrapService,
    SessionService,
    { provide: PrincipalResolver, useExisting: ApiKeyService },
    { provide: SessionResolver, useExisting: SessionService },
  ],
  exports: [AuditService, PrincipalResolver, SessionResolver, BootstrapService],
})
export class OrganizationsModule {}
