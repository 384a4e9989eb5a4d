import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { runProcess } from './process-lifecycle';

/** The same application without an HTTP listener: BullMQ processors and schedulers only. */
void runProcess('worker', async (env) => {
  const app = await NestFactory.createApplicationContext(
    AppModule.forRoot({ env, process: 'worker' }),
    {
      bufferLogs: true,
    },
  );
  app.useLogger(app.get(PinoLogger));
  await app.init();
  new Logger('Worker').log('worker started');
  return () => app.close();
});
