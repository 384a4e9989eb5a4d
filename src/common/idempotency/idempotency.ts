import { createHash } from 'node:crypto';
import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { FastifyRequest } from 'fastify';
import { DataSource, EntityManager } from 'typeorm';
import { Principal } from '../auth/principal';
import { BadRequest, Conflict } from '../errors/domain-error';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
const ACCEPTABLE_KEY = /^[\x21-\x7e]{1,255}$/;

/** The Idempotency-Key of a request and the fingerprint of what it asks for. */
export interface IdempotentRequest {
  key: string;
  /** SHA-256 over the method, the concrete path (with its query) and the canonical JSON of the body. */
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

/**
 * `target` is the method and the path as the caller sent it (`POST /v1/invoices/<id>/payments`),
 * never the route's template: the same key and body sent to another invoice is another request.
 */
export function fingerprint(target: string, body: unknown): Buffer {
  return createHash('sha256')
    .update(target)
    .update('\n')
    .update(canonicalJson(body ?? null))
    .digest();
}

/**
 * `@Idempotency() request: IdempotentRequest | undefined`: the key when the caller sent one
 * (400 when it is malformed), with the fingerprint of method, concrete path and body.
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
      hash: fingerprint(`${request.method} ${request.url}`, request.body),
    };
  },
);

/** Who may replay a key: the principal that used it, inside its organization. */
export type IdempotencyScope = Pick<Principal, 'id' | 'organizationId'>;

/**
 * Runs a command once per (organization, principal, key). The key row is written in the
 * command's own transaction: a concurrent retry waits on it and then replays the stored result,
 * a failed command leaves no key behind, and a crash cannot separate the effect from its record.
 * The same key with a different request (another path, method or body) is a 409; another
 * principal's key of the same text is another key. Rows stored before keys were scoped per
 * principal (principal_id NULL, fingerprinted on the route template) cannot tell which path they
 * answered, so any reuse of their key in the organization is a 409, never a replay.
 */
export async function runIdempotent<T>(
  dataSource: DataSource,
  actor: IdempotencyScope,
  request: IdempotentRequest | undefined,
  command: (manager: EntityManager) => Promise<StoredResponse<T>>,
): Promise<StoredResponse<T> & { replayed: boolean }> {
  if (!request) {
    return { ...(await dataSource.transaction(command)), replayed: false };
  }
  return dataSource.transaction(async (manager) => {
    const claimed: unknown[] = await manager.query(
      `INSERT INTO idempotency_keys
              (organization_id, principal_id, key, request_hash, response_status, response_body)
       SELECT $1, $2, $3, $4, 0, 'null'::jsonb
        WHERE NOT EXISTS (SELECT 1 FROM idempotency_keys
                           WHERE organization_id = $1 AND principal_id IS NULL AND key = $3)
       ON CONFLICT DO NOTHING RETURNING key`,
      [actor.organizationId, actor.id, request.key, request.hash],
    );
    if (claimed.length === 0) {
      const [stored] = await manager.query<
        {
          principal_id: string | null;
          request_hash: Buffer;
          response_status: number;
          response_body: T;
        }[]
      >(
        `SELECT principal_id, request_hash, response_status, response_body FROM idempotency_keys
          WHERE organization_id = $1 AND key = $3 AND (principal_id = $2 OR principal_id IS NULL)
          ORDER BY principal_id NULLS FIRST LIMIT 1`,
        [actor.organizationId, actor.id, request.key],
      );
      if (stored.principal_id === null || !stored.request_hash.equals(request.hash)) {
        throw new Conflict(
          'idempotency-key-reused',
          'This Idempotency-Key was used for a different request; use a new key for a new request',
        );
      }
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }
    const response = await command(manager);
    await manager.query(
      `UPDATE idempotency_keys SET response_status = $4, response_body = $5
        WHERE organization_id = $1 AND principal_id = $2 AND key = $3`,
      [actor.organizationId, actor.id, request.key, response.status, JSON.stringify(response.body)],
    );
    return { ...response, replayed: false };
  });
}
