import { DynamicModule, Module } from '@nestjs/common';
import { AppConfigModule } from '../config/app-config.module';
import { Environment } from '../config/environment';
import { DatabaseModule } from '../database/database.module';
import { OrganizationsModule } from '../organizations/organizations.module';

/** What the command line needs: configuration, the database and organizations; no Redis, no HTTP. */
@Module({})
export class CliModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: CliModule,
      imports: [
        AppConfigModule.forRoot(env),
        DatabaseModule.forRoot({ runsJobs: true }),
        OrganizationsModule,
      ],
    };
  }
}
