import {
  EntityManager,
  FindOptionsWhere,
  ObjectLiteral,
  Repository,
  SelectQueryBuilder,
} from 'typeorm';
import { ResourceNotFound } from '../errors/domain-error';
import { isPlatformRole, Principal } from '../auth/principal';
import { isUuid } from '../ids';

/**
 * What a principal may see: the platform (operator roles) or one organization. Data access goes
 * through ScopedRepository, which cannot be asked for a row without a scope, so no route has to
 * remember the tenant filter.
 */
export type TenantScope =
  | { readonly kind: 'platform' }
  | { readonly kind: 'organization'; readonly organizationId: string };

export function scopeOf(principal: Pick<Principal, 'role' | 'organizationId'>): TenantScope {
  return isPlatformRole(principal.role)
    ? { kind: 'platform' }
    : { kind: 'organization', organizationId: principal.organizationId };
}

export class ScopedRepository<E extends ObjectLiteral & { id: string }> {
  /**
   * @param tenantColumn the property that holds the owning organization's id
   *   (`organizationId` on most entities, `id` on Organization itself)
   */
  constructor(
    private readonly repository: Repository<E>,
    private readonly resourceType: string,
    private readonly tenantColumn: keyof E & string = 'organizationId',
  ) {}

  /** A query builder already restricted to the scope. */
  query(scope: TenantScope, alias: string, manager?: EntityManager): SelectQueryBuilder<E> {
    const repository = manager ? manager.getRepository(this.repository.target) : this.repository;
    const query = repository.createQueryBuilder(alias);
    if (scope.kind === 'organization') {
      query.where(`${alias}.${this.tenantColumn} = :scopeOrganizationId`, {
        scopeOrganizationId: scope.organizationId,
      });
    } else {
      query.where('1 = 1');
    }
    return query;
  }

  async find(scope: TenantScope, id: string, manager?: EntityManager): Promise<E | null> {
    if (!isUuid(id)) return null;
    return this.query(scope, 'scoped', manager).andWhere('scoped.id = :id', { id }).getOne();
  }

  /** The row, or 404 — the same answer whether it does not exist or belongs to someone else. */
  async get(scope: TenantScope, id: string, manager?: EntityManager): Promise<E> {
    const found = await this.find(scope, id, manager);
    if (!found) throw new ResourceNotFound(this.resourceType, id);
    return found;
  }

  /**
   * The row the scope may see (404 otherwise, as `get`), read again with `FOR UPDATE` in the
   * caller's transaction: what a change reads before it writes.
   */
  async lock(scope: TenantScope, id: string, manager: EntityManager): Promise<E> {
    const found = await this.get(scope, id, manager);
    return manager.findOneOrFail(this.repository.target, {
      where: { id: found.id } as FindOptionsWhere<E>,
      lock: { mode: 'pessimistic_write' },
    });
  }
}
