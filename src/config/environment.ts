import * as Joi from 'joi';
import { scrubValue } from './redact';

/**
 * Every environment variable the service reads. The README documents each one;
 * keep the two in step.
 */
export interface Environment {
  NODE_ENV: 'development' | 'production' | 'test';
  HOST: string;
  PORT: number;
  LOG_LEVEL: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE: number;
  EMBEDDED_POSTGRES_DIR: string;
  EMBEDDED_POSTGRES_PORT: number;
  MIGRATIONS_RUN: boolean;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  RUN_WORKERS: boolean;
  BOOTSTRAP_ADMIN_KEY?: string;
  RATE_LIMIT_PER_MINUTE: number;
  RATE_LIMIT_SYNC_MS: number;
  BODY_LIMIT_BYTES: number;
  SHUTDOWN_GRACE_MS: number;
  IMPORT_MAX_BYTES: number;
  IMPORT_BATCH_LINES: number;
  IMPORT_LOAD_PARALLELISM: number;
  USAGE_MAX_INVALID_BPS: number;
  USAGE_MAX_BYTES: number;
  PLATFORM_COMMISSION_BPS: number;
  EARNINGS_PAYABLE_AT_ONCE: boolean;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  STRIPE_API_URL?: string;
  STRIPE_TIMEOUT_MS: number;
  STRIPE_CONNECT_RETURN_URL: string;
  STRIPE_CONNECT_REFRESH_URL: string;
  PAYOUT_REQUESTS_PER_SECOND: number;
  PAYOUT_CONCURRENCY: number;
  PAYOUT_ATTEMPTS: number;
  PAYOUT_BACKOFF_MS: number;
  PAYOUT_JOB_LOCK_MS: number;
  COLLECTION_THROUGH_STRIPE: boolean;
  COLLECTION_DAYS_UNTIL_DUE: number;
  COLLECTION_REQUESTS_PER_SECOND: number;
  COLLECTION_CONCURRENCY: number;
  COLLECTION_ATTEMPTS: number;
  COLLECTION_BACKOFF_MS: number;
  COLLECTION_JOB_LOCK_MS: number;
  COLLECTION_SYNC_GATHER_MS: number;
  RECEIPT_KEY_VERIFY_DAYS: number;
  RECEIPT_CACHE_ENTRIES: number;
  RECEIPT_COUNT_FLUSH_MS: number;
  RECEIPT_COUNT_MAX_KEYS: number;
  COMPLIANCE_VOLUME_DROP_BPS: number;
  RECONCILIATION_CRON: string;
  API_KEYS_PER_PRINCIPAL: number;
  PRINCIPALS_PER_ORGANIZATION: number;
  TRUST_PROXY: boolean | number | string;
  PUBLIC_RATE_LIMIT_PER_MINUTE: number;
  WEBHOOK_RATE_LIMIT_PER_MINUTE: number;
  AUTH_FAILURES_PER_MINUTE: number;
  API_KEY_CACHE_SIZE: number;
  UPLOADS_PER_ORGANIZATION: number;
  UPLOADS_PER_PROCESS: number;
  UPLOAD_IDLE_TIMEOUT_MS: number;
  UPLOAD_MIN_BYTES_PER_SECOND: number;
  DATABASE_ACQUIRE_TIMEOUT_MS: number;
  DATABASE_STATEMENT_TIMEOUT_MS: number;
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: number;
  PUBLIC_BASE_URL: string;
  STATEMENT_CSV_CONCURRENCY: number;
  UPLOAD_QUOTA_BYTES_PER_DAY: number;
  CONSOLE_DIR?: string;
  SESSION_IDLE_TIMEOUT_SECONDS: number;
  SESSION_MAX_AGE_SECONDS: number;
}

