import { Global, Inject, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '../../config/app-config';

export const REDIS = Symbol('REDIS');
const logger = new Logger('Redis');

/** Every key this process writes starts with REDIS_PREFIX, so test workers and tenants of one Redis never collide. */
export function redisKey(config: AppConfig, ...parts: string[]): string {
  return [config.get('REDIS_PREFIX'), ...parts].join(':');
}

@Injectable()
class RedisCloser implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async onApplicationShutdown(): Promise<void> {
    // quit() waits for pending replies; without a connection there are none to wait for.
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => undefined);
    this.redis.disconnect();
  }
}

@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const redis = new Redis(config.get('REDIS_URL'), {
          // Fail a command fast when Redis is away instead of queueing it forever.
          maxRetriesPerRequest: 1,
          enableOfflineQueue: false,
          connectTimeout: 2000,
          // A Redis that hangs (rather than refusing) must not hold every request: a count that
          // takes longer fails, and each route's fail-open or fail-closed rule applies. This
          // client runs no blocking commands (BullMQ has its own connections).
          commandTimeout: 500,
          // Commands issued in one tick (concurrent requests' rate-limit counts) share one write.
          enableAutoPipelining: true,
        });
        // ioredis reconnects by itself; readiness reports the outage, this only keeps a trace.
        let lastLogged = 0;
        redis.on('error', (error: Error) => {
          if (Date.now() - lastLogged < 10_000) return;
          lastLogged = Date.now();
          logger.warn(`redis: ${error.message}`);
        });
        return redis;
      },
    },
    RedisCloser,
  ],
  exports: [REDIS],
})
export class RedisModule {}
