import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import { BadRequest, Conflict } from '../errors/domain-error';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key of a request and the fingerprint of what it asks for. */
export interface IdempotentRequest {
  key: string;
  /** SHA-256 over the route and the canonical JSON of the body. */
  hash: Buffer;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
}

/** Objects with their keys sorted, so two bodies that mean the same hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) =>
    inner && typeof inner === 'object' && !Array.isArray(inner)
      ? Object.fromEntries(
          Object.entries(inner as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)),
        )
      : inner,
  );
}

export function fingerprint(route: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(route)
    .update('\n')
    .update(canonicalJson(body ?? null))
    .digest();
}

/**
 * `@Idempotency() request: IdempotentRequest | undefined`: the key when the caller sent one
 * (400 when it is malformed), with the fingerprint of method, route and body.
 */
export const Idempotency = createParamDecorator(
  (_: unknown, context: ExecutionContext): IdempotentRequest | undefined => {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const header = request.headers[IDEMPOTENCY_HEADER];
    if (header === undefined) return undefined;
    const key = Array.isArray(header) ? header[0] : header;
    if (!ACCEPTABLE_KEY.test(key)) {
      throw new BadRequest(
        'invalid-idempotency-key',
        'Idempotency-Key must be 1 to 255 visible ASCII characters',
        {
          errors: [
            { field: 'Idempotency-Key', messages: ['must be 1 to 255 visible ASCII characters'] },
          ],
        },
      );
    }
    return {
      key,
      hash: fingerprint(
        `${request.method} ${request.routeOptions.url ?? request.url}`,
        request.body,
      ),
    };
  },
);

/**
 * Runs a command once per (organization, key). The key row is written in the command's own
 * transaction: a concurrent retry waits on it and then replays the stored result, a failed
 * command leaves no key behind, and a crash cannot separate the effect from its record.
 * The same key with a different request is a 409.
 */
export async function runIdempotent<T>(
  dataSource: DataSource,
  organizationId: string,
  request: IdempotentRequest | undefined,
  command: (manager: EntityManager) => Promise<StoredResponse<T>>,
): Promise<StoredResponse<T> & { replayed: boolean }> {
  if (!request) {
    return { ...(await dataSource.transaction(command)), replayed: false };
  }
  return dataSource.transaction(async (manager) => {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_keys (organization_id, key, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, 0, 'null'::jsonb) ON CONFLICT DO NOTHING RETURNING key`,
      [organizationId, request.key, request.hash],
    );
    if (claimed.length === 0) {
      const [stored] = await manager.query<
        { request_hash: Buffer; response_status: number; response_body: T }[]
      >(
        `SELECT request_hash, response_status, response_body FROM idempotency_keys
          WHERE organization_id = $1 AND key = $2`,
        [organizationId, request.key],
      );
      if (!stored.request_hash.equals(request.hash)) {
        throw new Conflict(
          'idempotency-key-reused',
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      }
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }
    const response = await command(manager);
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $3, response_body = $4
        WHERE organization_id = $1 AND key = $2`,
      [organizationId, request.key, response.status, JSON.stringify(response.body)],
    );
    return { ...response, replayed: false };
  });
}
