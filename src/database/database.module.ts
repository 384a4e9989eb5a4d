import { DynamicModule, Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppConfig } from '../config/app-config';
import { ChangeFeed } from './change-feed';
import { ConnectionLimits, dataSourceOptions } from './data-source-options';

/**
 * Every process waits at most DATABASE_ACQUIRE_TIMEOUT_MS for a pooled connection and ends a
 * transaction left idle for DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS (no code path awaits
 * anything but the database inside a transaction). Statements are bounded only in a process
 * that runs no background jobs (an api with RUN_WORKERS=false): a royalty run, a report's
 * matching or an import load runs statements of minutes. An upload lifts the bound for its
 * COPY, which lasts as long as its body; UPLOAD_IDLE_TIMEOUT_MS bounds that instead.
 */
export function connectionLimits(config: AppConfig, runsJobs: boolean): ConnectionLimits {
  return {
    acquireTimeoutMs: config.get('DATABASE_ACQUIRE_TIMEOUT_MS'),
    statementTimeoutMs: runsJobs ? 0 : config.get('DATABASE_STATEMENT_TIMEOUT_MS'),
    idleInTransactionTimeoutMs: config.get('DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS'),
  };
}

@Global()
@Module({})
export class DatabaseModule {
  /** `runsJobs`: the process runs BullMQ processors (the worker, or an api with RUN_WORKERS). */
  static forRoot(options: { runsJobs: boolean }): DynamicModule {
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          inject: [AppConfig],
          useFactory: (config: AppConfig) => ({
            ...dataSourceOptions(
              config.databaseUrl,
              config.get('DATABASE_POOL_SIZE'),
              connectionLimits(config, options.runsJobs),
            ),
            // Each module's entities, as it registers them with TypeOrmModule.forFeature.
            autoLoadEntities: true,
          }),
        }),
      ],
      providers: [ChangeFeed],
      exports: [ChangeFeed],
    };
  }
}
