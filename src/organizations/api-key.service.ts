import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { DataSource, EntityManager, IsNull, Repository } from 'typeorm';
import { Principal } from '../common/auth/principal';
import { PrincipalResolver } from '../common/auth/principal-resolver';
import { Conflict, DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { Page, PageQuery, paginate } from '../common/pagination/page';
import { ScopedRepository, scopeOf, TenantScope } from '../common/tenancy/tenant-scope';
import { ApiKey } from './api-key.entity';
import {
  apiKeyPrefix,
  generateApiKeySecret,
  hashApiKey,
  NewApiKeySecret,
  sameHash,
} from './api-key-secret';
import { AuditService } from './audit.service';
import { ApiKeyResponse, IssuedApiKeyResponse, toApiKeyResponse } from './dto/api-key.response';
import { toPrincipalResponse } from './dto/principal.response';
import { Organization } from './organization.entity';
import { PrincipalRecord } from './principal.entity';
import { ChangeAwareCache } from '../database/change-aware-cache';
import { ChangeFeed } from '../database/change-feed';
import { AppConfig } from '../config/app-config';

/** lastUsedAt is written at most once a minute per key, not on every request. */
const LAST_USED_PRECISION_MS = 60_000;

interface KeyRow {
  id: string;
  key_hash: Buffer;
  last_used_at: Date | null;
  principal_id: string;
  principal_name: string;
  role: Principal['role'];
  organization_id: string;
  organization_kind: Principal['organizationKind'];
}

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
    changes: ChangeFeed,
    config: AppConfig,
  ) {
    this.scopedKeys = new ScopedRepository(keys, 'api-key');
    this.keysByPrefix = new ChangeAwareCache(changes, 'api_keys_changed', {
      max: config.get('API_KEY_CACHE_SIZE'),
      maxAgeMs: 60_000,
    });
  }

  async resolve(apiKey: string, requestId: string): Promise<Principal | null> {
    if (apiKey.length > 512) return null;
    const prefix = apiKeyPrefix(apiKey);
    const rows = await this.keysByPrefix.get(
      prefix,
      () =>
        this.dataSource.query<KeyRow[]>(
          `SELECT k.id, k.key_hash, k.last_used_at, p.id AS principal_id, p.name AS principal_name,
                p.role, p.organization_id, p.organization_kind
           FROM api_keys k JOIN principals p ON p.id = k.principal_id
          WHERE k.prefix = $1 AND k.revoked_at IS NULL`,
          [prefix],
        ),
      (found) => found.length > 0,
    );
    const presented = hashApiKey(apiKey);
    const row = rows.find((candidate) => sameHash(candidate.key_hash, presented));
    if (!row) return null;
    await this.touch(row);
    return {
      id: row.principal_id,
      name: row.principal_name,
      role: row.role,
      organizationId: row.organization_id,
      organizationKind: row.organization_kind,
      apiKeyId: row.id,
      apiKeyPrefix: apiKeyPrefix(apiKey),
      requestId,
    };
  }

  private async touch(row: KeyRow): Promise<void> {
    if (row.last_used_at && Date.now() - row.last_used_at.getTime() < LAST_USED_PRECISION_MS)
      return;
    // The row may be a cached one: mark it first, so concurrent requests write once.
    row.last_used_at = new Date();
    try {
      await this.dataSource.query(`UPDATE api_keys SET last_used_at = now() WHERE id = $1`, [
        row.id,
      ]);
    } catch (error) {
      // Bookkeeping only: a failed write must not fail the request.
      this.logger.warn({ err: error, apiKeyId: row.id }, 'could not record lastUsedAt');
    }
  }

  /**
   * Issues a key to the organization's principal of that name, creating the principal when the
   * organization has none. Runs inside the caller's transaction.
   */
  async issue(
    manager: EntityManager,
    actor: Principal | null,
    organization: Organization,
    principalName: string,
    role: Principal['role'],
    secret: NewApiKeySecret = generateApiKeySecret(),
  ): Promise<IssuedApiKeyResponse> {
    await manager.query(
      `INSERT INTO principals (id, organization_id, organization_kind, name, role)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (organization_id, name) DO NOTHING`,
      [newId(), organization.id, organization.kind, principalName, role],
    );
    const principal = await manager.findOneByOrFail(PrincipalRecord, {
      organizationId: organization.id,
      name: principalName,
    });
    if (principal.role !== role) {
      throw new Conflict(
        'principal-role-mismatch',
        `Principal "${principalName}" already exists with the ${principal.role} role; a principal holds one role`,
        { principalId: principal.id, role: principal.role },
      );
    }
    const apiKey = manager.create(ApiKey, {
      id: newId(),
      organizationId: organization.id,
      principalId: principal.id,
      prefix: secret.prefix,
      keyHash: secret.hash,
      createdByPrincipalId: actor?.id ?? null,
      lastUsedAt: null,
      revokedAt: null,
    });
    await manager.insert(ApiKey, apiKey);
    const stored = await manager.findOneByOrFail(ApiKey, { id: apiKey.id });
    await this.audit.record(manager, actor, {
      action: 'api-key.create',
      resourceType: 'api-key',
      resourceId: apiKey.id,
      resourceOrganizationId: organization.id,
      details: { principalId: principal.id, role, prefix: secret.prefix },
    });
    return {
      ...toApiKeyResponse(stored),
      key: secret.key,
      principal: toPrincipalResponse(principal),
    };
  }

  list(scope: TenantScope, organizationId: string, page: PageQuery): Promise<Page<ApiKeyResponse>> {
    const keys = this.scopedKeys
      .query(scope, 'key')
      .andWhere('key.organization_id = :organizationId', { organizationId });
    return paginate(keys, page, toApiKeyResponse);
  }

  /** Revoking twice answers the same revoked key; the last active admin key cannot be revoked. */
  async revoke(actor: Principal, id: string): Promise<ApiKeyResponse> {
    const response = await this.dataSource.transaction(async (manager) => {
      const found = await this.scopedKeys.get(scopeOf(actor), id, manager);
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
      await this.audit.record(manager, actor, {
        action: 'api-key.revoke',
        resourceType: 'api-key',
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
    // Serialize admin-key revocations so two concurrent ones cannot each leave the other last.
    await manager.query(`SELECT pg_advisory_xact_lock(hashtext('api-keys:admin-revocation'))`);
    const [{ others }]: [{ others: number }] = await manager.query(
      `SELECT count(*)::int AS others
         FROM api_keys k JOIN principals p ON p.id = k.principal_id
        WHERE p.role = 'admin' AND k.revoked_at IS NULL AND k.id <> $1`,
      [key.id],
    );
    if (others === 0) {
      throw new DomainError(
        'last-admin-key',
        409,
        'This is the last active admin key; issue another admin key before revoking it',
      );
    }
  }
}
