import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { Principal, Role } from '../common/auth/principal';
import { PrincipalResolver } from '../common/auth/principal-resolver';
import { Conflict, DomainError } from '../common/errors/domain-error';
import { insertAndRead } from '../common/insert-and-read';
import { newId } from '../common/ids';
import { Page, PageQuery, paginate } from '../common/pagination/page';
import { ScopedRepository, TenantScope } from '../common/tenancy/tenant-scope';
import { ApiKey } from './api-key.entity';
import {
  activeKeysWithPrefix,
  countActiveKeys,
  countOtherActiveAdminKeys,
  countPrincipals,
  insertPrincipalIfNew,
  KeyRow,
  lockAdminKeyRevocations,
  lockPrincipal,
  recordKeyUsed,
} from './api-key.queries';
import {
  generateApiKeySecret,
  hashApiKey,
  lookupPrefixes,
  NewApiKeySecret,
  sameHash,
} from './api-key-secret';
import { AuditService } from './audit.service';
import { ApiKeyResponse, IssuedApiKeyResponse, toApiKeyResponse } from './dto/api-key.response';
import { toPrincipalResponse } from './dto/principal.response';
import { Organization } from './organization.entity';
import { lockOrganization } from './organization.queries';
import { PrincipalRecord } from './principal.entity';
import { endSessionsOfKey } from './session-queries';
import { AppConfig } from '../config/app-config';
import { ChangeAwareCache } from '../database/change-aware-cache';
import { ChangeFeed } from '../database/change-feed';

/** lastUsedAt is written at most once a minute per key, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * Who receives a new key: an existing principal by id (the caller itself), or a principal by
 * name — created when the organization has none of that name; when it has, the key goes to it
 * only if `existing` is `attach` (an admin's choice), and `refuse` answers 409 (no one obtains
 * the key of another existing principal).
 */
export type KeyHolder =
  { principalId: string } | { name: string; role: Role; existing: 'attach' | 'refuse' };