const schema = Joi.object<Environment, true>({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  HOST: Joi.string().hostname().default('0.0.0.0'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  LOG_LEVEL: Joi.string()
    .valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent')
    .default('info'),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }),
  DATABASE_POOL_SIZE: Joi.number().integer().min(1).max(200).default(10),
  EMBEDDED_POSTGRES_DIR: Joi.string().default('.data/postgres'),
  EMBEDDED_POSTGRES_PORT: Joi.number().integer().min(1).max(65535).default(54329),
  MIGRATIONS_RUN: Joi.boolean().default(true),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .default('redis://127.0.0.1:6379'),
  REDIS_PREFIX: Joi.string()
    .pattern(/^[A-Za-z0-9_-]{1,32}$/)
    .default('rl'),
  RUN_WORKERS: Joi.boolean().default(true),
  BOOTSTRAP_ADMIN_KEY: Joi.string().min(32).max(256).pattern(/^\S+$/),
  RATE_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(600),
  // The licence check counts its requests in the process and adds them to the shared (Redis)
  // count once per interval, rather than a round trip per request (rate-limiter.ts).
  RATE_LIMIT_SYNC_MS: Joi.number().integer().min(10).max(10_000).default(200),
  BODY_LIMIT_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(1024 * 1024),
  SHUTDOWN_GRACE_MS: Joi.number().integer().min(0).default(10000),
  IMPORT_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(4 * 1024 ** 3),
  IMPORT_BATCH_LINES: Joi.number().integer().min(1).max(1_000_000).default(50_000),
  IMPORT_LOAD_PARALLELISM: Joi.number().integer().min(1).max(16).default(2),
  USAGE_MAX_INVALID_BPS: Joi.number().integer().min(0).max(10000).default(100),
  USAGE_MAX_BYTES: Joi.number()
    .integer()
    .min(1024)
    .default(64 * 1024 ** 3),
  PLATFORM_COMMISSION_BPS: Joi.number().integer().min(0).max(10000).default(1000),
  EARNINGS_PAYABLE_AT_ONCE: Joi.boolean().default(false),
  STRIPE_SECRET_KEY: Joi.string().pattern(/^(sk|rk)_(test|live)_\S+$/),
  STRIPE_WEBHOOK_SECRET: Joi.string().pattern(/^whsec_\S+$/),
  STRIPE_API_URL: Joi.string().uri({ scheme: ['http', 'https'] }),
  STRIPE_TIMEOUT_MS: Joi.number().integer().min(100).max(600_000).default(30_000),
  STRIPE_CONNECT_RETURN_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default('http://localhost:3000/onboarding/complete'),
  STRIPE_CONNECT_REFRESH_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .default('http://localhost:3000/onboarding/refresh'),
  PAYOUT_REQUESTS_PER_SECOND: Joi.number().integer().min(1).max(10_000).default(20),
  PAYOUT_CONCURRENCY: Joi.number().integer().min(1).max(256).default(16),
  PAYOUT_ATTEMPTS: Joi.number().integer().min(1).max(100).default(10),
  PAYOUT_BACKOFF_MS: Joi.number().integer().min(1).default(1000),
  PAYOUT_JOB_LOCK_MS: Joi.number().integer().min(500).default(30_000),
  // Posted invoices issued through Stripe, paid through its events (docs/COLLECTION.md).
  COLLECTION_THROUGH_STRIPE: Joi.boolean().default(false),
  COLLECTION_DAYS_UNTIL_DUE: Joi.number().integer().min(1).max(365).default(30),
  // Stripe calls per second that collection may make, across every worker process.
  COLLECTION_REQUESTS_PER_SECOND: Joi.number().integer().min(1).max(10_000).default(20),
  COLLECTION_CONCURRENCY: Joi.number().integer().min(1).max(256).default(16),
  COLLECTION_ATTEMPTS: Joi.number().integer().min(1).max(100).default(10),
  COLLECTION_BACKOFF_MS: Joi.number().integer().min(1).default(1000),
  COLLECTION_JOB_LOCK_MS: Joi.number().integer().min(500).default(30_000),
  // After a drain lane finds fewer marks than a batch, it waits this long before claiming again,
  // so that under a stream of events each claim, Stripe read and write takes many invoices.
  COLLECTION_SYNC_GATHER_MS: Joi.number().integer().min(0).max(5_000).default(100),
  // Licence receipts (docs/LICENSING.md): how long a retired signing key stays published, and
  // how many signed receipts one api process keeps to answer repeated checks without signing.
  RECEIPT_KEY_VERIFY_DAYS: Joi.number().integer().min(2).max(3650).default(400),
  RECEIPT_CACHE_ENTRIES: Joi.number().integer().min(1).max(10_000_000).default(50_000),
  // Receipts are counted in the process and added to the database once per interval: a crash
  // loses at most one interval's counts. At most RECEIPT_COUNT_MAX_KEYS keys are held between.
  RECEIPT_COUNT_FLUSH_MS: Joi.number().integer().min(100).max(600_000).default(10_000),
  RECEIPT_COUNT_MAX_KEYS: Joi.number().integer().min(100).max(10_000_000).default(100_000),
  // A compliance finding when a month's matched units fall by more than this share (basis
  // points) of the mean of the three months before.
  COMPLIANCE_VOLUME_DROP_BPS: Joi.number().integer().min(1).max(10_000).default(5_000),
  RECONCILIATION_CRON: Joi.string().default('0 2 * * *'),
  API_KEYS_PER_PRINCIPAL: Joi.number().integer().min(1).max(1000).default(10),
  // Each principal has its own rate limit and key cap: invitations must not multiply them.
  PRINCIPALS_PER_ORGANIZATION: Joi.number().integer().min(1).max(100_000).default(100),
  // false: the client address is the socket's peer; a hop count or addresses/CIDRs: read
  // X-Forwarded-For through those proxies (Fastify's trustProxy). Not `true`: trusting every hop
  // takes the leftmost address, which the client writes — a new "address" per request, or a
  // neighbour's address to get it blocked.
  TRUST_PROXY: Joi.alternatives()
    .try(
      Joi.boolean().valid(false),
      Joi.number().integer().min(1).max(32),
      Joi.string().pattern(/^[0-9A-Fa-f.:/]+(\s*,\s*[0-9A-Fa-f.:/]+)*$/),
    )
    .default(false),
  PUBLIC_RATE_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(120),
  WEBHOOK_RATE_LIMIT_PER_MINUTE: Joi.number().integer().min(1).default(6000),
  AUTH_FAILURES_PER_MINUTE: Joi.number().integer().min(1).default(20),
  API_KEY_CACHE_SIZE: Joi.number().integer().min(1).max(10_000_000).default(10_000),
  // Uploads (usage reports, catalogue imports) hold a pooled connection while their body
  // arrives: at most this many per organization, and per process fewer than the pool.
  UPLOADS_PER_ORGANIZATION: Joi.number().integer().min(1).max(100).default(2),
  UPLOADS_PER_PROCESS: Joi.number()
    .integer()
    .min(1)
    .max(Joi.ref('DATABASE_POOL_SIZE', { adjust: (pool: number) => Math.max(1, pool - 1) }))
    .default((env: { DATABASE_POOL_SIZE: number }) =>
      Math.max(1, Math.floor(env.DATABASE_POOL_SIZE / 2)),
    ),
  UPLOAD_IDLE_TIMEOUT_MS: Joi.number().integer().min(100).max(3_600_000).default(30_000),
  // Judged over each UPLOAD_IDLE_TIMEOUT_MS window in which the upload waited only on its client.
  UPLOAD_MIN_BYTES_PER_SECOND: Joi.number().integer().min(0).max(1_073_741_824).default(1024),
  DATABASE_ACQUIRE_TIMEOUT_MS: Joi.number().integer().min(0).max(600_000).default(10_000),
  DATABASE_STATEMENT_TIMEOUT_MS: Joi.number().integer().min(0).default(60_000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: Joi.number().integer().min(0).default(60_000),
  // Where the public reaches this api: links in public documents are built from it, never from
  // a request's Host (which a client chooses, and caches would keep). Origin and path only.
  PUBLIC_BASE_URL: Joi.string()
    .uri({ scheme: ['http', 'https'] })
    .pattern(/^[^?#@]*$/, 'without credentials, query or fragment')
    .replace(/\/+$/, '')
    .default('http://localhost:3000'),
  // Statement CSV downloads streamed at once per process, each on a connection of its own.
  STATEMENT_CSV_CONCURRENCY: Joi.number().integer().min(1).max(64).default(4),
  // Bytes of uploads (usage reports and catalogue imports together) one organization may store
  // in any 24 hours: four usage reports of the largest size by default (256 GiB).
  UPLOAD_QUOTA_BYTES_PER_DAY: Joi.number()
    .integer()
    .min(1024)
    .max(Number.MAX_SAFE_INTEGER)
    .default(256 * 1024 ** 3),
  // The console's build (index.html, assets/), served at `/`; default console/dist in the project.
  CONSOLE_DIR: Joi.string(),
  // Console sign-in sessions (cookie rl_session, docs/SECURITY.md): a session unused for the
  // idle timeout (12 h) ends; none outlives the maximum age (7 days), which is also the cookie's
  // Max-Age. The cookie is Secure whenever NODE_ENV is not development.
  SESSION_IDLE_TIMEOUT_SECONDS: Joi.number()
    .integer()
    .min(1)
    .max(30 * 24 * 3600)
    .default(12 * 3600),
  SESSION_MAX_AGE_SECONDS: Joi.number()
    .integer()
    .min(60)
    .max(400 * 24 * 3600)
    .default(7 * 24 * 3600),
});

export class EnvironmentError extends Error {}

/**
 * Joi's messages that quote the value, rewritten to name only the rule: a variable's value may
 * be a secret (STRIPE_SECRET_KEY, a URL's password) and start-up errors go to logs.
 */
const MESSAGES_WITHOUT_VALUES: Joi.LanguageMessages = {
  'string.pattern.base': '{{#label}} fails to match the required pattern: {{#regex}}',
  'string.pattern.name': '{{#label}} fails to match the {{#name}} pattern',
  'string.pattern.invert.base': '{{#label}} matches the inverted pattern: {{#regex}}',
  'string.pattern.invert.name': '{{#label}} matches the inverted {{#name}} pattern',
};

/**
 * Validates raw variables (unknown ones are ignored: the process environment holds many).
 * Throws one error naming the first bad variable, so start-up fails with one clear line.
 */
export function validateEnvironment(raw: Record<string, unknown>): Environment {
  const cleaned = Object.fromEntries(
    Object.entries(raw).filter(([, value]) => value !== undefined && value !== ''),
  );
  const result: Joi.ValidationResult<Environment> = schema.validate(cleaned, {
    stripUnknown: true,
    abortEarly: true,
    convert: true,
    messages: MESSAGES_WITHOUT_VALUES,
  });
  const error: Joi.ValidationError | undefined = result.error;
  if (error) {
    const detail = error.details[0];
    const variable = detail?.path.join('.') ?? 'unknown';
    // Belt and braces: whatever a rule's message says, the value itself is never printed.
    const rule = scrubValue(detail?.message ?? error.message, cleaned[variable]);
    throw new EnvironmentError(`Invalid environment variable ${variable}: ${rule}`);
  }
  return result.value as Environment;
}
