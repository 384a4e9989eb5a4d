import { Injectable, Logger } from '@nestjs/common';
import { EntityManager } from 'typeorm';

/**
 * Who wants to know that a run is posted: collection records its invoices as work to do inside
 * the posting's transaction (onPosting: fails the posting if it fails, so the two commit
 * together), then queues that work once the posting is committed (on). A listener after the
 * commit that fails is logged and left: what it missed is found again from the database by its
 * own recovery sweep, so posting never fails because of it.
 */
@Injectable()
export class RunPostedListeners {
  private readonly logger = new Logger(RunPostedListeners.name);
  private readonly listeners: ((runId: string) => Promise<void>)[] = [];
  private readonly inTransaction: ((manager: EntityManager, runId: string) => Promise<void>)[] = [];

  onPosting(listener: (manager: EntityManager, runId: string) => Promise<void>): void {
    this.inTransaction.push(listener);
  }

  /** In the posting's transaction, before it commits. */
  async posting(manager: EntityManager, runId: string): Promise<void> {
    for (const listener of this.inTransaction) await listener(manager, runId);
  }

  on(listener: (runId: string) => Promise<void>): void {
    this.listeners.push(listener);
  }

  async posted(runId: string): Promise<void> {
    for (const listener of this.listeners) {
      try {
        await listener(runId);
      } catch (error) {
        this.logger.warn({ err: error, runId }, 'a listener of posted runs failed; its sweep will');
      }
    }
  }
}
