import { Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/** How often a recovery sweeps, and the line it logs (a warning) when a sweep fails. */
export interface RecoverySchedule {
  everyMs: number;
  failure: string;
}

/**
 * Redis holds only the queues; the database holds the truth. A recovery sweeps at start and then
 * every `everyMs`: it finds the work PostgreSQL says is unfinished and puts its jobs back on the
 * queue through the module's own `enqueue`, the one that queued them the first time: the same job
 * name, options and id (an id derived from the work makes a job still queued a no-op). A sweep
 * that fails is logged, under the recovery's class name, and the next one tries again. A module's
 * recovery extends this and says what one sweep does.
 */
export abstract class RecoverySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(this.constructor.name);
  private timer?: NodeJS.Timeout;

  protected constructor(private readonly schedule: RecoverySchedule) {}

  /** One sweep; `atStart` is true for the one made as the application starts. */
  protected abstract recover(atStart: boolean): Promise<void>;

  onApplicationBootstrap(): void {
    void this.sweep(true);
    this.timer = setInterval(() => void this.sweep(false), this.schedule.everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async sweep(atStart = false): Promise<void> {
    try {
      await this.recover(atStart);
    } catch (error) {
      this.logger.warn({ err: error }, this.schedule.failure);
    }
  }
}

/** The usual sweep: every unfinished id, in the order the database lists them, queued again one by one. */
export async function requeueEach(
  unfinished: () => Promise<string[]>,
  enqueue: (id: string) => Promise<void>,
): Promise<void> {
  for (const id of await unfinished()) await enqueue(id);
}
