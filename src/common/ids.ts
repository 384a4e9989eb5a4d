import { v7 as uuidv7 } from 'uuid';

/** Time-ordered (UUIDv7) ids: index-friendly, and their order is creation order for paging. */
export function newId(): string {
  return uuidv7();
}
