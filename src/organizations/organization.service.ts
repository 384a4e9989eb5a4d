import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { Principal, ROLES_BY_KIND } from '../common/auth/principal';
import { BadRequest, DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { Page, PageQuery, paginate } from '../common/pagination/page';
import { ScopedRepository, scopeOf } from '../common/tenancy/tenant-scope';
import { ApiKeyService } from './api-key.service';
import { AuditService } from './audit.service';
import { ApiKeyResponse, IssuedApiKeyResponse } from './dto/api-key.response';
import { CreateApiKeyDto } from './dto/create-api-key.dto';
import { CreateOrganizationDto } from './dto/create-organization.dto';
import { CreatedOrganizationResponse } from './dto/created-organization.response';
import { MeResponse } from './dto/me.response';
import { OrganizationResponse, toOrganizationResponse } from './dto/organization.response';
import { toPrincipalResponse } from './dto/principal.response';
import { Organization } from './organization.entity';

@Injectable()
export class OrganizationService {
  private readonly organizations: ScopedRepository<Organization>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(Organization) organizations: Repository<Organization>,
    private readonly apiKeys: ApiKeyService,
    private readonly audit: AuditService,
  ) {
    // An organization's tenant is itself.
    this.organizations = new ScopedRepository(organizations, 'organization', 'id');
  }

  async create(actor: Principal, dto: CreateOrganizationDto): Promise<CreatedOrganizationResponse> {
    return this.dataSource.transaction(async (manager) => {
      const organization = manager.create(Organization, {
        id: newId(),
        name: dto.name.trim(),
        kind: dto.kind,
      });
      await manager.insert(Organization, organization);
      const stored = await manager.findOneByOrFail(Organization, { id: organization.id });
      await this.audit.record(manager, actor, {
        action: 'organization.create',
        resourceType: 'organization',
        resourceId: stored.id,
        resourceOrganizationId: stored.id,
        details: { name: stored.name, kind: stored.kind },
      });
      const apiKey = await this.apiKeys.issue(
        manager,
        actor,
        stored,
        dto.principal.name.trim(),
        ROLES_BY_KIND[dto.kind][0],
      );
      return { organization: toOrganizationResponse(stored), apiKey };
    });
  }

  list(page: PageQuery): Promise<Page<OrganizationResponse>> {
    return paginate(
      this.organizations.query({ kind: 'platform' }, 'organization'),
      page,
      toOrganizationResponse,
    );
  }

  async get(actor: Principal, id: string): Promise<OrganizationResponse> {
    return toOrganizationResponse(await this.organizations.get(scopeOf(actor), id));
  }

  /**
   * Admins issue keys for any organization and role that fits it; everyone else only for their
   * own organization and their own role (no one raises their own privileges).
   */
  async issueApiKey(
    actor: Principal,
    organizationId: string,
    dto: CreateApiKeyDto,
  ): Promise<IssuedApiKeyResponse> {
    const scope = actor.role === 'admin' ? scopeOf(actor) : ownOrganization(actor);
    return this.dataSource.transaction(async (manager) => {
      const organization = await this.organizations.get(scope, organizationId, manager);
      // In its own organization a key issues its own role by default; an admin issuing for a
      // publisher or licensee gets that organization's only role.
      const role =
        dto.role ??
        (organization.id === actor.organizationId
          ? actor.role
          : ROLES_BY_KIND[organization.kind][0]);
      if (!ROLES_BY_KIND[organization.kind].includes(role)) {
        throw new BadRequest(
          'role-not-allowed',
          `A ${organization.kind} organization cannot hold the ${role} role`,
          {
            errors: [
              {
                field: 'role',
                messages: [`role must be one of ${ROLES_BY_KIND[organization.kind].join(', ')}`],
              },
            ],
          },
        );
      }
      if (actor.role !== 'admin' && role !== actor.role) {
        throw new DomainError(
          'forbidden',
          403,
          `A ${actor.role} key can only issue ${actor.role} keys`,
        );
      }
      return this.apiKeys.issue(manager, actor, organization, dto.principalName.trim(), role);
    });
  }

  async listApiKeys(
    actor: Principal,
    organizationId: string,
    page: PageQuery,
  ): Promise<Page<ApiKeyResponse>> {
    const scope = actor.role === 'admin' ? scopeOf(actor) : ownOrganization(actor);
    await this.organizations.get(scope, organizationId);
    return this.apiKeys.list(scope, organizationId, page);
  }

  async me(actor: Principal): Promise<MeResponse> {
    const organization = await this.organizations.get(ownOrganization(actor), actor.organizationId);
    return {
      principal: toPrincipalResponse(actor),
      organization: toOrganizationResponse(organization),
      apiKey: { id: actor.apiKeyId, prefix: actor.apiKeyPrefix },
    };
  }
}

function ownOrganization(actor: Principal) {
  return { kind: 'organization', organizationId: actor.organizationId } as const;
}
