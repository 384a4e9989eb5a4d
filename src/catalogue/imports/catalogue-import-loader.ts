import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../organizations/audit.service';
import { ImportRow } from './catalogue-import.dto';
import {
  ANALYZE_CATALOGUE,
  ANALYZE_LOOKUPS,
  COMPLETE,
  DEFAULT_PAYEE,
  DROP_STAGED_ROWS,
  FAIL,
  LAST_STAGED,
  MARK_PROCESSED,
  PUBLISHER_LOCK,
  PUBLISHER_UNLOCK,
  START_LOAD,
  UNFINISHED_IMPORTS,
} from './catalogue-import.queries';
import { deduplicateIdentifiers, loadImportBatch } from './load-import-batch';

/**
 * Loads a received import into the catalogue, batch after batch, each batch one transaction
 * that also records how far it got; a retry after a crash resumes at the next batch.
 */
@Injectable()
export class CatalogueImportLoader {
  private readonly logger = new Logger(CatalogueImportLoader.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async load(importId: string): Promise<void> {
    const [started] = await this.dataSource.query<ImportRow[]>(START_LOAD, [importId]);
    if (!started) return; // finished already, or unknown
    const [{ last_line: lastStaged }] = await this.dataSource.query<{ last_line: number | null }[]>(
      LAST_STAGED,
      [importId],
    );
    if (lastStaged === null && started.lines_processed < started.lines_read) {
      // The staging table is UNLOGGED: a database crash empties it.
      await this.fail(
        importId,
        'the received lines were lost (database restart); send the file again',
      );
      return;
    }
    const [payee] = await this.dataSource.query<{ id: string }[]>(DEFAULT_PAYEE, [
      started.organization_id,
    ]);
    const batchLines = this.config.get('IMPORT_BATCH_LINES');
    const partitions = this.config.get('IMPORT_LOAD_PARALLELISM');
    // Statistics taken once the first batch is in, when more are to come: before it, the
    // publisher's works were few or none as far as the planner knew, and believing so it read
    // all of them for each line of the next batches (minutes per batch from the second on, seen
    // by the catalogue import's fault test on a server without autovacuum). Once the publisher
    // has a share of the table, estimates grow with the table. ANALYZE samples: a moment.
    let analyzed = false;
    await this.withPublisherLock(started.organization_id, async () => {
      for (let from = started.lines_processed + 1; from <= (lastStaged ?? 0); from += batchLines) {
        const range = {
          importId,
          fromLine: from,
          toLine: Math.min(from + batchLines - 1, lastStaged ?? 0),
        };
        await this.dataSource.transaction((manager) => deduplicateIdentifiers(manager, range));
        // Lines of one externalId share a partition, so "the last line wins" holds; the
        // partitions load side by side, one transaction (and one database core) each.
        await Promise.all(
          Array.from({ length: partitions }, (_, partition) =>
            this.dataSource.transaction((manager) =>
              loadImportBatch(manager, {
                ...range,
                partition,
                partitions,
                organizationId: started.organization_id,
                defaultPayeeId: payee?.id ?? '00000000-0000-0000-0000-000000000000',
                splitsEffectiveFrom: started.splits_effective_from,
              }),
            ),
          ),
        );
        // A crash before this line re-runs the range: the partitions that committed deleted
        // their staged lines, so only the others load again, and no count is doubled.
        await this.dataSource.query(MARK_PROCESSED, [importId, range.toLine]);
        if (!analyzed && range.toLine < (lastStaged ?? 0)) {
          await this.dataSource.query(ANALYZE_LOOKUPS);
          analyzed = true;
        }
      }
    });
    await this.dataSource.transaction(async (manager) => {
      const [done] = await manager.query<ImportRow[]>(COMPLETE, [importId]);
      await this.audit.record(manager, null, {
        action: 'catalogue-import.complete',
        resourceId: importId,
        resourceOrganizationId: done.organization_id,
        details: {
          created: done.created,
          updated: done.updated,
          unchanged: done.unchanged,
          rejected: done.rejected,
        },
      });
    });
    // A big load changes the tables' shape; fresh statistics keep lookups on their indexes even
    // where autovacuum is slow or off. ANALYZE samples, so this takes a moment, not a scan.
    await this.dataSource.query(ANALYZE_CATALOGUE);
    this.logger.log(`catalogue import ${importId} completed`);
  }

  /**
   * One loader per publisher at a time (two imports touching the same works could deadlock),
   * held on its own connection for the whole import; a dead worker's lock dies with it.
   */
  private async withPublisherLock(
    organizationId: string,
    work: () => Promise<void>,
  ): Promise<void> {
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.query(PUBLISHER_LOCK, [organizationId]);
      try {
        await work();
      } finally {
        await runner.query(PUBLISHER_UNLOCK, [organizationId]);
      }
    } finally {
      await runner.release();
    }
  }

  async fail(importId: string, failure: string): Promise<void> {
    await this.dataSource.query(FAIL, [importId, failure.slice(0, 1000)]);
    await this.dataSource.query(DROP_STAGED_ROWS, [importId]);
  }

  /** Imports the database says are unfinished: their jobs are re-derived from this after a Redis loss. */
  async unfinished(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(UNFINISHED_IMPORTS);
    return rows.map((row) => row.id);
  }
}
