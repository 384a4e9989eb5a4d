import { Logger } from '@nestjs/common';
import { Queue } from 'bullmq';

const logger = new Logger('Queue');

/**
 * A BullMQ queue re-emits its Redis connection's errors ("Connection is closed" when a command
 * was pending as the app shut down, refused connections while Redis is down); an emitter
 * without an 'error' listener would crash the process instead. Health reports Redis's state;
 * here the errors are logged.
 */
export function logQueueErrors(queue: Queue): void {
  queue.on('error', (error: Error) =>
    logger.warn({ err: error, queue: queue.name }, 'queue error'),
  );
}

/**
 * A processor's worker emits the same connection errors (and a job loop's own); without a
 * listener BullMQ prints them raw to stderr, outside the structured log.
 */
export function logWorkerError(queue: string, error: Error): void {
  logger.warn({ err: error, queue }, 'queue worker error');
}
