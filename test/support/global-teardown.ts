import { rmSync } from 'node:fs';
import Redis from 'ioredis';
import { quoteIdentifier, withClient } from './test-database';

/** Drops this run's databases and Redis keys, and stops the embedded server if one was started. */
export default async function globalTeardown(): Promise<void> {
  const runId = process.env.TEST_RUN_ID;
  const serverUrl = process.env.TEST_SERVER_URL;
  if (runId && serverUrl) {
    await withClient(serverUrl, async (client) => {
      const { rows } = await client.query<{ datname: string }>(
        `SELECT datname FROM pg_database WHERE datname LIKE $1`,
        [`rl_test_${runId}_%`],
      );
      for (const { datname } of rows) {
        await client.query(`DROP DATABASE IF EXISTS ${quoteIdentifier(datname)} WITH (FORCE)`);
      }
    });
    const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `rltest${runId}*`, 'COUNT', 1000);
      if (keys.length) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    await redis.quit();
  }
  const embedded = (globalThis as { __embeddedPostgres?: { stop(): Promise<void> } })
    .__embeddedPostgres;
  await embedded?.stop();
  if (process.env.TEST_EMBEDDED_DIR)
    rmSync(process.env.TEST_EMBEDDED_DIR, { recursive: true, force: true });
}
