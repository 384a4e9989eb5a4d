import { INestApplicationContext, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Worker } from 'bullmq';
import { DataSource } from 'typeorm';
import { AppModule } from '../../src/app.module';
import { Environment } from '../../src/config/environment';

/**
 * Worker processes started in the test's own process (the app's api runs without workers), and
 * killed as SIGKILL would kill one: for the crash tests.
 */
export class WorkerContexts {
  private readonly started: INestApplicationContext[] = [];

  constructor(private readonly env: Environment) {}

  async start(): Promise<INestApplicationContext> {
    const context = await NestFactory.createApplicationContext(
      AppModule.forRoot({ env: this.env, process: 'worker' }),
      { logger: false },
    );
    await context.init();
    this.started.push(context);
    return context;
  }

  /**
   * As a SIGKILL would: the processor's BullMQ worker closed at once (jobs abandoned where they
   * are) and the database pool destroyed (no write after this moment).
   */
  async kill(context: INestApplicationContext, processor: Type<unknown>): Promise<void> {
    const worker = Reflect.get(context.get<unknown, object>(processor), 'worker') as Worker;
    await worker.close(true);
    await context.get(DataSource).destroy();
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
