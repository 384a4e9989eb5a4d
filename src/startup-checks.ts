import Redis from 'ioredis';

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
    throw new Error(
      `Redis is not reachable at ${url} (${error instanceof Error ? error.message : String(error)}). ` +
        'Start one with `docker compose up -d redis` (or a local redis-server), or set REDIS_URL.',
    );
  } finally {
    redis.disconnect();
  }
}
