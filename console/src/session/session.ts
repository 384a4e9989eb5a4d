import { api, setCsrfToken, unwrap } from '../api/client';
import { isProblem } from '../api/problem';
import type { components } from '../api/schema';

export type Session = components['schemas']['SessionResponse'];
export type Role = Session['principal']['role'];

/**
 * The signed-in session; null when the browser holds none, or `expired` when it held one that
 * ended (idle, signed out elsewhere, key revoked: the API's `session-expired`).
 */
export async function loadSession(): Promise<Session | null | 'expired'> {
  try {
    const session = unwrap(await api.GET('/v1/session'));
    setCsrfToken(session.csrfToken);
    return session;
  } catch (error) {
    setCsrfToken(null);
    if (isProblem(error, 'session-expired')) return 'expired';
    if (isProblem(error) && (error.status === 401 || error.status === 404)) return null;
    throw error;
  }
}

/** Exchanges the API key for a session cookie; the key is not kept anywhere in the browser. */
export async function signIn(apiKey: string): Promise<Session> {
  const session = unwrap(await api.POST('/v1/sessions', { body: { apiKey } }));
  setCsrfToken(session.csrfToken);
  return session;
}

export async function signOut(): Promise<void> {
  try {
    unwrap(await api.DELETE('/v1/session'));
  } finally {
    setCsrfToken(null);
  }
}

/** Where a role lands after signing in. */
export function homeOf(role: Role): string {
  switch (role) {
    case 'finance':
      return '/finance';
    case 'admin':
      return '/admin/audit-events';
    case 'publisher':
      return '/publisher';
    case 'licensee':
      return '/licensee';
  }
}

// eslint-disable-next-line no-control-regex -- refusing control characters is the point
const SAME_ORIGIN_PATH = /^\/(?![/\\])[^\\\u0000-\u001f]*$/;

/** A `next` location is followed only when it is a path of this console (no open redirect). */
export function safeNext(next: string | null): string | null {
  // A path of this origin only: not `//host`, not `/\host` (browsers read `\` as `/`), no
  // control characters, nothing of the API.
  if (!next || !SAME_ORIGIN_PATH.test(next) || next.startsWith('/v1')) return null;
  return next;
}