@Injectable()
export class ApiKeyService implements PrincipalResolver {
  private readonly logger = new Logger(ApiKeyService.name);
  private readonly scopedKeys: ScopedRepository<ApiKey>;
  /**
   * Active keys by prefix; a key's creation or revocation evicts its prefix (api_keys triggers).
   * Only prefixes with an active key are kept: unknown prefixes (anyone can send millions) would
   * evict real keys. Their lookups are bounded by AUTH_FAILURES_PER_MINUTE per address instead.
   */
  private readonly keysByPrefix: ChangeAwareCache<KeyRow[]>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(ApiKey) keys: Repository<ApiKey>,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    changes: ChangeFeed,
  ) {
    this.scopedKeys = new ScopedRepository(keys, 'api-key');
    this.keysByPrefix = new ChangeAwareCache(changes, 'api_keys_changed', {
      max: this.config.get('API_KEY_CACHE_SIZE'),
      maxAgeMs: 60_000,
    });
  }

  async resolve(
    apiKey: string,
    requestId: string,
    options: { cachedOnly?: boolean } = {},
  ): Promise<Principal | null> {
    if (apiKey.length > 512) return null;
    const presented = hashApiKey(apiKey);
    let row: KeyRow | undefined;
    for (const prefix of lookupPrefixes(apiKey)) {
      const rows = options.cachedOnly
        ? (this.keysByPrefix.peek(prefix) ?? [])
        : await this.keysByPrefix.get(
            prefix,
            () => activeKeysWithPrefix(this.dataSource, prefix),
            (found) => found.length > 0,
          );
      row = rows.find((candidate) => sameHash(candidate.key_hash, presented));
      if (row) break;
    }
    if (!row) return null;
    await this.touch(row);
    return {
      id: row.principal_id,
      name: row.principal_name,
      role: row.role,
      organizationId: row.organization_id,
      organizationKind: row.organization_kind,
      apiKeyId: row.id,
      apiKeyPrefix: row.prefix,
      requestId,
    };
  }

  private async touch(row: KeyRow): Promise<void> {
    if (row.last_used_at && Date.now() - row.last_used_at.getTime() < LAST_USED_PRECISION_MS)
      return;
    // The row may be a cached one: mark it first, so concurrent requests write once.
    row.last_used_at = new Date();
    try {
      await recordKeyUsed(this.dataSource, row.id);
    } catch (error) {
      // Bookkeeping only: a failed write must not fail the request.
      this.logger.warn({ err: error, apiKeyId: row.id }, 'could not record lastUsedAt');
    }
  }

  /**
   * Issues a key to its holder (see KeyHolder), within API_KEYS_PER_PRINCIPAL active keys per
   * principal (minting keys must not multiply a person's rate limit). Who may name which holder
   * is the caller's rule (OrganizationService). Runs inside the caller's transaction.
   */
  async issue(
    manager: EntityManager,
    actor: Principal | null,
    organization: Organization,
    holder: KeyHolder,
    secret: NewApiKeySecret = generateApiKeySecret(),
  ): Promise<IssuedApiKeyResponse> {
    const { principal, created } = await this.holderOf(manager, organization, holder);
    await this.refuseOverLimit(manager, principal);
    const stored = await insertAndRead(manager, ApiKey, {
      id: newId(),
      organizationId: organization.id,
      principalId: principal.id,
      prefix: secret.prefix,
      keyHash: secret.hash,
      createdByPrincipalId: actor?.id ?? null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await this.audit.record(manager, actor, {
      action: 'api-key.create',
      resourceId: stored.id,
      resourceOrganizationId: organization.id,
      details: {
        principalId: principal.id,
        role: principal.role,
        prefix: secret.prefix,
        newPrincipal: created,
      },
    });
    return {
      ...toApiKeyResponse(stored),
      key: secret.key,
      principal: toPrincipalResponse(principal),
    };
  }

  private async holderOf(
    manager: EntityManager,
    organization: Organization,
    holder: KeyHolder,
  ): Promise<{ principal: PrincipalRecord; created: boolean }> {
    if ('principalId' in holder) {
      const principal = await manager.findOneByOrFail(PrincipalRecord, {
        id: holder.principalId,
        organizationId: organization.id,
      });
      return { principal, created: false };
    }
    if (holder.existing === 'refuse') await this.refuseOverPrincipalLimit(manager, organization);
    const created = await insertPrincipalIfNew(
      manager,
      newId(),
      organization,
      holder.name,
      holder.role,
    );
    const principal = await manager.findOneByOrFail(PrincipalRecord, {
      organizationId: organization.id,
      name: holder.name,
    });
    if (!created && holder.existing === 'refuse') {
      throw new Conflict(
        'principal-exists',
        `Principal "${holder.name}" already exists: only it, or an admin, issues its keys; invite a colleague under a new name`,
        { principalId: principal.id },
      );
    }
    if (principal.role !== holder.role) {
      throw new Conflict(
        'principal-role-mismatch',
        `Principal "${holder.name}" already exists with the ${principal.role} role; a principal holds one role`,
        { principalId: principal.id, role: principal.role },
      );
    }
    return { principal, created };
  }

  /**
   * Invitations stop at PRINCIPALS_PER_ORGANIZATION principals: each principal has its own rate
   * limit and key cap, so unbounded invitations would multiply both. Locks the organization's
   * row, so two concurrent invitations cannot both take the last place.
   */
  private async refuseOverPrincipalLimit(
    manager: EntityManager,
    organization: Organization,
  ): Promise<void> {
    const limit = this.config.get('PRINCIPALS_PER_ORGANIZATION');
    await lockOrganization(manager, organization.id);
    const principals = await countPrincipals(manager, organization.id);
    if (principals >= limit) {
      throw new Conflict(
        'principal-limit-reached',
        `${organization.name} already has ${principals} principals, the most an organization may invite; ask an admin`,
        { limit },
      );
    }
  }

  /** Locks the principal's row, so two concurrent issues cannot both take the last place. */
  private async refuseOverLimit(manager: EntityManager, principal: PrincipalRecord): Promise<void> {
    const limit = this.config.get('API_KEYS_PER_PRINCIPAL');
    await lockPrincipal(manager, principal.id);
    const active = await countActiveKeys(manager, principal.id);
    if (active >= limit) {
      throw new Conflict(
        'api-key-limit-reached',
        `Principal "${principal.name}" already holds ${active} active keys, the most one principal may hold; revoke one first`,
        { principalId: principal.id, limit },
      );
    }
  }

  list(scope: TenantScope, organizationId: string, page: PageQuery): Promise<Page<ApiKeyResponse>> {
    const keys = this.scopedKeys
      .query(scope, 'key')
      .andWhere('key.organization_id = :organizationId', { organizationId });
    return paginate(keys, page, toApiKeyResponse);
  }

  /**
   * Admins revoke any key; everyone else only its own principal's keys (another organization's
   * key answers 404, a colleague's 403: a person's credentials are theirs, or an admin's, to
   * withdraw). Revoking twice answers the same revoked key; the last active admin key cannot be
   * revoked. The key's console sessions end with it (reason key-revoked).
   */
  async revoke(actor: Principal, id: string): Promise<ApiKeyResponse> {
    const response = await this.dataSource.transaction(async (manager) => {
      const scope: TenantScope =
        actor.role === 'admin'
          ? { kind: 'platform' }
          : { kind: 'organization', organizationId: actor.organizationId };
      const found = await this.scopedKeys.get(scope, id, manager);
      if (actor.role !== 'admin' && found.principalId !== actor.id) {
        throw new DomainError(
          'forbidden',
          403,
          "Only the key's own principal, or an admin, revokes a key",
        );
      }
      const key = await manager.findOneOrFail(ApiKey, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      if (key.revokedAt) return toApiKeyResponse(key);
      await this.refuseLastAdminKey(manager, key);
      await manager.update(
        ApiKey,
        { id: key.id, revokedAt: IsNull() },
        { revokedAt: () => 'now()' },
      );
      // The key's console sessions end with it (the guard's lookup refuses them already).
      await endSessionsOfKey(manager, key.id);
      await this.audit.record(manager, actor, {
        action: 'api-key.revoke',
        resourceId: key.id,
        resourceOrganizationId: key.organizationId,
        details: { prefix: key.prefix, principalId: key.principalId },
      });
      return toApiKeyResponse(await manager.findOneByOrFail(ApiKey, { id: key.id }));
    });
    // Other processes evict on the committed change's notification; this one at once.
    this.keysByPrefix.forget(response.prefix);
    return response;
  }

  private async refuseLastAdminKey(manager: EntityManager, key: ApiKey): Promise<void> {
    const isAdminKey = await manager.exists(PrincipalRecord, {
      where: { id: key.principalId, role: 'admin' },
    });
    if (!isAdminKey) return;
    await lockAdminKeyRevocations(manager);
    const others = await countOtherActiveAdminKeys(manager, key.id);
    if (others === 0) {
      throw new DomainError(
        'last-admin-key',
        409,
        'This is the last active admin key; issue another admin key before revoking it',
      );
    }
  }
}
