import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { AppConfig } from '../../config/app-config';
import type { Environment } from '../../config/environment';

/** The console's session cookie; its value is the session token (docs/SECURITY.md). */
export const SESSION_COOKIE = 'rl_session';

/** The header a cookie-authenticated change must carry (lower case, as Node gives headers). */
export const CSRF_HEADER = 'x-csrf-token';

/** Methods that change nothing: a cookie-authenticated request of these needs no CSRF token. */
export const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);

/** 32 random bytes, base64url: 43 characters. */
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export function newSessionToken(): string {
  return randomBytes(32).toString('base64url');
}

/** A value that could be a token we issued; anything else is refused without a lookup. */
export function isSessionTokenShaped(value: string): boolean {
  return TOKEN_SHAPE.test(value);
}

/** What the database stores and looks a session up by: the token itself is never stored. */
export function hashSessionToken(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/**
 * The session's CSRF token: HMAC-SHA256 keyed with the session token over the word `csrf`,
 * base64url. Derived from the cookie, so nothing more is stored; a page on another site can send
 * the cookie (were SameSite to fail it) but cannot read it, so it cannot compute this.
 */
export function csrfTokenFor(token: string): string {
  return createHmac('sha256', token).update('csrf').digest('base64url');
}

/** Timing-safe comparison of a presented X-CSRF-Token with the session's. */
export function isCsrfTokenOf(presented: string | string[] | undefined, token: string): boolean {
  if (typeof presented !== 'string') return false;
  const expected = Buffer.from(csrfTokenFor(token));
  const given = Buffer.from(presented);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** What the cookie's attributes depend on. */
export type CookieSettings = Pick<Environment, 'NODE_ENV' | 'SESSION_MAX_AGE_SECONDS'>;

export function cookieSettingsOf(config: AppConfig): CookieSettings {
  return {
    NODE_ENV: config.get('NODE_ENV'),
    SESSION_MAX_AGE_SECONDS: config.get('SESSION_MAX_AGE_SECONDS'),
  };
}

/**
 * The cookie's attributes: sent only to this api (Path=/, SameSite=Strict: never on a request
 * another site starts), never readable by scripts (HttpOnly), only over HTTPS outside development.
 * Max-Age is the session's absolute cap; the idle timeout is enforced by the server.
 */
export function sessionCookieOptions(env: CookieSettings): CookieSerializeOptions {
  return {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure: env.NODE_ENV !== 'development',
    maxAge: env.SESSION_MAX_AGE_SECONDS,
  };
}

/** The same attributes with Max-Age=0 (and an expiry in the past): the browser drops the cookie. */
export function clearedSessionCookieOptions(env: CookieSettings): CookieSerializeOptions {
  return { ...sessionCookieOptions(env), maxAge: 0, expires: new Date(0) };
}
