import { inspect } from 'node:util';
import Redis from 'ioredis';
import { log } from './log';

/** Deletes every key matching the patterns (a bench's own prefixes, and only those). */
export async function deleteRedisKeys(redisUrl: string, patterns: string[]): Promise<void> {
  if (patterns.length === 0) return;
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    for (const pattern of patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
    }
  } catch (error) {
    log(`could not delete the bench's Redis keys: ${inspect(error)}`);
  } finally {
    redis.disconnect();
  }
}
