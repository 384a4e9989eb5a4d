import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { Environment } from './environment';

/** Typed, read-only access to the validated environment. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<Environment, true>) {}

  get<K extends keyof Environment>(key: K): Environment[K] {
    return this.config.get(key, { infer: true });
  }

  get databaseUrl(): string {
    const url = this.get('DATABASE_URL');
    if (!url) {
      throw new Error('DATABASE_URL is not set: the entry point must resolve the database first');
    }
    return url;
  }
}
