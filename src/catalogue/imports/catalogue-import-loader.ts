import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../../config/app-config';
import { AuditService } from '../../organizations/audit.service';
import { ImportRow } from './catalogue-import.dto';
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
    const [started] = await this.dataSource.query<ImportRow[]>(
      // (TypeORM hands back UPDATE results as [rows, count]; a CTE makes it a plain SELECT.)
      `WITH started AS (UPDATE catalogue_imports SET status = 'processing'
                         WHERE id = $1 AND status IN ('queued', 'processing') RETURNING *)
       SELECT * FROM started`,
      [importId],
    );
    if (!started) return; // finished already, or unknown
    const [{ last_line: lastStaged }] = await this.dataSource.query<{ last_line: number | null }[]>(
      `SELECT max(line_no) AS last_line FROM catalogue_import_rows WHERE import_id = $1`,
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
    const [payee] = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM payees WHERE organization_id = $1 AND is_default`,
      [started.organization_id],
    );
    const batchLines = this.config.get('IMPORT_BATCH_LINES');
    const partitions = this.config.get('IMPORT_LOAD_PARALLELISM');
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
        await this.dataSource.query(
          `UPDATE catalogue_imports SET lines_processed = $2 WHERE id = $1`,
          [importId, range.toLine],
        );
      }
    });
    await this.dataSource.transaction(async (manager) => {
      const [done] = await manager.query<ImportRow[]>(
        `WITH done AS (UPDATE catalogue_imports
                          SET status = 'completed', lines_processed = lines_read, finished_at = now()
                        WHERE id = $1 RETURNING *)
         SELECT * FROM done`,
        [importId],
      );
      await this.audit.record(manager, null, {
        action: 'catalogue-import.complete',
        resourceType: 'catalogue-import',
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
    await this.dataSource.query('ANALYZE works, work_identifiers, work_splits');
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
      await runner.query(`SELECT pg_advisory_lock(hashtext('catalogue-import:' || $1))`, [
        organizationId,
      ]);
      try {
        await work();
      } finally {
        await runner.query(`SELECT pg_advisory_unlock(hashtext('catalogue-import:' || $1))`, [
          organizationId,
        ]);
      }
    } finally {
      await runner.release();
    }
  }

  async fail(importId: string, failure: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE catalogue_imports SET status = 'failed', failure = $2, finished_at = now()
        WHERE id = $1 AND status IN ('queued', 'processing')`,
      [importId, failure.slice(0, 1000)],
    );
    await this.dataSource.query(`DELETE FROM catalogue_import_rows WHERE import_id = $1`, [
      importId,
    ]);
  }

  /** Imports the database says are unfinished: their jobs are re-derived from this after a Redis loss. */
  async unfinished(): Promise<string[]> {
    const rows = await this.dataSource.query<{ id: string }[]>(
      `SELECT id FROM catalogue_imports WHERE status IN ('queued', 'processing') ORDER BY id`,
    );
    return rows.map((row) => row.id);
  }
}
