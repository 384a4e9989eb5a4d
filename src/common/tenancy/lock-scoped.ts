import { EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';
import { ScopedRepository, TenantScope } from './tenant-scope';

/**
 * The row the scope may see (404 otherwise, as `ScopedRepository.get`), read again with
 * `FOR UPDATE` inside the caller's transaction: what a change reads before it writes.
 */
export async function lockScoped<E extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  rows: ScopedRepository<E>,
  target: EntityTarget<E>,
  scope: TenantScope,
  id: string,
): Promise<E> {
  const found = await rows.get(scope, id, manager);
  return manager.findOneOrFail(target, {
    where: { id: found.id } as FindOptionsWhere<E>,
    lock: { mode: 'pessimistic_write' },
  });
}
