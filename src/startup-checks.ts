import Redis from 'ioredis';
import { redactUrl, scrubValue } from './config/redact';

/** Fails fast, with what to do, when Redis is not there at start-up. */
export async function assertRedisReachable(url: string): Promise<void> {
  const redis = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    retryStrategy: () => null,
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    throw new Error(redisUnreachableMessage(url, error));
  } finally {
    redis.disconnect();
  }
}

/** What to do, naming the server but never REDIS_URL's password (start-up errors go to logs). */
export function redisUnreachableMessage(url: string, error: unknown): string {
  const reason = scrubValue(error instanceof Error ? error.message : String(error), url);
  return (
    `Redis is not reachable at ${redactUrl(url)} (${reason}). ` +
    'Start one with `docker compose up -d redis` (or a local redis-server), or set REDIS_URL.'
  );
}
