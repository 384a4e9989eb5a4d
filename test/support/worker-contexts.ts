import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { TestApp } from './test-app';

/** The pg pool inside TypeORM's driver, as far as a crash test needs it. */
interface PgPool {
  _clients?: { processID?: number }[];
}

/**
 * Worker processes started in the test's own process (the app's api runs without workers), and
 * killed as SIGKILL would kill one: for the crash tests.
 */
export class WorkerContexts {
  private readonly started: INestApplicationContext[] = [];

  constructor(private readonly t: Pick<TestApp, 'env' | 'sql'>) {}

  async start(): Promise<INestApplicationContext> {
    const context = await NestFactory.createApplicationContext(
      AppModule.forRoot({ env: this.t.env, process: 'worker' }),
      { logger: false },
    );
    await context.init();
    this.started.push(context);
    return context;
  }

  /**
   * As a SIGKILL would: the processor's BullMQ worker closed at once (jobs abandoned where they
   * are) and the context's database sessions terminated by the server, so an open transaction
   * is rolled back and its locks freed at this moment. A graceful pool end would instead let
   * the abandoned code finish its transaction, or hold its locks while it waits on something
   * the kill took away — which a real SIGKILL never does.
   */
  async kill(context: INestApplicationContext, processor: Type<unknown>): Promise<void> {
    const worker = Reflect.get(context.get<unknown, object>(processor), 'worker') as Worker;
    await worker.close(true);
    const dataSource = context.get(DataSource);
    const pool = Reflect.get(dataSource.driver, 'master') as PgPool;
    const pids = (pool._clients ?? [])
      .map((client) => client.processID)
      .filter((pid): pid is number => typeof pid === 'number');
    // The pool's internals are pg's, not a public API: if they change, say so rather than kill softly.
    if (!pids.length)
      throw new Error('no database session found to terminate in the killed context');
    await this.t.sql(`SELECT pg_terminate_backend(pid) FROM unnest($1::int[]) AS pid`, [pids]);
    await dataSource.destroy().catch(() => undefined);
  }

  /** Every context closed; a killed one that does not close within 5 s is left (its pool is gone). */
  async closeAll(): Promise<void> {
    for (const context of this.started) {
      await Promise.race([
        context.close().catch(() => undefined),
        new Promise((resolve) => setTimeout(resolve, 5_000).unref()),
      ]);
    }
  }
}
