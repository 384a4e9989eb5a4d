import { EntityManager } from 'typeorm';
import type { OrganizationKind, Role } from '../common/auth/principal';

/**
 * Every statement on `console_sessions` (migration ConsoleSessions): the console's sign-in
 * sessions. Reads `api_keys`, `principals` and `organizations`; writes only `console_sessions`.
 * Times are the database's (`now()`), as for API keys.
 */

type Runner = Pick<EntityManager, 'query'>;

/** A live session and the principal its key gives (the very row an API key lookup gives). */
export interface LiveSessionRow {
  session_id: string;
  last_seen_at: Date;
  api_key_id: string;
  prefix: string;
  principal_id: string;
  principal_name: string;
  role: Role;
  organization_id: string;
  organization_kind: OrganizationKind;
}

/**
 * The guard's one query per request: the session by its token's hash (UNIQUE index), refused
 * when ended, idle for longer than `idleSeconds`, past its absolute expiry, or of a revoked key.
 */
export async function findLiveSession(
  db: Runner,
  tokenHash: Buffer,
  idleSeconds: number,
): Promise<LiveSessionRow | undefined> {
  const rows: LiveSessionRow[] = await db.query(
    `SELECT s.id AS session_id, s.last_seen_at, k.id AS api_key_id, k.prefix,
            p.id AS principal_id, p.name AS principal_name, p.role, p.organization_id,
            p.organization_kind
       FROM console_sessions s
       JOIN api_keys k ON k.id = s.api_key_id AND k.revoked_at IS NULL
       JOIN principals p ON p.id = k.principal_id
      WHERE s.token_hash = $1
        AND s.ended_at IS NULL
        AND s.expires_at > now()
        AND s.last_seen_at > now() - make_interval(secs => $2)`,
    [tokenHash, idleSeconds],
  );
  return rows[0];
}

/**
 * Slides the idle expiry. Only when the last write is older than `precisionSeconds`, so
 * concurrent requests of one session write once, and a busy session at most that often.
 */
export async function touchSession(
  db: Runner,
  sessionId: string,
  precisionSeconds: number,
): Promise<void> {
  await db.query(
    `UPDATE console_sessions SET last_seen_at = now()
      WHERE id = $1 AND last_seen_at < now() - make_interval(secs => $2)`,
    [sessionId, precisionSeconds],
  );
}

export interface NewSession {
  id: string;
  tokenHash: Buffer;
  apiKeyId: string;
  principalId: string;
  organizationId: string;
  maxAgeSeconds: number;
  createdAddress: string;
  userAgent: string | null;
}

export async function insertSession(db: Runner, session: NewSession): Promise<void> {
  await db.query(
    `INSERT INTO console_sessions (id, token_hash, api_key_id, principal_id, organization_id,
                                   expires_at, created_address, user_agent)
     VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6), $7, $8)`,
    [
      session.id,
      session.tokenHash,
      session.apiKeyId,
      session.principalId,
      session.organizationId,
      session.maxAgeSeconds,
      session.createdAddress,
      session.userAgent,
    ],
  );
}

/** What a session's answer shows: its principal and organization. */
export interface SessionViewRow {
  id: string;
  expires_at: Date;
  principal_id: string;
  principal_name: string;
  role: Role;
  organization_id: string;
  organization_name: string;
  organization_kind: OrganizationKind;
}

export async function findSessionView(
  db: Runner,
  sessionId: string,
): Promise<SessionViewRow | undefined> {
  const rows: SessionViewRow[] = await db.query(
    `SELECT s.id, s.expires_at, p.id AS principal_id, p.name AS principal_name, p.role,
            o.id AS organization_id, o.name AS organization_name, o.kind AS organization_kind
       FROM console_sessions s
       JOIN principals p ON p.id = s.principal_id
       JOIN organizations o ON o.id = s.organization_id
      WHERE s.id = $1`,
    [sessionId],
  );
  return rows[0];
}

/** Signs a session out; false when it had already ended. */
export async function endSession(db: Runner, sessionId: string): Promise<boolean> {
  const rows: { id: string }[] = await db.query(
    `UPDATE console_sessions SET ended_at = now(), end_reason = 'signed-out'
      WHERE id = $1 AND ended_at IS NULL RETURNING id`,
    [sessionId],
  );
  return rows.length > 0;
}

/**
 * Ends every open session of a revoked key, in the revocation's transaction. (The guard's lookup
 * already refuses them; this records why they ended.) Answers how many it ended.
 */
export async function endSessionsOfKey(db: Runner, apiKeyId: string): Promise<number> {
  const rows: { id: string }[] = await db.query(
    `UPDATE console_sessions SET ended_at = now(), end_reason = 'key-revoked'
      WHERE api_key_id = $1 AND ended_at IS NULL RETURNING id`,
    [apiKeyId],
  );
  return rows.length;
}
