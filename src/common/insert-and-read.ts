import { DeepPartial, EntityManager, EntityTarget, FindOptionsWhere, ObjectLiteral } from 'typeorm';

/**
 * Inserts a new entity and reads it back, so the answer carries what the database filled in
 * (`created_at`, defaults): what every create of a TypeORM entity does before its audit event.
 */
export async function insertAndRead<E extends ObjectLiteral & { id: string }>(
  manager: EntityManager,
  target: EntityTarget<E>,
  values: DeepPartial<E>,
): Promise<E> {
  const row = manager.create(target, values);
  await manager.insert(target, row);
  return manager.findOneByOrFail(target, { id: row.id } as FindOptionsWhere<E>);
}
