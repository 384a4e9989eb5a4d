import { Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { isPlatformRole, Principal, ROLES_BY_KIND } from '../common/auth/principal';
import { BadRequest, DomainError } from '../common/errors/domain-error';
import { insertAndRead } from '../common/insert-and-read';
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
      const stored = await insertAndRead(manager, Organization, {
        id: newId(),
        name: dto.name.trim(),
        kind: dto.kind,
      });
      await this.audit.record(manager, actor, {
        action: 'organization.create',
        resourceId: stored.id,
        resourceOrganizationId: stored.id,
        details: { name: stored.name, kind: stored.kind },
      });
      const apiKey = await this.apiKeys.issue(manager, actor, stored, {
        name: dto.principal.name.trim(),
        role: ROLES_BY_KIND[dto.kind][0],
        existing: 'attach',
      });
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
   * A principal is a person (or one system), and a key is that principal's credential:
   * - an admin issues keys in any organization, to a new or an existing principal of any role
   *   the organization can hold (only admins create finance and admin principals);
   * - everyone else issues keys in its own organization only: to itself (no principalName, or
   *   its own name), or — publishers and licensees — to a colleague it invites as a new
   *   principal of its own role. No one but an admin obtains a key of another existing principal
   *   (409 principal-exists), and a finance principal creates no principal (403): four eyes on
   *   payouts stays two people an admin created.
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
      const name = dto.principalName?.trim();
      const forItself =
        organization.id === actor.organizationId &&
        role === actor.role &&
        (name === undefined || name === actor.name);
      if (forItself) {
        return this.apiKeys.issue(manager, actor, organization, { principalId: actor.id });
      }
      if (name === undefined) {
        throw new BadRequest('validation-failed', 'Name the principal to hold the key', {
          errors: [
            {
              field: 'principalName',
              messages: [
                'principalName is required for a key of another role or organization than yours',
              ],
            },
          ],
        });
      }
      if (actor.role === 'admin') {
        return this.apiKeys.issue(manager, actor, organization, {
          name,
          role,
          existing: 'attach',
        });
      }
      if (isPlatformRole(actor.role)) {
        throw new DomainError(
          'forbidden',
          403,
          `A ${actor.role} key issues keys only to its own principal; an admin creates the operator's principals`,
        );
      }
      return this.apiKeys.issue(manager, actor, organization, { name, role, existing: 'refuse' });
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
