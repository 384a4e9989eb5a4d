import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './create-app';
import { runProcess } from './process-lifecycle';

void runProcess('api', async (env) => {
  const app = await createApp(env);
  await app.listen({ port: env.PORT, host: env.HOST });
  new Logger('Api').log(`listening on http://${env.HOST}:${env.PORT} (OpenAPI at /docs)`);
  return () => app.close();
});
