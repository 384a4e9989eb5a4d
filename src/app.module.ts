import { DynamicModule, Module, Type } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { CatalogueModule } from './catalogue/catalogue.module';
import { CollectionModule } from './collection/collection.module';
import { CollectionWorkersModule } from './collection/collection-workers.module';
import { ComplianceModule } from './compliance/compliance.module';
import { CatalogueWorkersModule } from './catalogue/catalogue-workers.module';
import { ApiKeyGuard } from './common/auth/api-key.guard';
import { RequestAuthentication } from './common/auth/request-authentication';
import { ProblemFilter } from './common/errors/problem.filter';
import { requestValidationPipe } from './common/validation/validation-pipe';
import { RateLimitModule } from './common/rate-limit/rate-limit.module';
import { RedisModule } from './common/redis/redis.module';
import { AppConfigModule } from './config/app-config.module';
import { Environment } from './config/environment';
import { DatabaseModule } from './database/database.module';
import { UploadsModule } from './common/uploads/uploads.module';
import { HealthModule } from './health/health.module';
import { LedgerModule } from './ledger/ledger.module';
import { LICENCE_CHECK_ROUTE } from './licensing/licence-check.route';
import { LicensingModule } from './licensing/licensing.module';
import { loggerOptions } from './logging';
import { OrganizationsModule } from './organizations/organizations.module';
import { SessionsModule } from './organizations/sessions.module';
import { PayoutsModule } from './payouts/payouts.module';
import { PayoutsWorkersModule } from './payouts/payouts-workers.module';
import { QueueModule } from './queue/queue.module';
import { RoyaltiesModule } from './royalties/royalties.module';
import { RoyaltiesWorkersModule } from './royalties/royalties-workers.module';
import { UsageModule } from './usage/usage.module';
import { UsageWorkersModule } from './usage/usage-workers.module';

export interface AppModuleOptions {
  env: Environment;
  process: 'api' | 'worker';
}

/**
 * Modules holding BullMQ processors (one per feature, e.g. the catalogue's import processor).
 * They run in the worker process, and in the api process too when RUN_WORKERS is true, so that
 * `npm start` alone is a working system.
 */
export const WORKER_MODULES: Type[] = [
  CatalogueWorkersModule,
  UsageWorkersModule,
  RoyaltiesWorkersModule,
  PayoutsWorkersModule,
  CollectionWorkersModule,
];

/** The whole service; the api serves it over HTTP, the worker runs it without a listener. */
@Module({})
export class AppModule {
  static forRoot(options: AppModuleOptions): DynamicModule {
    const runsJobs = options.process === 'worker' || options.env.RUN_WORKERS;
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(options.env),
        LoggerModule.forRoot(
          loggerOptions(options.env, [{ method: 'GET', path: LICENCE_CHECK_ROUTE }]),
        ),
        DatabaseModule.forRoot({ runsJobs }),
        UploadsModule,
        RedisModule,
        RateLimitModule,
        QueueModule,
        HealthModule,
        OrganizationsModule,
        SessionsModule,
        CatalogueModule,
        LicensingModule,
        UsageModule,
        LedgerModule,
        RoyaltiesModule,
        PayoutsModule,
        CollectionModule,
        ComplianceModule,
        ...(runsJobs ? WORKER_MODULES : []),
      ],
      providers: [
        RequestAuthentication,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_PIPE, useValue: requestValidationPipe() },
      ],
    };
  }
}
