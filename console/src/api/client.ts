import createClient, { type Middleware } from 'openapi-fetch';
import { ApiProblem } from './problem';
import type { paths } from './schema';

/**
 * The one client of the API: typed from the service's own /openapi.json (schema.d.ts, generated),
 * same origin, the session cookie sent by the browser (never the API key: it is exchanged for the
 * cookie once, at sign-in). State-changing requests carry the session's CSRF token.
 */
export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });

let csrfToken: string | null = null;
const expiredListeners = new Set<() => void>();

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when a request is refused because the session ended (expired, signed out elsewhere, key revoked). */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The session's CSRF header, for the few requests made outside `api` (file uploads). */
export function csrfHeaders(): Record<string, string> {
  return csrfToken ? { 'X-CSRF-Token': csrfToken } : {};
}

/** A request outside `api` was refused with 401: the session ended. */
export function sessionEnded(): void {
  if (csrfToken === null) return;
  csrfToken = null;
  for (const listener of expiredListeners) listener();
}

const session: Middleware = {
  onRequest({ request }) {
    if (!SAFE_METHODS.has(request.method) && csrfToken)
      request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  onResponse({ request, response }) {
    // Only a session the console believed alive can expire: not a failed sign-in, nor the first
    // look for a session when there is none.
    const path = new URL(request.url).pathname;
    const lookingForSession = path === '/v1/sessions' || path === '/v1/session';
    if (response.status === 401 && !lookingForSession) sessionEnded();
    return response;
  },
};
api.use(session);

interface Result<T> {
  data?: T;
  error?: unknown;
  response: Response;
}

/** The body of a successful answer, or an ApiProblem thrown with the API's own words. */
export function unwrap<T>(result: Result<T>): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error as Record<string, unknown> | undefined;
    const isDocument = typeof body === 'object' && body !== null && typeof body.title === 'string';
    throw new ApiProblem(
      result.response.status,
      isDocument ? body : null,
      result.response.headers.get('X-Request-Id'),
    );
  }
  return result.data as T;
}

/** A fresh key for one money-moving action: made when its form opens, reused by every retry of it. */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}
