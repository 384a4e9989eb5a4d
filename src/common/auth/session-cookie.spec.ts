import { createHmac } from 'node:crypto';
import { validateEnvironment } from '../../config/environment';
import {
  clearedSessionCookieOptions,
  csrfTokenFor,
  isCsrfTokenOf,
  isSessionTokenShaped,
  newSessionToken,
  sessionCookieOptions,
} from './session-cookie';

describe('the session cookie', () => {
  it('is Secure whenever NODE_ENV is not development', () => {
    const settings = (NODE_ENV: 'development' | 'production' | 'test') => ({
      NODE_ENV,
      SESSION_MAX_AGE_SECONDS: 604800,
    });
    expect(sessionCookieOptions(settings('development'))).toEqual({
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: false,
      maxAge: 604800,
    });
    expect(sessionCookieOptions(settings('production')).secure).toBe(true);
    expect(sessionCookieOptions(settings('test')).secure).toBe(true);
    expect(clearedSessionCookieOptions(settings('production'))).toEqual({
      path: '/',
      httpOnly: true,
      sameSite: 'strict',
      secure: true,
      maxAge: 0,
      expires: new Date(0),
    });
  });

  it('defaults: 12 hours idle, 7 days at most, development', () => {
    const env = validateEnvironment({});
    expect(env.NODE_ENV).toBe('development');
    expect(env.SESSION_IDLE_TIMEOUT_SECONDS).toBe(43200);
    expect(env.SESSION_MAX_AGE_SECONDS).toBe(604800);
    expect(() => validateEnvironment({ SESSION_MAX_AGE_SECONDS: '59' })).toThrow(
      'Invalid environment variable SESSION_MAX_AGE_SECONDS',
    );
    expect(() => validateEnvironment({ SESSION_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(
      'Invalid environment variable SESSION_IDLE_TIMEOUT_SECONDS',
    );
  });
});

describe('session tokens and their CSRF token', () => {
  it('a token is 32 random bytes, base64url', () => {
    const token = newSessionToken();
    expect(isSessionTokenShaped(token)).toBe(true);
    expect(Buffer.from(token, 'base64url')).toHaveLength(32);
    expect(newSessionToken()).not.toBe(token);
    expect(isSessionTokenShaped(`${token}=`)).toBe(false);
    expect(isSessionTokenShaped(token.slice(1))).toBe(false);
  });

  it('the CSRF token is HMAC-SHA256(token, "csrf"), base64url, compared exactly', () => {
    const token = 'A'.repeat(43);
    const expected = createHmac('sha256', token).update('csrf').digest('base64url');
    expect(csrfTokenFor(token)).toBe(expected);
    expect(isCsrfTokenOf(expected, token)).toBe(true);
    expect(isCsrfTokenOf(expected.slice(1), token)).toBe(false);
    expect(isCsrfTokenOf(`${expected}x`, token)).toBe(false);
    expect(isCsrfTokenOf(undefined, token)).toBe(false);
    expect(isCsrfTokenOf([expected], token)).toBe(false);
    expect(isCsrfTokenOf(csrfTokenFor('B'.repeat(43)), token)).toBe(false);
  });
});
