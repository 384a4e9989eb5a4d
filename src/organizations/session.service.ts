import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { RequestSession } from '../common/auth/decorators';
import { principalForKey } from '../common/auth/key-authentication';
import { Principal } from '../common/auth/principal';
import { PrincipalResolver } from '../common/auth/principal-resolver';
import { hashSessionToken, newSessionToken } from '../common/auth/session-cookie';
import { ResolvedSession, SessionResolver } from '../common/auth/session-resolver';
import { DomainError } from '../common/errors/domain-error';
import { newId } from '../common/ids';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { AuditService } from './audit.service';
import { SessionResponse, toSessionResponse } from './dto/session.response';
import {
  endSession,
  findLiveSession,
  findSessionView,
  insertSession,
  touchSession,
} from './session-queries';

/** What a sign-in records of the client (the audit event keeps neither). */
export interface SignInClient {
  ip: string;
  id: string;
  userAgent?: string;
  correlationId?: string | null;
}

const USER_AGENT_MAX = 512;

/**
 * The console's sign-in sessions: an API key exchanged once for a session cookie, which then
 * acts exactly as the key would (the guard asks `resolve`). docs/SECURITY.md, "Console sessions".
 */
@Injectable()
export class SessionService implements SessionResolver {
  private readonly logger = new Logger(SessionService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly principals: PrincipalResolver,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  /**
   * A wrong or revoked key is a 401 counted against the client's address, exactly as a bad
   * bearer key is (429 authentication-rate-limited past AUTH_FAILURES_PER_MINUTE).
   */
  async signIn(
    apiKey: string,
    client: SignInClient,
  ): Promise<{ session: SessionResponse; token: string }> {
    const principal = await principalForKey(this.principals, this.rateLimiter, apiKey, client);
    const actor: Principal = { ...principal, correlationId: client.correlationId ?? null };
    const token = newSessionToken();
    const id = newId();
    const view = await this.dataSource.transaction(async (manager) => {
      await insertSession(manager, {
        id,
        tokenHash: hashSessionToken(token),
        apiKeyId: principal.apiKeyId,
        principalId: principal.id,
        organizationId: principal.organizationId,
        maxAgeSeconds: this.config.get('SESSION_MAX_AGE_SECONDS'),
        createdAddress: client.ip,
        userAgent: client.userAgent ? client.userAgent.slice(0, USER_AGENT_MAX) : null,
      });
      const created = await findSessionView(manager, id);
      if (!created) throw new Error(`session ${id} vanished in its own transaction`);
      await this.audit.record(manager, actor, {
        action: 'session.create',
        resourceId: id,
        resourceOrganizationId: principal.organizationId,
        details: { apiKeyPrefix: principal.apiKeyPrefix, expiresAt: created.expires_at },
      });
      return created;
    });
    return { session: this.toResponse(view, token), token };
  }

  /** The request's session (a bearer key has none: 404 no-session). */
  async current(session: RequestSession | null): Promise<SessionResponse> {
    const { id, token } = requireSession(session);
    const view = await findSessionView(this.dataSource.manager, id);
    if (!view) throw noSession();
    return this.toResponse(view, token);
  }

  /** Ends the request's session (reason signed-out); its cookie stops working at once. */
  async signOut(actor: Principal, session: RequestSession | null): Promise<void> {
    const { id } = requireSession(session);
    await this.dataSource.transaction(async (manager) => {
      if (!(await endSession(manager, id))) return;
      await this.audit.record(manager, actor, {
        action: 'session.end',
        resourceId: id,
        resourceOrganizationId: actor.organizationId,
        details: { reason: 'signed-out' },
      });
    });
  }

  async resolve(token: string, requestId: string): Promise<ResolvedSession | null> {
    const idleSeconds = this.config.get('SESSION_IDLE_TIMEOUT_SECONDS');
    const row = await findLiveSession(
      this.dataSource.manager,
      hashSessionToken(token),
      idleSeconds,
    );
    if (!row) return null;
    await this.touch(row.session_id, row.last_seen_at, idleSeconds);
    return {
      id: row.session_id,
      principal: {
        id: row.principal_id,
        name: row.principal_name,
        role: row.role,
        organizationId: row.organization_id,
        organizationKind: row.organization_kind,
        apiKeyId: row.api_key_id,
        apiKeyPrefix: row.prefix,
        requestId,
      },
    };
  }

  /**
   * last_seen_at (the sliding idle expiry) is written at most once a minute per session — or a
   * tenth of the idle timeout, when that is shorter, so a short timeout still slides.
   */
  private async touch(sessionId: string, lastSeenAt: Date, idleSeconds: number): Promise<void> {
    const precisionSeconds = Math.min(60, idleSeconds / 10);
    if (Date.now() - lastSeenAt.getTime() < precisionSeconds * 1000) return;
    try {
      await touchSession(this.dataSource.manager, sessionId, precisionSeconds);
    } catch (error) {
      // Bookkeeping only: a failed write must not fail the request.
      this.logger.warn({ err: error, sessionId }, 'could not record lastSeenAt');
    }
  }

  private toResponse(view: Parameters<typeof toSessionResponse>[0], token: string) {
    return toSessionResponse(view, token, this.config.get('SESSION_IDLE_TIMEOUT_SECONDS'));
  }
}

function requireSession(session: RequestSession | null): RequestSession {
  if (!session) throw noSession();
  return session;
}

function noSession(): DomainError {
  return new DomainError(
    'no-session',
    404,
    'This request was not made with a console session (an API key has none): sign in with POST /v1/sessions',
  );
}
