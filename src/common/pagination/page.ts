import { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type as TransformType } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadRequest } from '../errors/domain-error';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export class PageQuery {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: MAX_PAGE_SIZE,
    default: DEFAULT_PAGE_SIZE,
  })
  @IsOptional()
  @TransformType(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page, as given' })
  @IsOptional()
  @IsString()
  cursor?: string;
}

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

/** OpenAPI schema of `{ data: T[], nextCursor }` for one item type. */
export function PageOf<T>(item: Type<T>): Type<Page<T>> {
  class PageOfItem implements Page<T> {
    @ApiProperty({ type: [item] })
    data!: T[];

    @ApiProperty({ type: String, nullable: true, example: null })
    nextCursor!: string | null;
  }
  Object.defineProperty(PageOfItem, 'name', { value: `PageOf${item.name}` });
  return PageOfItem;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Cursors are opaque to clients: the base64url of the last row's (time-ordered, v7) id. */
export function encodeCursor(id: string): string {
  return Buffer.from(id, 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string): string {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!UUID.test(id)) {
    throw new BadRequest('invalid-cursor', 'The cursor is not one this API gave out', {
      errors: [{ field: 'cursor', messages: ['cursor is malformed'] }],
    });
  }
  return id;
}

/**
 * Keyset pagination on the id column (UUIDv7, so id order is creation order): no OFFSET,
 * stable while rows are added.
 */
export async function paginate<E extends ObjectLiteral, R>(
  query: SelectQueryBuilder<E>,
  page: PageQuery,
  toResponse: (entity: E) => R,
  order: 'ASC' | 'DESC' = 'ASC',
): Promise<Page<R>> {
  const limit = page.limit ?? DEFAULT_PAGE_SIZE;
  const alias = query.alias;
  if (page.cursor) {
    query.andWhere(`${alias}.id ${order === 'ASC' ? '>' : '<'} :cursorId`, {
      cursorId: decodeCursor(page.cursor),
    });
  }
  const rows = await query
    .orderBy(`${alias}.id`, order)
    .take(limit + 1)
    .getMany();
  const data = rows.slice(0, limit);
  const last = data[data.length - 1] as { id?: string } | undefined;
  return {
    data: data.map(toResponse),
    nextCursor: rows.length > limit && last?.id ? encodeCursor(last.id) : null,
  };
}

/** A page of rows with ids: when more rows were found, the cursor names the last one given. */
export function pageOf<T extends { id: string }>(data: T[], more: boolean): Page<T> {
  return { data, nextCursor: more && data.length ? encodeCursor(data[data.length - 1].id) : null };
}
