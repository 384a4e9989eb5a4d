import { BullModule } from '@nestjs/bullmq';
import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { redisConnectionOptions } from './redis-connection';

/**
 * BullMQ on the same Redis, under REDIS_PREFIX. Feature modules register their queues with
 * BullModule.registerQueue; their processors run where workers are enabled.
 */
@Module({
  imports: [
    BullModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        connection: redisConnectionOptions(config.get('REDIS_URL')),
        prefix: `${config.get('REDIS_PREFIX')}:bull`,
      }),
    }),
  ],
})
export class QueueModule {}
