import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { AppConfig } from './app-config';
import { Environment } from './environment';

/** Serves an environment the entry point has already validated; never reads process.env itself. */
@Global()
@Module({})
export class AppConfigModule {
  static forRoot(env: Environment): DynamicModule {
    return {
      module: AppConfigModule,
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => env],
        }),
      ],
      providers: [AppConfig],
      exports: [AppConfig],
    };
  }
}
