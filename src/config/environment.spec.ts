import { EnvironmentError, validateEnvironment } from './environment';

describe('validateEnvironment', () => {
  it('fills in every default and drops variables it does not know', () => {
    const env = validateEnvironment({ PATH: '/usr/bin', HOME: '/root' });
    expect(env).toEqual({
      NODE_ENV: 'development',
      HOST: '0.0.0.0',
      PORT: 3000,
      LOG_LEVEL: 'info',
      DATABASE_POOL_SIZE: 10,
      EMBEDDED_POSTGRES_DIR: '.data/postgres',
      EMBEDDED_POSTGRES_PORT: 54329,
      MIGRATIONS_RUN: true,
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_PREFIX: 'rl',
      RUN_WORKERS: true,
      RATE_LIMIT_PER_MINUTE: 600,
      RATE_LIMIT_SYNC_MS: 200,
      BODY_LIMIT_BYTES: 1048576,
      SHUTDOWN_GRACE_MS: 10000,
      USAGE_MAX_BYTES: 68719476736,
      USAGE_MAX_INVALID_BPS: 100,
      PLATFORM_COMMISSION_BPS: 1000,
      EARNINGS_PAYABLE_AT_ONCE: false,
      IMPORT_MAX_BYTES: 4294967296,
      IMPORT_BATCH_LINES: 50000,
      IMPORT_LOAD_PARALLELISM: 2,
      STRIPE_TIMEOUT_MS: 30000,
      STRIPE_CONNECT_RETURN_URL: 'http://localhost:3000/onboarding/complete',
      STRIPE_CONNECT_REFRESH_URL: 'http://localhost:3000/onboarding/refresh',
      PAYOUT_REQUESTS_PER_SECOND: 20,
      PAYOUT_CONCURRENCY: 16,
      PAYOUT_ATTEMPTS: 10,
      PAYOUT_BACKOFF_MS: 1000,
      PAYOUT_JOB_LOCK_MS: 30000,
      COLLECTION_THROUGH_STRIPE: false,
      COLLECTION_DAYS_UNTIL_DUE: 30,
      COLLECTION_REQUESTS_PER_SECOND: 20,
      COLLECTION_CONCURRENCY: 16,
      COLLECTION_ATTEMPTS: 10,
      COLLECTION_BACKOFF_MS: 1000,
      COLLECTION_JOB_LOCK_MS: 30000,
      COLLECTION_SYNC_GATHER_MS: 100,
      RECEIPT_KEY_VERIFY_DAYS: 400,
      RECEIPT_CACHE_ENTRIES: 50000,
      RECEIPT_COUNT_FLUSH_MS: 10000,
      RECEIPT_COUNT_MAX_KEYS: 100000,
      COMPLIANCE_VOLUME_DROP_BPS: 5000,
      RECONCILIATION_CRON: '0 2 * * *',
      API_KEYS_PER_PRINCIPAL: 10,
      PRINCIPALS_PER_ORGANIZATION: 100,
      TRUST_PROXY: false,
      PUBLIC_RATE_LIMIT_PER_MINUTE: 120,
      WEBHOOK_RATE_LIMIT_PER_MINUTE: 6000,
      AUTH_FAILURES_PER_MINUTE: 20,
      API_KEY_CACHE_SIZE: 10000,
      UPLOADS_PER_ORGANIZATION: 2,
      UPLOADS_PER_PROCESS: 5,
      UPLOAD_IDLE_TIMEOUT_MS: 30000,
      UPLOAD_MIN_BYTES_PER_SECOND: 1024,
      DATABASE_ACQUIRE_TIMEOUT_MS: 10000,
      DATABASE_STATEMENT_TIMEOUT_MS: 60000,
      DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: 60000,
      PUBLIC_BASE_URL: 'http://localhost:3000',
      STATEMENT_CSV_CONCURRENCY: 4,
      UPLOAD_QUOTA_BYTES_PER_DAY: 274877906944,
      SESSION_IDLE_TIMEOUT_SECONDS: 43200,
      SESSION_MAX_AGE_SECONDS: 604800,
    });
  });

  it('keeps uploads below the pool: half of it by default, never all of it', () => {
    expect(validateEnvironment({ DATABASE_POOL_SIZE: '4' }).UPLOADS_PER_PROCESS).toBe(2);
    expect(validateEnvironment({ DATABASE_POOL_SIZE: '1' }).UPLOADS_PER_PROCESS).toBe(1);
    expect(() =>
      validateEnvironment({ DATABASE_POOL_SIZE: '4', UPLOADS_PER_PROCESS: '4' }),
    ).toThrow('Invalid environment variable UPLOADS_PER_PROCESS');
  });

  it('converts strings to numbers and booleans', () => {
    const env = validateEnvironment({
      PORT: '8080',
      MIGRATIONS_RUN: 'false',
      DATABASE_URL: 'postgres://u@h:5432/d',
    });
    expect(env.PORT).toBe(8080);
    expect(env.MIGRATIONS_RUN).toBe(false);
    expect(env.DATABASE_URL).toBe('postgres://u@h:5432/d');
  });

  it('reads TRUST_PROXY as false, a hop count or proxy addresses — never "trust every hop"', () => {
    const trust = (value: string) => validateEnvironment({ TRUST_PROXY: value }).TRUST_PROXY;
    expect(trust('false')).toBe(false);
    expect(() => trust('true')).toThrow(/TRUST_PROXY/);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, 127.0.0.1')).toBe('10.0.0.0/8, 127.0.0.1');
    expect(() => trust('proxy.example')).toThrow(/TRUST_PROXY/);
  });

  it('treats an empty variable as unset', () => {
    expect(validateEnvironment({ DATABASE_URL: '' }).DATABASE_URL).toBeUndefined();
  });

  it.each([
    [{ PORT: 'eighty' }, 'Invalid environment variable PORT: "PORT" must be a number'],
    [
      { STRIPE_SECRET_KEY: 'pk_test_123' },
      'Invalid environment variable STRIPE_SECRET_KEY: "STRIPE_SECRET_KEY" fails to match the required pattern: /^(sk|rk)_(test|live)_\\S+$/',
    ],
    [
      { DATABASE_URL: 'mysql://h/d' },
      'Invalid environment variable DATABASE_URL: "DATABASE_URL" must be a valid uri with a scheme matching the postgres|postgresql pattern',
    ],
    [
      { BOOTSTRAP_ADMIN_KEY: 'short' },
      'Invalid environment variable BOOTSTRAP_ADMIN_KEY: "BOOTSTRAP_ADMIN_KEY" length must be at least 32 characters long',
    ],
    [
      { LOG_LEVEL: 'loud' },
      'Invalid environment variable LOG_LEVEL: "LOG_LEVEL" must be one of [fatal, error, warn, info, debug, trace, silent]',
    ],
  ])('names the bad variable in one line: %j', (raw, message) => {
    expect(() => validateEnvironment(raw)).toThrow(new EnvironmentError(message));
  });

  it.each([
    ['STRIPE_SECRET_KEY', 'pk_live_51SuperSecretValue'],
    ['STRIPE_WEBHOOK_SECRET', 'wh_notquite_s3cretWebhookValue'],
    ['BOOTSTRAP_ADMIN_KEY', 'a secret with spaces that is long enough to pass'],
    ['REDIS_URL', 'http://user:hunter2-password@redis.internal:6379'],
    ['DATABASE_URL', 'mysql://app:pg-pass-word@db.internal/ledger'],
  ])('names %s and its rule, never its value', (variable, value) => {
    let message = '';
    try {
      validateEnvironment({ [variable]: value });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^Invalid environment variable ${variable}: `));
    expect(message).not.toContain(value);
    const password = /:([^:@/]+)@/.exec(value)?.[1];
    if (password) expect(message).not.toContain(password);
  });

  it('takes PUBLIC_BASE_URL as an origin and path, without its trailing slashes', () => {
    expect(
      validateEnvironment({ PUBLIC_BASE_URL: 'https://api.example.com/' }).PUBLIC_BASE_URL,
    ).toBe('https://api.example.com');
    expect(
      validateEnvironment({ PUBLIC_BASE_URL: 'https://example.com/ledger//' }).PUBLIC_BASE_URL,
    ).toBe('https://example.com/ledger');
  });

  it.each([
    'ftp://example.com',
    'example.com',
    'https://example.com/?q=1',
    'https://u:p@example.com',
  ])('refuses PUBLIC_BASE_URL %s', (value) => {
    expect(() => validateEnvironment({ PUBLIC_BASE_URL: value })).toThrow(
      /^Invalid environment variable PUBLIC_BASE_URL: /,
    );
  });
});
