import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config';
import { newId } from '../common/ids';
import { ApiKeyService } from './api-key.service';
import { generateApiKeySecret, secretFromChosenKey } from './api-key-secret';
import { AuditService } from './audit.service';
import { Organization } from './organization.entity';
import { lockBootstrap } from './organization.queries';
import { PrincipalRecord } from './principal.entity';

export type BootstrapOutcome =
  | { created: true; organizationId: string; principalId: string; apiKeyId: string; key: string }
  | { created: false; reason: 'admin-exists' };

export interface BootstrapOptions {
  organizationName?: string;
  adminName?: string;
  /** Use this key instead of generating one (BOOTSTRAP_ADMIN_KEY). */
  key?: string;
}

/**
 * Creates the operator organization and its first admin, once. Any later attempt finds an admin
 * and does nothing, so a second admin is never created silently.
 */
@Injectable()
export class BootstrapService implements OnApplicationBootstrap {
  private readonly logger = new Logger(BootstrapService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly apiKeys: ApiKeyService,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const key = this.config.get('BOOTSTRAP_ADMIN_KEY');
    if (!key) return;
    const outcome = await this.bootstrap({ key });
    if (outcome.created) {
      this.logger.log(
        `bootstrap: created the operator organization and an admin holding BOOTSTRAP_ADMIN_KEY`,
      );
    }
  }

  async bootstrap(options: BootstrapOptions = {}): Promise<BootstrapOutcome> {
    return this.dataSource.transaction(async (manager) => {
      await lockBootstrap(manager);
      if (await manager.exists(PrincipalRecord, { where: { role: 'admin' } })) {
        return { created: false, reason: 'admin-exists' } as const;
      }
      let operator = await manager.findOneBy(Organization, { kind: 'operator' });
      if (!operator) {
        operator = manager.create(Organization, {
          id: newId(),
          name: options.organizationName ?? 'Rights Ledger operator',
          kind: 'operator',
        });
        await manager.insert(Organization, operator);
        await this.audit.record(manager, null, {
          action: 'organization.create',
          resourceId: operator.id,
          resourceOrganizationId: operator.id,
          details: { name: operator.name, kind: 'operator', via: 'bootstrap' },
        });
      }
      // A chosen key is stored under a fixed label, never under its own first characters.
      const secret = options.key ? secretFromChosenKey(options.key) : generateApiKeySecret();
      const issued = await this.apiKeys.issue(
        manager,
        null,
        operator,
        { name: options.adminName ?? 'admin', role: 'admin', existing: 'attach' },
        secret,
      );
      return {
        created: true,
        organizationId: operator.id,
        principalId: issued.principalId,
        apiKeyId: issued.id,
        key: issued.key,
      } as const;
    });
  }
}
